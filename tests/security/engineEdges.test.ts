/**
 * Engine API edges found in an attack run (issue 19 item 5):
 * - a clock move while seek() rebuilds the world used to move the clock without logging it, so
 *   the world no longer was what its log replays to: it is refused now (SeekInProgressError);
 * - a request body that never ends used to hold up every later request: with the host's timer it
 *   is given up after bodyTimeoutMs (400 RequestTimeoutException) and the queue goes on;
 * - a 50 MB streamed body declaring `Content-Length: 2` used to be read whole before the 413: at
 *   most the limit (and a chunk) is read now, and the stream is cancelled;
 * - a request refused for its body used to be logged with an empty body, which a replay then
 *   served (a refused CreateKey made a key when replayed): it replays as refused now.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator, SeekInProgressError, type SimulatorStore, type SimulatorWithEngine, type StoredSimulator } from '../../src/kms/index';
import { MAX_BODY_BYTES } from '../../src/kms/wire/http';

const URL = 'https://kms.us-east-1.amazonaws.com/';
const START = Date.UTC(2026, 0, 1);
const HEADERS = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.CreateKey' };
const createKey = (description: string) => new Request(URL, { method: 'POST', headers: HEADERS, body: JSON.stringify({ Description: description }) });
const streamed = (body: ReadableStream<Uint8Array>, headers: Record<string, string> = HEADERS) =>
  new Request(URL, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);

/** settles with 'pending' when `p` has not settled after `ms` of real time */
const within = <T>(p: Promise<T>, ms = 300): Promise<T | 'pending'> => Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);

/** a timer the test fires by hand */
function manualTimer() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 0;
  return {
    timer: (callback: () => void, ms: number) => {
      const id = next++;
      pending.set(id, { callback, ms });
      return () => void pending.delete(id);
    },
    pending,
    /** the oldest timer still pending goes off */
    fireFirst() {
      const [id, t] = [...pending.entries()][0];
      pending.delete(id);
      t.callback();
    },
  };
}

/** a body that sends one byte and then nothing, ever; says when it is cancelled */
function endlessBody() {
  const state = { cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new Uint8Array([0x7b]));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { body, state };
}

/** the world as comparable data: keys and grants, and the clock */
function worldOf(sim: SimulatorWithEngine) {
  const w = sim.engine.world;
  return { now: sim.clock.now(), keys: [...w.keys.keys()].sort(), grants: [...w.grants.keys()].sort() };
}

describe('clock moves while seek() rebuilds the world', () => {
  async function history() {
    const sim = createSimulator({ seed: 5, startTime: START, propagation: { minMs: 1_000, maxMs: 3_000 } });
    await sim.ready;
    for (let i = 0; i < 30; i++) {
      expect((await sim.fetch(createKey(`k${i}`))).status).toBe(200);
      sim.clock.advance(1_000);
    }
    return sim;
  }

  it('are refused with SeekInProgressError until the seek settles, and the world stays what its log replays to', async () => {
    const sim = await history();
    const seek = sim.seek(START + 10_500);
    expect(() => sim.clock.advance(5_000)).toThrow(SeekInProgressError);
    expect(() => sim.clock.advance(5_000)).toThrow(/await the seek first/);
    expect(() => sim.clock.set(START + 100_000)).toThrow(SeekInProgressError);
    expect(() => sim.clock.settle()).toThrow(SeekInProgressError);
    expect(() => sim.fork()).toThrow(SeekInProgressError);
    // a request is not refused: it queues behind the seek (and forks history there)
    const late = sim.fetch(createKey('after the seek'));
    await seek;
    expect(sim.clock.now()).toBe(START + 10_500);
    expect((await late).status).toBe(200);

    // once settled, the clock moves again, and is logged
    sim.clock.advance(2_000);
    expect(sim.clock.now()).toBe(START + 12_500);
    expect(sim.log[sim.log.length - 1]).toMatchObject({ kind: 'clock', to: START + 12_500 });

    // replaying the whole log from scratch gives the same world
    const live = worldOf(sim);
    await sim.seek(START);
    await sim.seek(sim.horizon);
    expect(worldOf(sim)).toEqual(live);
  });

  it('are refused while a seek is queued behind a request, not only while it runs', async () => {
    const sim = await history();
    const first = sim.fetch(createKey('before'));
    const seek = sim.seek(START + 5_000);
    expect(() => sim.clock.advance(1)).toThrow(SeekInProgressError);
    await Promise.all([first, seek]);
    expect(() => sim.clock.advance(1)).not.toThrow();
  });

  it('are allowed again after a seek that failed', async () => {
    const store: SimulatorStore = { load: async () => ({ state: { bogus: 1 } }) as unknown as StoredSimulator, commit: async () => undefined };
    const sim = createSimulator({ seed: 5, startTime: START, store });
    await expect(sim.ready).rejects.toBeDefined();
    await expect(sim.seek(START)).rejects.toBeDefined();
    expect(() => sim.clock.advance(1)).not.toThrow();
  });

  it('a seek to a time that is not a number is refused, not replayed to the end', async () => {
    const sim = await history();
    await expect(sim.seek(Number.NaN)).rejects.toThrow(RangeError);
    expect(() => sim.clock.advance(1)).not.toThrow();
  });
});

