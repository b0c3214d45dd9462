import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidationArguments,
} from 'class-validator';
import { COUNT_MODES, CountMode, EXACT_COUNT_BELOW } from './list-count';
import { cursorProblem } from './list-cursor';
import { requestedSortSpelling } from './sort-order';
import type { Page } from './resource';

export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;
/** Deep offsets make Postgres scan and discard every skipped row; past this, clients should filter. */
export const MAX_LIST_OFFSET = 10_000;
/** Cursors hold a page's last sort values; no sortable column needs more. */
export const MAX_CURSOR_LENGTH = 4_096;

export const OFFSET_WITH_CURSOR = 'offset cannot be combined with cursor, which already says where the page starts';

/** A positive offset beside a cursor: the cursor already says where the page starts. */
function NotWithCursor(): PropertyDecorator {
  return ValidateBy({
    name: 'notWithCursor',
    validator: {
      validate: (value, args) => !(typeof value === 'number' && value > 0 && queryOf(args).cursor !== undefined),
      defaultMessage: () => OFFSET_WITH_CURSOR,
    },
  });
}

/**
 * A cursor continues the list it was made for: sent with another sort or filter it would give pages
 * of a different list, so it is refused here, in the same 400 as every other bad parameter. The
 * service checks what needs the resource (the values' types) again when it decodes the cursor.
 */
function ContinuesThisList(): PropertyDecorator {
  const problem = (args: ValidationArguments | undefined) => {
    const { sort, filter } = queryOf(args);
    return typeof args?.value === 'string' ? cursorProblem(args.value, requestedSortSpelling(sort), filter) : undefined;
  };
  return ValidateBy({
    name: 'continuesThisList',
    validator: {
      validate: (_value, args) => problem(args) === undefined,
      defaultMessage: (args) => problem(args) ?? 'cursor is not valid',
    },
  });
}

function queryOf(args: ValidationArguments | undefined): { sort?: unknown; filter?: unknown; cursor?: unknown } {
  return (args?.object ?? {}) as { sort?: unknown; filter?: unknown; cursor?: unknown };
}

/** Paging parameters shared by every list endpoint; generated list queries add `sort` and `filter`. */
export class ListQueryBase {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LIST_LIMIT,
    default: DEFAULT_LIST_LIMIT,
    description: 'How many rows the page holds at most.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIST_LIMIT)
  limit: number = DEFAULT_LIST_LIMIT;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_LIST_OFFSET,
    default: 0,
    description: 'How many rows to skip (offset paging); past the maximum, filter or use cursor.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_LIST_OFFSET)
  @NotWithCursor()
  offset: number = 0;

  @ApiPropertyOptional({
    type: 'string',
    maxLength: MAX_CURSOR_LENGTH,
    description:
      "A page's nextCursor: the page after it, in the same sort (send the same sort and filter). Not combined with offset.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  @ContinuesThisList()
  cursor?: string;

  @ApiPropertyOptional({
    enum: COUNT_MODES,
    default: 'none',
    description: `Whether the page reports total, the number of rows meeting the filter: not at all, counted exactly, or the planner's estimate (counted exactly below ${EXACT_COUNT_BELOW}). totalKind says which.`,
  })
  @IsOptional()
  @IsIn(COUNT_MODES)
  count?: CountMode;
}

/** What every list page carries besides its rows; generated `XPage` classes add `data`, typed by entity. */
export abstract class PageBase implements Omit<Page<unknown>, 'data'> {
  @ApiProperty({ type: 'integer', description: 'The limit the page was asked for.' })
  limit!: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Where the page starts; left out when it was asked for by cursor.',
  })
  offset?: number;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Send it as cursor for the next page; null on the last page.',
  })
  nextCursor!: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'The number of rows meeting the filter, when count asked for it.',
  })
  total?: number;

  @ApiPropertyOptional({
    enum: ['exact', 'estimated'],
    description: 'Whether total was counted or estimated by the planner.',
  })
  totalKind?: 'exact' | 'estimated';
}
