/**
 * The engine's CreateGrant figures in the browser (bundled for Chromium by bench/chromium/run.mjs):
 * the engine directly, the time inside sim.fetch, and a caller's round trip, at each size, each
 * the median of fresh simulators after a warm-up. Wall-clock only: a page cannot read CPU time.
 */
import { createSimulator } from '../../src/kms/index';

const ROLE = 'arn:aws:iam::111122223333:role/App';
const URL = 'https://kms.us-east-1.amazonaws.com/';
const request = (body: unknown) =>
  new Request(URL, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.CreateGrant' }, body: JSON.stringify(body) });

async function newSim() {
  const sim = createSimulator({ seed: 1, propagation: { minMs: 500, maxMs: 300_000, distribution: 'realistic' } });
  const r = (await sim.engine.run('CreateKey', {})) as { ok: true; output: { KeyMetadata: { KeyId: string } } };
  return { sim, keyId: r.output.KeyMetadata.KeyId };
}

/** ms for n engine CreateGrant calls on a fresh simulator */
async function engineRun(n: number): Promise<number> {
  const { sim, keyId } = await newSim();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) void sim.engine.run('CreateGrant', { KeyId: keyId, GranteePrincipal: ROLE, Operations: ['Encrypt', 'Decrypt'] });
  return performance.now() - t0;
}

/** ms for n CreateGrant calls through sim.fetch: the whole round trip, and inside sim.fetch */
async function fetchRun(n: number): Promise<{ total: number; inside: number }> {
  const { sim, keyId } = await newSim();
  let inside = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const q = request({ KeyId: keyId, GranteePrincipal: ROLE, Operations: ['Encrypt', 'Decrypt'] });
    const a = performance.now();
    const res = await sim.fetch(q);
    inside += performance.now() - a;
    await res.json();
  }
  return { total: performance.now() - t0, inside };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function measure(sizes: number[]) {
  await engineRun(20_000);
  await fetchRun(20_000);
  const out = [];
  for (const n of sizes) {
    const engine: number[] = [];
    for (let r = 0; r < (Math.max(5, Math.ceil(50_000 / n)) | 1); r++) engine.push(await engineRun(n));
    const total: number[] = [];
    const inside: number[] = [];
    for (let r = 0; r < (Math.max(1, Math.ceil(10_000 / n)) | 1); r++) {
      const f = await fetchRun(n);
      total.push(f.total);
      inside.push(f.inside);
    }
    out.push({ n, engine: n / (median(engine) / 1000), inside: n / (median(inside) / 1000), roundTrip: n / (median(total) / 1000) });
  }
  return out;
}

(globalThis as unknown as { measure: typeof measure }).measure = measure;
