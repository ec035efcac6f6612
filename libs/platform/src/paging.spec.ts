import { BadRequestException } from '@nestjs/common';
import { IsIn, IsOptional } from 'class-validator';
import { DomainError } from '@homestore/domain';
import { requestValidationPipe, statusOfDomainError } from './http-errors';
import { InvalidCursor, Keyset, PageCursor, PageQuery, Paging } from './paging';

const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
const b64 = (text: string) => Buffer.from(text).toString('base64url');

class FilteredQuery extends PageQuery {
  @IsOptional() @IsIn(['OPEN', 'DONE']) status?: 'OPEN' | 'DONE';
}

/** The query as a controller receives it, or the body of the 400. */
const query = async (q: Record<string, unknown>, metatype: new () => PageQuery = PageQuery) => {
  try {
    return await requestValidationPipe().transform(q, { type: 'query', metatype });
  } catch (error) {
    if (error instanceof BadRequestException) return error.getResponse();
    throw error;
  }
};

describe('PageCursor', () => {
  it.each([
    ['to the millisecond', '2026-11-22T10:00:00.123Z'],
    ['to the microsecond, as PostgreSQL keeps a timestamp', '2026-11-22T10:00:00.123456Z'],
    ['in whole seconds', '2026-11-22T10:00:00Z'],
  ])('gives back the position it encoded (%s), and is opaque base64url', (_, at) => {
    const cursor = PageCursor.encode({ at, id });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(PageCursor.decode(cursor)).toEqual({ at, id });
  });

  it('keeps positions of one millisecond apart: their cursors differ and order as their rows do', () => {
    const [a, b] = ['2026-11-22T10:00:00.123001Z', '2026-11-22T10:00:00.123999Z'].map((at) => PageCursor.decode(PageCursor.encode({ at, id }))!.at);
    expect(a).not.toBe(b);
    expect([b, a].sort()).toEqual([a, b]);
  });

  it.each([
    ['empty', ''],
    ['not base64 of a position', 'bm9wZQ'],
    ['no id', b64('2026-11-22T10:00:00.123Z')],
    ['a third part', b64(`2026-11-22T10:00:00.123Z|${id}|x`)],
    ['an id that is no UUID', b64('2026-11-22T10:00:00.123Z|42')],
    ['a time that is no ISO instant', b64(`yesterday|${id}`)],
    ['a local time', b64(`2026-11-22T10:00:00.123|${id}`)],
    ['another zone', b64(`2026-11-22T10:00:00.123+09:00|${id}`)],
    ['beyond the microsecond', b64(`2026-11-22T10:00:00.1234567Z|${id}`)],
    ['30 February', b64(`2026-02-30T10:00:00.000Z|${id}`)],
    ['24:00', b64(`2026-11-22T24:00:00.000Z|${id}`)],
    ['year 0', b64(`0000-01-01T00:00:00.000Z|${id}`)],
    ['padded', `${PageCursor.encode({ at: '2026-11-22T10:00:00.123Z', id })}=`],
    ['with a stray character', `${PageCursor.encode({ at: '2026-11-22T10:00:00.123Z', id })}!`],
    ['far too long', 'A'.repeat(500)],
  ])('knows no position in a cursor that is %s', (_, cursor) => {
    expect(PageCursor.decode(cursor)).toBeUndefined();
  });
});

describe('Paging', () => {
  const orders = new Paging('ORDER', 'GET /orders');

  it('starts at the top without a cursor, after the position of one, and answers null past the last page', () => {
    expect(orders.after(undefined)).toBeUndefined();
    const next = { at: '2026-11-22T10:00:00.123456Z', id };
    expect(orders.after(orders.nextCursor(next)!)).toEqual(next);
    expect(orders.nextCursor(null)).toBeNull();
  });

  it("refuses a bad cursor with the list's own code, a 400", () => {
    expect(() => orders.after('bm9wZQ')).toThrow(InvalidCursor);
    expect(() => new Paging('MYPAGE', 'GET /mypage').after('')).toThrow(expect.objectContaining({ code: 'MYPAGE.INVALID_CURSOR' }));
    try {
      orders.after('bm9wZQ');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'ORDER.INVALID_CURSOR', message: 'before must be a nextCursor that GET /orders returned' });
      expect(statusOfDomainError((error as DomainError).code)).toBe(400);
    }
  });
});

describe('PageQuery', () => {
  it('asks for 50 rows unless told, at most 200', async () => {
    expect(await query({})).toEqual(Object.assign(new PageQuery(), { limit: 50 }));
    expect(await query({ limit: '200', before: 'abc' })).toMatchObject({ limit: 200, before: 'abc' });
    expect(await query({ limit: '1' })).toMatchObject({ limit: 1 });
  });

  it.each(['0', '201', '-1', '1.5', 'ten', ''])('refuses limit=%j as REQUEST.VALIDATION_FAILED naming the field', async (limit) => {
    expect(await query({ limit })).toMatchObject({ statusCode: 400, code: 'REQUEST.VALIDATION_FAILED', fields: [{ field: 'limit' }] });
  });

  it("refuses a repeated before and unknown fields; a list's own query keeps the paging rules", async () => {
    expect(await query({ before: ['a', 'b'] })).toMatchObject({ code: 'REQUEST.VALIDATION_FAILED', fields: [{ field: 'before' }] });
    expect(await query({ offset: '100' })).toMatchObject({ code: 'REQUEST.VALIDATION_FAILED', fields: [{ field: 'offset' }] });
    expect(await query({ status: 'DONE' }, FilteredQuery)).toEqual(Object.assign(new FilteredQuery(), { status: 'DONE', limit: 50 }));
    expect(await query({ status: 'LOST', limit: '500' }, FilteredQuery)).toMatchObject({
      code: 'REQUEST.VALIDATION_FAILED',
      fields: expect.arrayContaining([expect.objectContaining({ field: 'status' }), expect.objectContaining({ field: 'limit' })]),
    });
  });
});

describe('Keyset', () => {
  const keyset = new Keyset('created_at', 'id');
  const row = (n: number) => ({ page_at: `2026-11-22T10:00:0${n}.000000Z`, page_id: `id-${n}` });

  it('orders newest first by (at, id) and reads each row’s position to the microsecond', () => {
    expect(keyset.orderBy).toBe('created_at DESC, id DESC');
    expect(keyset.select).toBe(`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS page_at, id AS page_id`);
  });

  it('asks for the rows after a position, its values as parameters after those already there', () => {
    const params: unknown[] = ['customer', 51];
    expect(keyset.after({ at: '2026-11-22T10:00:00.123456Z', id }, params)).toBe('(created_at, id) < ($3::timestamptz, $4::uuid)');
    expect(params).toEqual(['customer', 51, '2026-11-22T10:00:00.123456Z', id]);
  });

  it('cuts limit + 1 rows into the page and where it ended; fewer rows are the last page', () => {
    expect(keyset.page([row(3), row(2), row(1)], 2)).toEqual({ rows: [row(3), row(2)], next: { at: row(2).page_at, id: 'id-2' } });
    expect(keyset.page([row(3), row(2)], 2)).toEqual({ rows: [row(3), row(2)], next: null });
    expect(keyset.page([], 2)).toEqual({ rows: [], next: null });
  });
});
