import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { eventFixture } from '../testing/fixtures';
import { EnvelopeSchema } from './envelope';
import { surelyValid } from './quick-check';
import { ALL_EVENTS } from './registry';

/** What class-validator says after class-transformer, as decodeEvent did before surelyValid. */
const classValidatorAccepts = (type: new () => object, value: unknown) => validateSync(plainToInstance(type, value) as object).length === 0;

const REPLACEMENTS: unknown[] = [
  undefined, null, '', ' ', 'x', 'not-a-uuid', '5f0c8a52-3c1e-4d55-9a1b-6c9f1e2d3a41', '2026-11-22T10:15:30.000Z', '2026-11-22', 'a@b.co',
  'card', 0, -1, 1, 1.5, 2 ** 53, Number.NaN, true, false, {}, [], [{}], [1], ['x'], { productId: 'x' },
];

type Json = Record<string, unknown>;

/** The value with the field at `path` replaced (undefined: removed). */
function replaced(value: Json, path: (string | number)[], by: unknown): Json {
  const copy = structuredClone(value);
  let at: Json = copy;
  for (const key of path.slice(0, -1)) at = at[key as string] as Json;
  const last = path[path.length - 1] as string;
  if (by === undefined) delete at[last];
  else at[last] = structuredClone(by);
  return copy;
}

/** Every path to a field or element in the value, nested ones too. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => [[...prefix, k], ...paths((value as Json)[k as string], [...prefix, k])]);
}

/** The value, and the value with each of its fields in turn replaced by each odd value above. */
function variants(value: Json): Json[] {
  return [value, ...paths(value).flatMap((path) => REPLACEMENTS.map((by) => replaced(value, path, by)))];
}

describe('surelyValid: the quick check of event payloads and envelopes', () => {
  /**
   * Sure only of what class-validator accepts, and sure of all it accepts but for what JSON cannot say or no producer
   * writes: an array with holes, or an array standing for an element of an array of nested objects (`items: [[], {}]`),
   * which class-validator lets pass and this leaves to it.
   */
  it.each(ALL_EVENTS.map((d) => [d.type, d] as const))('%s: agrees with class-validator on the fixture and every variant of it', (type, definition) => {
    const payload = eventFixture(type).payload as Json;
    const judged = variants(payload).map((v) => ({ v, quick: surelyValid(definition.payload, v), full: classValidatorAccepts(definition.payload, v) }));
    expect(judged.filter(({ quick, full }) => quick && !full)).toEqual([]);
    const arrayInArray = (v: Json) => Object.values(v).some((f) => Array.isArray(f) && (f.some(Array.isArray) || Object.keys(f).length < f.length));
    expect(judged.filter(({ v, quick, full }) => full && !quick && !arrayInArray(v))).toEqual([]);
    expect(surelyValid(definition.payload, payload)).toBe(true);
  });

  it('agrees with class-validator on envelopes', () => {
    const envelope = eventFixture('OrderPlaced') as unknown as Json;
    const shallow = Object.keys(envelope).flatMap((k) => REPLACEMENTS.map((by) => replaced(envelope, [k], by)));
    const disagreements = [envelope, ...shallow]
      .map((v) => ({ v, quick: surelyValid(EnvelopeSchema, v), full: classValidatorAccepts(EnvelopeSchema, v) }))
      .filter(({ quick, full }) => quick !== full);
    expect(disagreements).toEqual([]);
  });

  it('is never sure of what is not an object, nor of a class without rules', () => {
    for (const value of [null, undefined, 'x', 1, [], [{}]]) expect(surelyValid(EnvelopeSchema, value)).toBe(false);
    class Unruled {}
    expect(surelyValid(Unruled, {})).toBe(false);
  });
});
