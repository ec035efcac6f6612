import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { DomainError } from '@homestore/domain';

/** Rows on a page when the client names no `limit`. */
export const PAGE_LIMIT_DEFAULT = 50;
/** The most rows a client may ask for on one page. */
export const PAGE_LIMIT_MAX = 200;

/**
 * `?limit=&before=` of every list that grows without bound (DESIGN.md, "HTTP API"); a list with filters of its own
 * extends it. A bad limit is the usual 400 `REQUEST.VALIDATION_FAILED` naming `limit`.
 */
export class PageQuery {
  /** Rows on the page, 1 to PAGE_LIMIT_MAX. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(PAGE_LIMIT_MAX)
  limit: number = PAGE_LIMIT_DEFAULT;

  /** The `nextCursor` of the page before (a bad one is `<AREA>.INVALID_CURSOR`, see Paging). */
  @IsOptional() @IsString()
  before?: string;
}

/** Where a page ended: its last row's sort key. Lists are newest first by (at, id). */
export interface PagePosition {
  /** The row's timestamp, ISO 8601 in UTC, to the microsecond PostgreSQL keeps (as Keyset.select reads it). */
  at: string;
  id: string;
}

const MAX_CURSOR = 200;
const TIMESTAMP = /^([1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A real instant: no 30 February, no 24:00 (PostgreSQL would refuse it with a 500). */
const isRealInstant = (seconds: string) => {
  const ms = Date.parse(`${seconds}Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === seconds;
};

/** The opaque `nextCursor` of a position (base64url of `at|id`), and back. */
export const PageCursor = {
  encode: ({ at, id }: PagePosition): string => Buffer.from(`${at}|${id}`).toString('base64url'),

  /** The position a cursor names; undefined for anything encode did not make (garbled, edited, not a real instant). */
  decode(cursor: string): PagePosition | undefined {
    if (cursor.length > MAX_CURSOR) return undefined;
    const [at = '', id = '', ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
    const time = TIMESTAMP.exec(at);
    if (rest.length || !time || !UUID.test(id) || !isRealInstant(time[1])) return undefined;
    const position = { at, id };
    // One position, one cursor: other text that decodes to it (padding, stray characters) was not made here.
    return PageCursor.encode(position) === cursor ? position : undefined;
  },
};

/** A `before` that is no nextCursor of the list: 400 `<AREA>.INVALID_CURSOR`. */
export class InvalidCursor extends DomainError {
  constructor(area: string, list: string) {
    super(`${area}.INVALID_CURSOR`, `before must be a nextCursor that ${list} returned`);
  }
}

/** One paged list's cursors, a bad one answered with the list's own code: `new Paging('ORDER', 'GET /orders')`. */
export class Paging {
  constructor(
    private readonly area: string,
    private readonly list: string,
  ) {}

  /** Where the page asked for starts (after this position); undefined for the first page; InvalidCursor for a bad `before`. */
  after(before: string | undefined): PagePosition | undefined {
    if (before === undefined) return undefined;
    const position = PageCursor.decode(before);
    if (!position) throw new InvalidCursor(this.area, this.list);
    return position;
  }

  /** The answer's `nextCursor`: null on the last page. */
  nextCursor(next: PagePosition | null): string | null {
    return next ? PageCursor.encode(next) : null;
  }
}

/** Rows of a page, and where it ended (null on the last page). */
export interface Page<R> {
  rows: R[];
  next: PagePosition | null;
}

/**
 * The SQL of a keyset page, newest first by (`at`, `id`): a timestamptz and a uuid column, served by an index on
 * (the list's filters..., at DESC, id DESC). Never OFFSET: a row that arrives while a client pages sorts before the
 * position the client has reached, so no row is skipped or shown twice (as long as a row's `at` never changes).
 */
export class Keyset {
  /** Select this beside the row's columns: the row's position, its timestamp to the microsecond (a millisecond cursor would skip rows). */
  readonly select: string;
  /** ORDER BY this. */
  readonly orderBy: string;

  constructor(
    private readonly at: string,
    private readonly id: string,
  ) {
    this.select = `to_char(${at} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS page_at, ${id} AS page_id`;
    this.orderBy = `${at} DESC, ${id} DESC`;
  }

  /** The condition for the rows after `position`; its values are pushed onto `params`. */
  after(position: PagePosition, params: unknown[]): string {
    return `(${this.at}, ${this.id}) < ($${params.push(position.at)}::timestamptz, $${params.push(position.id)}::uuid)`;
  }

  /** Cuts `limit + 1` fetched rows into the page and where it ended: the extra row only tells that there is more. */
  page<R extends { page_at: string; page_id: string }>(rows: R[], limit: number): Page<R> {
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { rows: page, next: rows.length > limit ? { at: last.page_at, id: last.page_id } : null };
  }
}
