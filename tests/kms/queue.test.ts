/**
 * sim.fetch serves requests one at a time, in the order they were made, even when the first is
 * still arriving: the queue's fast path (start at once when nothing is queued) must not let a
 * later request overtake an earlier one.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator, type SimulatorStore, type StoredSimulator } from '../../src/kms/index';

const URL = 'https://kms.us-east-1.amazonaws.com/';
const headers = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.CreateKey' };
const createKey = (description: string) => new Request(URL, { method: 'POST', headers, body: JSON.stringify({ Description: description }) });

/** a CreateKey whose body arrives in two pieces, the second after `ms` */
function slowCreateKey(description: string, ms: number): Request {
  const text = JSON.stringify({ Description: description });
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(bytes.subarray(0, 5));
      await new Promise((r) => setTimeout(r, ms));
      controller.enqueue(bytes.subarray(5));
      controller.close();
    },
  });
  return new Request(URL, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
}

describe('sim.fetch queue', () => {
  it('serves requests in the order they were made, a slow body first included', async () => {
    const sim = createSimulator({ seed: 3 });
    await sim.ready;
    const names = ['slow', ...Array.from({ length: 9 }, (_, i) => `k${i}`)];
    const responses = await Promise.all(names.map((n) => sim.fetch(n === 'slow' ? slowCreateKey(n, 30) : createKey(n))));
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(responses.map((r) => r.status)).toEqual(names.map(() => 200));
    expect(bodies.map((b) => b.KeyMetadata.Description)).toEqual(names);
    const logged = sim.log.filter((e) => e.kind === 'request').map((e) => JSON.parse((e as { body: string }).body).Description);
    expect(logged).toEqual(names);
    const seqs = sim.events.filter((e) => e.type === '@kms.request').map((e) => (e as { seq: number }).seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('starts a request made when nothing is queued, and queues one made while another runs', async () => {
    const sim = createSimulator({ seed: 3 });
    await sim.ready;
    const first = sim.fetch(slowCreateKey('first', 20));
    const second = sim.fetch(createKey('second'));
    const [a, b] = await Promise.all([first, second]);
    expect((await a.json()).KeyMetadata.Description).toBe('first');
    expect((await b.json()).KeyMetadata.Description).toBe('second');
    const ids = sim.events.filter((e) => e.type === '@kms.request').map((e) => (e as { requestId: string }).requestId);
    expect(ids).toEqual([a.headers.get('x-amzn-RequestId'), b.headers.get('x-amzn-RequestId')]);
  });

  it('runs a job enqueued during another job\'s synchronous start after it, never beside it', async () => {
    // a store whose writes take a while, counting how many run at once
    let inFlight = 0;
    let most = 0;
    const store: SimulatorStore = {
      load: async () => null,
      commit: async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
      },
    };
    const sim = createSimulator({ seed: 1, store });
    await sim.ready;
    sim.clock.advance(1_000);
    await sim.fetch(createKey('a'));
    await sim.flush();
    most = 0;
    // as the app does: a listener that flushes on every event; seeking to before the first
    // request replays nothing, so the seek runs (and tells its listeners) synchronously
    sim.subscribe(() => void sim.flush());
    const seek = sim.seek(500);
    const fetched = sim.fetch(createKey('b'));
    await Promise.all([seek, fetched]);
    await sim.flush();
    expect(most).toBe(1);
  });

  it('serves a request at the time the clock shows once its body is in, so the log never runs backwards', async () => {
    const sim = createSimulator({ seed: 3, startTime: Date.UTC(2026, 0, 1) });
    await sim.ready;
    const pending = sim.fetch(createKey('late'));
    sim.clock.advance(1_000);
    const res = await pending;
    const times = sim.log.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(sim.log[sim.log.length - 1].at).toBe(Date.UTC(2026, 0, 1) + 1_000);
    expect((await res.json()).KeyMetadata.CreationDate).toBe((Date.UTC(2026, 0, 1) + 1_000) / 1000);
  });

  it('reads a queued request\'s body while the requests before it are served, not once its turn comes', async () => {
    const sim = createSimulator({ seed: 3 });
    await sim.ready;
    const first = sim.fetch(slowCreateKey('first', 50));
    let pulled = false;
    const bytes = new TextEncoder().encode(JSON.stringify({ Description: 'second' }));
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled = true;
        c.enqueue(bytes);
        c.close();
      },
    }, { highWaterMark: 0 }); // pulled only when read
    const second = sim.fetch(new Request(URL, { method: 'POST', headers, body, duplex: 'half' } as RequestInit));
    let firstDone = false;
    void first.then(() => (firstDone = true));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(firstDone).toBe(false);
    expect(pulled).toBe(true);
    const [a, b] = await Promise.all([first, second]);
    expect((await a.json()).KeyMetadata.Description).toBe('first');
    expect((await b.json()).KeyMetadata.Description).toBe('second');
  });

  it('rejects every request when the saved simulator cannot be loaded', async () => {
    const store: SimulatorStore = {
      load: async () => ({ state: { bogus: 1 }, log: [], events: [] }) as unknown as StoredSimulator,
      commit: async () => undefined,
    };
    const sim = createSimulator({ seed: 3, store });
    await expect(sim.ready).rejects.toBeDefined();
    await expect(sim.fetch(createKey('x'))).rejects.toBeDefined();
    await expect(sim.fetch(createKey('y'))).rejects.toBeDefined();
  });
});
