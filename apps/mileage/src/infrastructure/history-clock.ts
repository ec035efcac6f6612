import { randomBytes } from 'node:crypto';

/** A history line's id and the instant it was written. */
export interface HistoryStamp {
  id: string;
  at: Date;
}

/**
 * Stamps history lines so that they sort as they were written: the id is a UUIDv7 (RFC 9562: 48 bits of Unix
 * milliseconds, then a counter in `rand_a` for the lines of one millisecond, then random bits), and `at` is the
 * millisecond it carries. GET /mileage lists newest first by (occurred_at, id), so the lines a wallet made in one
 * millisecond (the welcome and the first points used, say) keep the order they were made in. Monotonic in a
 * process, even when the clock steps back; one customer's lines are written by one transaction at a time (the
 * wallet's lock), each after the one before it committed.
 */
export class HistoryClock {
  private lastMs = 0;
  private counter = 0;

  next(): HistoryStamp {
    let ms = Date.now();
    if (ms > this.lastMs) {
      this.counter = 0;
    } else {
      ms = this.lastMs;
      if (++this.counter > 0xfff) {
        ms += 1;
        this.counter = 0;
      }
    }
    this.lastMs = ms;
    const bytes = randomBytes(16);
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = 0x70 | (this.counter >> 8);
    bytes[7] = this.counter & 0xff;
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    const hex = bytes.toString('hex');
    return { id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`, at: new Date(ms) };
  }
}
