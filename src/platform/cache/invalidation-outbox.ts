import { BeforeApplicationShutdown, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { VersionKey } from './entity-cache';

/** The table the generator declares (generator/src/database/platform-tables.ts); raw SQL only. */
export const OUTBOX_TABLE = 'apso_cache_invalidations';

export const INSERT_INVALIDATION = `INSERT INTO ${OUTBOX_TABLE} (versions) VALUES ($1::jsonb) RETURNING id`;
export const DELETE_SETTLED = `DELETE FROM ${OUTBOX_TABLE} WHERE id = ANY($1::bigint[])`;

/**
 * Takes the oldest rows older than $1 seconds (relative to this transaction's start) off the outbox,
 * at most $2 of them. Rows another relay holds are skipped, not waited for, so many pods can relay at
 * once: each row is applied by the one transaction that deleted it, and comes back if that rolls back.
 */
export const CLAIM_DUE = `DELETE FROM ${OUTBOX_TABLE} WHERE id IN (
  SELECT id FROM ${OUTBOX_TABLE} WHERE created_at < now() - make_interval(secs => $1::float8)
  ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED
) RETURNING versions`;

/** Whether any row recorded by a transaction that began before $1 is still there. */
export const ANY_OLDER = `SELECT 1 FROM ${OUTBOX_TABLE} WHERE created_at < $1 LIMIT 1`;

/** How often the ids of rows whose inline move succeeded are deleted, in one statement. */
const SETTLE_INTERVAL_MS = 100;

/**
 * The write side of the outbox of cache invalidations: a write records the version keys it must move
 * in its own transaction (no committed write without its row; a rolled-back write leaves none), moves
 * them inline after commit, and hands the row back here once Redis took the move. Those rows are
 * deleted in batches in the background; a row whose delete fails is applied once more by the relay,
 * which moves versions that already moved: harmless.
 */
@Injectable()
export class InvalidationOutbox implements OnModuleInit, BeforeApplicationShutdown {
  private settled: string[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(@InjectDataSource() private readonly primary: DataSource) {}

  /** Inserts the row inside the write's transaction; its id, or undefined when there is nothing to move. */
  async record(em: EntityManager, versions: readonly VersionKey[]): Promise<string | undefined> {
    if (versions.length === 0) return undefined;
    const rows = (await em.query(INSERT_INVALIDATION, [JSON.stringify(versions)])) as { id: string }[];
    return String(rows[0].id);
  }

  /** The row's versions moved: it can go. */
  settle(id: string): void {
    this.settled.push(id);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), SETTLE_INTERVAL_MS).unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private flush(): Promise<void> {
    if (this.flushing || this.settled.length === 0 || !this.primary.isInitialized)
      return this.flushing ?? Promise.resolve();
    const ids = this.settled;
    this.settled = [];
    this.flushing = this.primary
      .query(DELETE_SETTLED, [ids])
      .then(
        () => undefined,
        // The relay applies them again later.
        () => undefined,
      )
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }
}
