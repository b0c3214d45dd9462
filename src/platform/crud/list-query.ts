import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { COUNT_MODES, CountMode, EXACT_COUNT_BELOW } from './list-count';

export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;
/** Deep offsets make Postgres scan and discard every skipped row; past this, clients should filter. */
export const MAX_LIST_OFFSET = 10_000;
/** Cursors hold a page's last sort values; no sortable column needs more. */
export const MAX_CURSOR_LENGTH = 4_096;

/** Paging parameters shared by every list endpoint; generated list queries add `sort` and `filter`. */
export class ListQueryBase {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIST_LIMIT)
  limit: number = DEFAULT_LIST_LIMIT;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_LIST_OFFSET, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_LIST_OFFSET)
  offset: number = 0;

  @ApiPropertyOptional({
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
