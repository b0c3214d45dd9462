import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { DeepPartial, EntityManager, FindOptionsWhere, ObjectLiteral, QueryFailedError, Repository } from 'typeorm';
import { EntityCache, VersionKey } from '../cache/entity-cache';
import { EntityEventType, recordEvents } from '../events/entity-event';
import { databaseErrorBody } from '../http/database-error';
import { entityTagOf, ifMatchHolds } from '../http/entity-tag';
import { errorBody } from '../http/error-body';
import { ReplicaReads } from '../database/replica-reads';
import { deleteEach, EntityId, insertEach, refuseDuplicateIds } from './bulk-write';
import { countRows } from './list-count';
import { applyCursor, decodeCursor, encodeCursor, selectCursorValues } from './list-cursor';
import { applyFilter, FilterNode, parseFilter, propertyColumn } from './list-filter';
import { ReadShape, readShape, ReadShapeQuery, sparseRow } from './list-fields';
import { attachRelationIds, embedRelations } from './list-include';
import { readableRow } from './readable';
import { DEFAULT_LIST_LIMIT, ListQueryBase, OFFSET_WITH_CURSOR } from './list-query';
import { assertVersion } from './optimistic-lock';
import { Page, ResourceDefinition } from './resource';
import { applyScope, refuseForeignScope, relatedScope, ScopeCondition, scopeCondition, scopeWhere } from './row-scope';
import { refuseUnreachableReferences } from './references';
import { onlyDeleted, restoreDeleted } from './soft-delete';
import { sortOrder } from './sort-order';
import { entityChanges, WriteMode } from './write-input';

/** The alias of the listed entity in list queries. */
const LIST_ALIAS = 'row';

/**
 * What an EntityService works with, handed over as one object: a generated injectable per entity
 * (`XServiceContext`) implements it, so what it holds can grow without any subclass restating it.
 */
export interface EntityServiceContext<E extends ObjectLiteral> {
  readonly resource: ResourceDefinition;
  /** A repository on the primary connection. */
  readonly writer: Repository<E>;
  /** A repository on the replica connection. */
  readonly reader: Repository<E>;
  /** Sends reads to the reader, or to the writer while the replica cannot be reached. */
  readonly reads: ReplicaReads;
  readonly cache: EntityCache;
}

/**
 * Generic CRUD over one entity. Reads go to the replica (to the primary while it is unreachable); every
 * write is one transaction on the primary that re-reads the row before commit (so the response is what
 * a later GET returns) and invalidates the cache once committed. Every operation of a scoped resource
 * is confined to the caller's rows, by the same lookups (row-scope.ts): another tenant's row is not
 * found. Generated `XServiceBase` classes extend this; user services extend those.
 */
export abstract class EntityService<E extends { id: EntityId }> {
  protected readonly resource: ResourceDefinition;
  protected readonly writer: Repository<E>;
  protected readonly reader: Repository<E>;
  protected readonly cache: EntityCache;
  private readonly reads: ReplicaReads;

  protected constructor(context: EntityServiceContext<E>) {
    this.resource = context.resource;
    this.writer = context.writer;
    this.reader = context.reader;
    this.reads = context.reads;
    this.cache = context.cache;
  }

  /**
   * One page of rows meeting the filter, in the sort's order. Every page carries `nextCursor` (null on
   * the last), which continues after its last row however rows are inserted or deleted meanwhile;
   * offset paging stays available, up to its cap. One row more than the page is read to know whether
   * another page follows. A total of the filtered rows is counted only when asked for (`count`).
   */
  async list(
    query: ListQueryBase & ReadShapeQuery & { sort?: string; filter?: object },
    which: 'live' | 'deleted' = 'live',
  ): Promise<Page<E>> {
    const scope = scopeCondition(this.resource);
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    const shape = readShape(this.resource, query);
    const filter = parseFilter(this.resource, query.filter);
    const order = sortOrder(this.resource, query.sort);
    const after =
      query.cursor === undefined ? undefined : decodeCursor(this.resource, order, query.filter, query.cursor);
    if (after !== undefined && (query.offset ?? 0) > 0) {
      const errors = [{ field: 'offset', errors: [OFFSET_WITH_CURSOR] }];
      throw new BadRequestException(errorBody(400, 'Invalid fields: offset', errors));
    }
    const offset = after === undefined ? (query.offset ?? 0) : 0;
    let cursorAliases: string[] = [];
    const count = query.count ?? 'none';
    const total =
      count === 'none'
        ? undefined
        : await this.read((repository) => {
            const rows = this.listQuery(repository, filter, scope);
            if (which === 'deleted') onlyDeleted(rows, LIST_ALIAS);
            return countRows(rows, count);
          });
    const { entities, raw } = await this.read((repository) => {
      const rows = this.listQuery(repository, filter, scope);
      const column = (property: string) => propertyColumn(rows, LIST_ALIAS, property);
      if (which === 'deleted') onlyDeleted(rows, LIST_ALIAS);
      if (after !== undefined) applyCursor(rows, order, after, column);
      cursorAliases = selectCursorValues(rows, this.resource, order, column);
      for (const { property, direction } of order) rows.addOrderBy(`${LIST_ALIAS}.${property}`, direction);
      return rows
        .limit(limit + 1)
        .offset(offset)
        .getRawAndEntities<Record<string, string | null>>();
    });
    const data = await this.shaped(entities.slice(0, limit), shape);
    const last = raw[limit - 1];
    const nextCursor =
      entities.length > limit
        ? encodeCursor(
            order,
            query.filter,
            cursorAliases.map((alias) => last[alias] ?? null),
          )
        : null;
    return { data, limit, ...(after === undefined ? { offset } : {}), nextCursor, ...total };
  }

