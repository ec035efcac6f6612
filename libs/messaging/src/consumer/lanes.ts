/**
 * Runs `fn` for every item: the items of one key one after the other, in the order given, and the keys side by side.
 * Once one call fails, no lane starts another item; answers when every lane has stopped, with that first failure.
 * Side by side, the handlers of a run on different aggregates ask for them in the same turn, so the unit of work
 * reads them all in one statement.
 */
export async function inLanes<T>(items: T[], keyOf: (item: T) => string, fn: (item: T) => Promise<void>): Promise<void> {
  const lanes = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const lane = lanes.get(key);
    if (lane) lane.push(item);
    else lanes.set(key, [item]);
  }
  let failure: { error: unknown } | undefined;
  await Promise.all(
    [...lanes.values()].map(async (lane) => {
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
