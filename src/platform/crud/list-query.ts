import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { COUNT_MODES, CountMode, EXACT_COUNT_BELOW } from './list-count';
import type { Page } from './resource';

export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;
/** Deep offsets make Postgres scan and discard every skipped row; past this, clients should filter. */
export const MAX_LIST_OFFSET = 10_000;
/** Cursors hold a page's last sort values; no sortable column needs more. */
export const MAX_CURSOR_LENGTH = 4_096;

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