  /** One row; `fields` and `include` shape it as they do a list's rows. */
  async findOne(id: EntityId, query: ReadShapeQuery = {}): Promise<E> {
    const scope = scopeCondition(this.resource);
    const shape = readShape(this.resource, query);
    const row = this.found(id, await this.read((repository) => repository.findOne({ where: this.byId(id, scope) })));
    const [shaped] = await this.shaped([row], shape);
    return shaped;
  }

  async create(input: object): Promise<E> {
    const scope = scopeCondition(this.resource);
    refuseForeignScope(input, scope);
    // A new id cannot be cached yet; only the lists change.
    return this.transactionInvalidating(this.cache.versionsToMove(this.resource), async (em) => {
      const repository = em.getRepository(this.writer.target);
      const changes = { ...entityChanges(this.resource, input, 'create'), ...scopeWhere(scope) };
      await refuseUnreachableReferences(repository, this.resource, changes);
      const saved = await repository.save(repository.create(changes as DeepPartial<E>));
      const row = await this.reread(repository, saved.id, scope);
      await this.publish(em, 'created', [row]);
      return row;
    });
  }

  /**
   * PATCH: only the properties present in `input` change. `ifMatch` is the request's If-Match header:
   * unless it names the row's current ETag (or is `*`), the answer is 412 and nothing changes.
   */
  update(id: EntityId, input: object, ifMatch?: string): Promise<E> {
    return this.write(id, input, 'update', ifMatch);
  }

  /** PUT: a full replacement; see entityChanges for what absent properties become. If-Match as for update. */
  replace(id: EntityId, input: object, ifMatch?: string): Promise<E> {
    return this.write(id, input, 'replace', ifMatch);
  }

  async remove(id: EntityId, ifMatch?: string): Promise<void> {
    const scope = scopeCondition(this.resource);
    await this.transactionInvalidating(this.cache.deletedVersions(this.resource, [id]), async (em) => {
      const repository = em.getRepository(this.writer.target);
      if (ifMatch !== undefined) await this.lockMatching(repository, id, ifMatch, scope);
      if (this.resource.softDelete) {
        // softDelete() alone would "delete" an already soft-deleted row again; existsBy() skips those.
        if (!(await repository.existsBy(this.byId(id, scope)))) throw this.notFound(id);
        await repository.softDelete(this.byId(id, scope));
      } else if (!(await repository.delete(this.byId(id, scope))).affected) {
        throw this.notFound(id);
      }
      await this.publish(em, 'deleted', [{ id }]);
    });
  }

  /**
   * Creates every item of a bulk create in one transaction, all or none (see insertEach); answers the
   * rows in input order. An error names the failing item (`data[3].title`).
   */
  async createMany(body: { data: readonly object[] }): Promise<{ data: E[] }> {
    const scope = scopeCondition(this.resource);
    // New ids cannot be cached yet; only the lists change.
    const created = await this.transactionInvalidating(this.cache.versionsToMove(this.resource), async (em) => {
      const repository = em.getRepository(this.writer.target);
      const rows = await insertEach(repository, this.resource, body.data, (error) => this.inApiTerms(error), scope);
      // Answered as GET reads them, id sets (`tagIds`) included.
      await attachRelationIds(em, repository.metadata, this.resource, rows);
      const readable = rows.map((row) => this.readable(row));
      await this.publish(em, 'created', readable);
      return readable;
    });
    return { data: created };
  }

