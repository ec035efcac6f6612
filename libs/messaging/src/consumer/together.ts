/**
 * Group commit: items submitted while a call of `work` is in flight (or in the same turn of the event loop as the
 * first) wait for it and then go to the next call all together. The consumer uses it so that the runs of every
 * partition a fetch brought share one database transaction.
 *
 * `work` answers one result per item, in the items' order; when it throws, every item of that call is rejected.
 * Calls never overlap.
 */
export class Together<I, O> {
  private queue: { item: I; resolve: (out: O) => void; reject: (error: unknown) => void }[] = [];
  private running = false;

  constructor(private readonly work: (items: I[]) => Promise<O[]>) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    // Lets the other callers of this turn (the other partitions of one fetch) join the first call.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length) {
      const taken = this.queue.splice(0);
      try {
        const outs = await this.work(taken.map((t) => t.item));
        taken.forEach((t, i) => t.resolve(outs[i]));
      } catch (error) {
        taken.forEach((t) => t.reject(error));
      }
    }
    // Set in the same synchronous step as the empty check above: a later submit starts a new drain.
    this.running = false;
  }
}
