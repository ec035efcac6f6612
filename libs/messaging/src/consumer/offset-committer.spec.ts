import type { PartitionOffset } from '../driver/port';
import { OffsetCommitter } from './offset-committer';

describe('OffsetCommitter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** A consumer whose commits fail while `down` is true, recording every commit it was asked for. */
  function consumer() {
    const asked: PartitionOffset[][] = [];
    const fake = {
      down: false,
      asked,
      commit: async (offsets: PartitionOffset[]) => {
        asked.push(offsets);
        if (fake.down) throw new Error('Connection to 127.0.0.1:9092 failed');
      },
    };
    return fake;
  }
  const tick = async (ms: number) => {
    await jest.advanceTimersByTimeAsync(ms);
  };

  it('commits what was handled once per interval, every partition in one request', async () => {
    const c = consumer();
    const committer = new OffsetCommitter('g', c, 1000);
    committer.handled('t', 0, '4');
    committer.handled('t', 1, '9');
    committer.handled('t', 0, '5');
    committer.soon();
    await tick(0);
    committer.handled('t', 1, '10');
    committer.soon();
    await tick(999);
    expect(c.asked).toHaveLength(1);
    await tick(1);
    expect(c.asked).toEqual([[{ topic: 't', partition: 0, offset: '6' }, { topic: 't', partition: 1, offset: '10' }], [{ topic: 't', partition: 1, offset: '11' }]]);
  });

  it('tries a failed commit again after the interval, with the later offset of a partition handled meanwhile', async () => {
    const c = consumer();
    const committer = new OffsetCommitter('g', c, 1000);
    c.down = true;
    committer.handled('t', 0, '4');
    committer.handled('t', 1, '9');
    committer.soon();
    await tick(0);
    expect(c.asked).toHaveLength(1);
    c.down = false;
    committer.handled('t', 1, '12');
    await tick(1000);
    // Partition 0 got no other record: without the retry its commit would wait for one (its lag never back to 0).
    expect(c.asked[1]).toEqual(expect.arrayContaining([{ topic: 't', partition: 0, offset: '5' }, { topic: 't', partition: 1, offset: '13' }]));
    expect(c.asked[1]).toHaveLength(2);
    await tick(5000);
    expect(c.asked).toHaveLength(2);
  });

  it('drops a failed commit once the group has rejoined: the owner reads from the committed offset again', async () => {
    const c = consumer();
    const committer = new OffsetCommitter('g', c, 1000);
    c.down = true;
    committer.handled('t', 0, '4');
    committer.soon();
    await tick(0);
    committer.forget();
    c.down = false;
    await tick(5000);
    // The retry was already on its timer when the group rejoined: it finds nothing left to commit and sends nothing.
    expect(c.asked).toHaveLength(1);
  });
});