  /** Deletes (or soft-deletes) every row of a bulk delete in one transaction, all or none (see deleteEach). */
  async removeMany(body: { ids: readonly EntityId[] }): Promise<void> {
    refuseDuplicateIds(body.ids);
    const scope = scopeCondition(this.resource);
    await this.transactionInvalidating(this.cache.deletedVersions(this.resource, body.ids), async (em) => {
      await deleteEach(
        em.getRepository(this.writer.target),
        this.resource,
        body.ids,
        (error) => this.inApiTerms(error),
        scope,
      );
      await this.publish(
        em,
        'deleted',
        body.ids.map((id) => ({ id })),
      );
    });
  }

  /** A page of the soft-deleted rows, queried as list() queries the live ones. */
  listDeleted(query: ListQueryBase & { sort?: string; filter?: object }): Promise<Page<E>> {
    return this.list(query, 'deleted');
  }

  /** Clears the delete mark of a soft-deleted row (see restoreDeleted) and answers it as GET will. */
  async restore(id: EntityId): Promise<E> {
    const scope = scopeCondition(this.resource);
    return this.transactionInvalidating(this.cache.versionsToMove(this.resource, id), async (em) => {
      const repository = em.getRepository(this.writer.target);
      await restoreDeleted(repository, id, scopeWhere(scope));
      const row = await this.reread(repository, id, scope);
      await this.publish(em, 'updated', [row]);
      return row;
    });
  }

  /**
   * Runs `read` on the replica's repository, or on the primary's when the replica cannot be reached
   * (then possibly after a failed attempt on the replica, so `read` must not write). Subclasses' own
   * reads go through this too.
   */
  protected read<T>(read: (repository: Repository<E>) => Promise<T>): Promise<T> {
    return this.reads.read(
      () => read(this.reader),
      () => read(this.writer),
    );
  }

  /**
   * The rows as a read answers them: with their many-to-many id sets (`tagIds`), the included
   * relations embedded, and only the asked-for fields. One query per id set and per included
   * relation, whatever the number of rows. A sparse row is a partial entity, typed as the entity.
   */
  protected async shaped(rows: E[], shape: ReadShape): Promise<E[]> {
    await this.read(async (repository) => {
      await attachRelationIds(repository.manager, repository.metadata, this.resource, rows);
      await embedRelations(repository.manager, repository.metadata, rows, shape.include);
    });
    return rows.map((row) => sparseRow(this.readable(row), shape) as E);
  }

  /**
   * The row as every answer carries it: its readable properties only, embedded rows too (see
   * readable.ts). Write-only and hidden columns are not loaded in the first place (select: false);
   * this keeps one a subclass loaded with addSelect out of the answer, the cache and the ETag.
   */
  protected readable(row: E): E {
    return readableRow(this.resource, row) as E;
  }