describe('a request body that never ends', () => {
  it('is given up after bodyTimeoutMs with 400 RequestTimeoutException, and the requests behind it are served', async () => {
    const t = manualTimer();
    const sim = createSimulator({ seed: 5, startTime: START, timer: t.timer, bodyTimeoutMs: 7_000 });
    await sim.ready;
    const { body, state } = endlessBody();
    const stalled = sim.fetch(streamed(body));
    const after = [sim.fetch(createKey('a')), sim.fetch(createKey('b'))];
    expect(await within(Promise.race(after))).toBe('pending'); // held up, for now
    expect([...t.pending.values()].some((x) => x.ms === 7_000)).toBe(true);

    expect(t.pending.size).toBe(1); // the bodies behind it are in: only the stalled one's timer runs
    t.fireFirst(); // 7 s of real time pass
    const res = await within(stalled);
    expect(res).not.toBe('pending');
    const r = res as Response;
    expect(r.status).toBe(400);
    expect(r.headers.get('x-amzn-ErrorType')).toBe('RequestTimeoutException');
    expect((await r.json()).message).toMatch(/did not finish arriving within 7000 ms/);
    expect(state.cancelled).toBe(true);
    const served = await Promise.all(after);
    expect(served.map((x) => x.status)).toEqual([200, 200]);
    expect(sim.engine.world.keys.size).toBe(2);
    // no timer is left running for bodies that arrived
    expect(t.pending.size).toBe(0);
  });

  it('a peek with a body that never ends is given up too', async () => {
    const t = manualTimer();
    const sim = createSimulator({ seed: 5, startTime: START, timer: t.timer });
    await sim.ready;
    const { body } = endlessBody();
    const peeked = sim.peek(streamed(body, { ...HEADERS, 'X-Amz-Target': 'TrentService.ListKeys' }));
    const after = sim.fetch(createKey('a'));
    t.fireFirst(); // the peek's: the fetch's body is still on its way
    expect(t.pending.size).toBe(1);
    expect(((await within(peeked)) as Response).status).toBe(400);
    expect(((await within(after)) as Response).status).toBe(200);
  });

  it('replays as the timeout it was, not as an empty body', async () => {
    const t = manualTimer();
    const sim = createSimulator({ seed: 5, startTime: START, timer: t.timer });
    await sim.ready;
    await sim.fetch(createKey('first'));
    sim.clock.advance(1_000);
    const { body } = endlessBody();
    const stalled = sim.fetch(streamed(body));
    t.fireFirst();
    expect((await stalled).status).toBe(400);
    sim.clock.advance(1_000);
    const live = worldOf(sim);
    const liveEvents = sim.events.map((e) => ({ ...e }));
    await sim.seek(START);
    await sim.seek(sim.horizon);
    expect(worldOf(sim)).toEqual(live);
    expect(sim.events).toEqual(liveEvents);
  });
});

describe('reading bodies before the queue', () => {
  it('sim.fetch of something that is not a Request rejects, as fetch does, and never throws', async () => {
    const sim = createSimulator({ seed: 5, startTime: START });
    let p: Promise<Response> | undefined;
    expect(() => (p = sim.fetch({} as Request))).not.toThrow();
    await expect(p).rejects.toBeInstanceOf(TypeError);
    expect((await sim.fetch(createKey('after'))).status).toBe(200);
  });
});

describe('a streamed body longer than its Content-Length says', () => {
  it('is read only to the limit, then cancelled and refused with 413', async () => {
    const sim = createSimulator({ seed: 5, startTime: START });
    await sim.ready;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const total = 50 * 1024 * 1024;
    let sent = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= total) return c.close();
        sent += chunk.length;
        c.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    const r = await sim.fetch(streamed(body, { ...HEADERS, 'Content-Length': '2' }));
    expect(r.status).toBe(413);
    expect((await r.json()).__type).toBe('RequestEntityTooLargeException');
    expect(sent).toBeLessThan(MAX_BODY_BYTES + 4 * chunk.length);
    expect(cancelled).toBe(true);
    expect(sim.engine.world.keys.size).toBe(0);
  });

  it('a request refused for its size replays refused: the CreateKey it carried makes no key', async () => {
    const sim = createSimulator({ seed: 5, startTime: START });
    await sim.ready;
    const big = '{"Description":"' + 'x'.repeat(MAX_BODY_BYTES) + '"}';
    expect((await sim.fetch(new Request(URL, { method: 'POST', headers: HEADERS, body: big }))).status).toBe(413);
    sim.clock.advance(1_000);
    expect(sim.engine.world.keys.size).toBe(0);
    const live = worldOf(sim);
    await sim.seek(START);
    await sim.seek(sim.horizon);
    expect(worldOf(sim)).toEqual(live);
    expect(sim.engine.world.keys.size).toBe(0);
    const refused = sim.events.find((e) => e.type === '@kms.request');
    expect(refused).toMatchObject({ status: 413, errorType: 'RequestEntityTooLargeException' });
  });
});

describe('arrays longer than the stack holds as call arguments', () => {
  it('an encryption context of 70,000 pairs is no internal error (its canonical bytes were concatenated by spreading them)', async () => {
    const sim = createSimulator({ seed: 5, startTime: START });
    const call = async (target: string, body: unknown) => {
      const r = await sim.fetch(new Request(URL, { method: 'POST', headers: { ...HEADERS, 'X-Amz-Target': `TrentService.${target}` }, body: JSON.stringify(body) }));
      return { status: r.status, json: await r.json() };
    };
    const key = (await call('CreateKey', {})).json.KeyMetadata.KeyId;
    const context: Record<string, string> = {};
    for (let i = 0; i < 70_000; i++) context[`k${i}`] = '';
    const enc = await call('Encrypt', { KeyId: key, Plaintext: 'aGVsbG8=', EncryptionContext: context });
    expect(enc.json.__type).not.toBe('KMSInternalException');
    expect(enc.status).toBe(200);
    const dec = await call('Decrypt', { CiphertextBlob: enc.json.CiphertextBlob, EncryptionContext: context });
    expect(dec.status).toBe(200);
    expect(dec.json.Plaintext).toBe('aGVsbG8=');
  });
});
