/**
 * Runs `fn` for every item: items that share a key (any of the keys `keysOf` gives) one after the other, in the order
 * given, and the others side by side. Once one call fails, no lane starts another item; answers when every lane has
 * stopped, with that first failure. Side by side, the handlers of a run on different aggregates ask for them in the
 * same turn, so the unit of work reads them all in one statement.
 */
export async function inLanes<T>(items: T[], keysOf: (item: T) => string | string[], fn: (item: T) => Promise<void>): Promise<void> {
  let failure: { error: unknown } | undefined;
  await Promise.all(
    lanesOf(items, keysOf).map(async (lane) => {
      for (const item of lane) {
        if (failure) return;
        try {
          await fn(item);
        } catch (error) {
          failure ??= { error };
          return;
        }
      }
    }),
  );
  if (failure) throw failure.error;
}

/** The items in lanes: two items sharing a key, directly or through other items, are in one lane, in their order. */
function lanesOf<T>(items: T[], keysOf: (item: T) => string | string[]): T[][] {
  const parent = new Map<string, string>();
  const root = (key: string): string => {
    let r = key;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(key, r);
    return r;
  };
  const keys = items.map((item) => {
    const given = keysOf(item);
    const own = typeof given === 'string' ? [given] : given;
    for (const key of own) if (!parent.has(key)) parent.set(key, key);
    for (const key of own.slice(1)) parent.set(root(key), root(own[0]));
    return own;
  });
  const lanes = new Map<string, T[]>();
  items.forEach((item, i) => {
    const lane = root(keys[i][0]);
    const items = lanes.get(lane);
    if (items) items.push(item);
    else lanes.set(lane, [item]);
  });
  return [...lanes.values()];
}