  /**
   * Runs `work` in one transaction on the primary. Subclasses wrap extra writes (an outbox row, an
   * audit entry) into the same transaction by calling this with their own work.
   */
  protected async transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.writer.manager.transaction(work);
    } catch (error) {
      throw this.inApiTerms(error);
    }
  }

  /**
   * transaction() for a write that changes cached answers: `versions` (EntityCache.versionsToMove or
   * deletedVersions) are recorded in the outbox of cache invalidations by the same transaction, so
   * they commit or roll back with the write, and moved once it has committed. A move Redis misses is
   * applied later by the relay, whichever instance runs it (docs/runtime.md, "When Redis fails").
   */
  protected async transactionInvalidating<T>(
    versions: readonly VersionKey[],
    work: (em: EntityManager) => Promise<T>,
  ): Promise<T> {
    let recorded: string | undefined;
    const result = await this.transaction(async (em) => {
      const value = await work(em);
      recorded = await this.cache.record(em, versions);
      return value;
    });
    await this.cache.apply(versions, recorded);
    return result;
  }

  /**
   * Records the event in the write's transaction when the schema publishes it for this entity (the
   * outbox the worker relays; docs/jobs.md). Subclasses' own writes publish through this too.
   */
  protected async publish(em: EntityManager, type: EntityEventType, rows: readonly { id: unknown }[]): Promise<void> {
    if (this.resource.events?.includes(type)) await recordEvents(em, this.entityName, type, rows);
  }

  /**
   * The entity's name as every error message uses it (`Task 42 not found`, `Task with this externalRef
   * already exists`): the name a client knows from the API, never the table's.
   */
  protected get entityName(): string {
    return this.writer.metadata.targetName;
  }

  private async write(id: EntityId, input: object, mode: WriteMode, ifMatch: string | undefined): Promise<E> {
    const scope = scopeCondition(this.resource);
    refuseForeignScope(input, scope);
    return this.transactionInvalidating(this.cache.versionsToMove(this.resource, id), async (em) => {
      const repository = em.getRepository(this.writer.target);
      const current = await this.lockMatching(repository, id, ifMatch, scope);
      assertVersion(this.resource, this.entityName, current, input);
      // The scope column keeps the caller's value whatever the body says (a PUT would otherwise null it).
      const changes = { ...entityChanges(this.resource, input, mode), ...scopeWhere(scope) };
      await refuseUnreachableReferences(repository, this.resource, changes, current);
      // Plain assignment, not repository.merge(): relation values stay `{ id }` references and null stays null.
      Object.assign(current, changes);
      await repository.save(current);
      const row = await this.reread(repository, id, scope);
      await this.publish(em, 'updated', [row]);
      return row;
    });
  }

  /**
   * Locks the row and checks If-Match against it. The lock (held to commit) makes the checks and the
   * write atomic against concurrent writers, which take the same lock first: a stale tag or version
   * is refused before anything changes. The row is loaded as findOne() loads it, so its ETag is the
   * one a GET answered with.
   */
  private async lockMatching(
    repository: Repository<E>,
    id: EntityId,
    ifMatch: string | undefined,
    scope: ScopeCondition | undefined,
  ): Promise<E> {
    const current = this.found(
      id,
      await repository.findOne({ where: this.byId(id, scope), lock: { mode: 'pessimistic_write' } }),
    );
    // The ETag is that of the row as a GET answers it, id sets included.
    if (ifMatch !== undefined)
      await attachRelationIds(repository.manager, repository.metadata, this.resource, [current]);
    if (ifMatch !== undefined && !ifMatchHolds(ifMatch, entityTagOf(this.readable(current)))) {
      const message = `${this.entityName} ${id} has changed since the ETag you sent in If-Match`;
      throw new HttpException(errorBody(412, message), 412);
    }
    return current;
  }

  /** Loads the row as findOne() would, inside the write's transaction (replica reads could lag). */
  private async reread(repository: Repository<E>, id: EntityId, scope: ScopeCondition | undefined): Promise<E> {
    const row = this.found(id, await repository.findOne({ where: this.byId(id, scope) }));
    await attachRelationIds(repository.manager, repository.metadata, this.resource, [row]);
    return this.readable(row);
  }

  /**
   * The row with this id, among the caller's rows when the resource is scoped: another tenant's row is
   * then not found, exactly as a missing one, so its existence does not leak.
   */
  private byId(id: EntityId, scope: ScopeCondition | undefined): FindOptionsWhere<E> {
    return { id, ...scopeWhere(scope) } as FindOptionsWhere<E>;
  }

  /**
   * The rows a list reads: the filter's, within the caller's scope. A relation filter (`project.name`)
   * joins only the targets in the caller's scope of that relation, so another tenant's row cannot be
   * probed through it.
   */
  private listQuery(repository: Repository<E>, filter: FilterNode | undefined, scope: ScopeCondition | undefined) {
    const rows = repository.createQueryBuilder(LIST_ALIAS);
    applyFilter(rows, LIST_ALIAS, filter, this.resource.relationIds, (relation) =>
      relatedScope(this.resource, relation),
    );
    applyScope(rows, LIST_ALIAS, scope, (property) => propertyColumn(rows, LIST_ALIAS, property));
    return rows;
  }

  private found(id: EntityId, entity: E | null): E {
    if (entity === null) throw this.notFound(id);
    return entity;
  }

  private notFound(id: EntityId): NotFoundException {
    return new NotFoundException(`${this.entityName} ${id} not found`);
  }

  /**
   * A constraint error of this service's writes as the client error it is, translated here rather
   * than in the exception filter because only the service knows its resource: an error on a
   * many-to-many join table then names the property the client sent (`tagIds`), not the relation.
   */
  private inApiTerms(error: unknown): unknown {
    if (!(error instanceof QueryFailedError)) return error;
    const body = databaseErrorBody(error, this.writer.manager.connection, {
      entity: this.writer.metadata,
      relationIds: this.resource.relationIds,
    });
    return body === undefined ? error : new HttpException(body, body.statusCode);
  }
}
