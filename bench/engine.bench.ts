/**
 * Engine benchmarks (issue #2): for N = 1,000, 10,000 and 50,000 grants on one key, through
 * sim.fetch and directly against the engine: CreateGrant/s, a ListGrants page of 100 at the
 * start and the end of the list, RetireGrant-by-token/s, RevokeGrant/s, and heap per grant.
 * Prints figures; asserts nothing (speed goals are read, not tested).
 */
import { createSimulator } from '../src/kms/index';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const ROLE = 'arn:aws:iam::111122223333:role/App';
const gc = (globalThis as { gc?: () => void }).gc;

function req(target: string, body: unknown): Request {
  return new Request('https://kms.us-east-1.amazonaws.com/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` },
    body: JSON.stringify(body),
  });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rate = (n: number, ms: number) => fmt(n / (ms / 1000));

async function newSim() {
  const sim = createSimulator({ seed: 1, propagation: { minMs: 500, maxMs: 300_000, distribution: 'realistic' } });
  const r = (await sim.engine.run('CreateKey', {})) as { ok: true; output: { KeyMetadata: { KeyId: string } } };
  return { sim, keyId: r.output.KeyMetadata.KeyId };
}

function pageLatency(run: () => unknown, reps = 200): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) run();
  return (performance.now() - t0) / reps;
}

async function pageLatencyAsync(run: () => Promise<unknown>, reps = 100): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await run();
  return (performance.now() - t0) / reps;
}

async function bench(n: number) {
  const rows: [string, string, string][] = [];
  const grant = (keyId: string) => ({ KeyId: keyId, GranteePrincipal: ROLE, Operations: ['Encrypt', 'Decrypt'] });

  // ---- engine -------------------------------------------------------------------------------
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const e = await newSim();
  const tokens: string[] = [];
  const ids: string[] = [];
  let t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = e.sim.engine.run('CreateGrant', grant(e.keyId)) as { ok: true; output: { GrantId: string; GrantToken: string } };
    tokens.push(r.output.GrantToken);
    ids.push(r.output.GrantId);
  }
  const createEngine = performance.now() - t0;
  gc?.();
  const heapPerGrant = (process.memoryUsage().heapUsed - heap0) / n;
  const sorted = [...ids].sort();
  const startMs = pageLatency(() => e.sim.engine.run('ListGrants', { KeyId: e.keyId, Limit: 100 }));
  const endMarker = Buffer.from('kmsplay-grants:' + sorted[n - 101]).toString('base64');
  const endMs = pageLatency(() => e.sim.engine.run('ListGrants', { KeyId: e.keyId, Limit: 100, Marker: endMarker }));
  const half = n >> 1;
  t0 = performance.now();
  for (let i = 0; i < half; i++) e.sim.engine.run('RetireGrant', { GrantToken: tokens[i] });
  const retireEngine = performance.now() - t0;
  t0 = performance.now();
  for (let i = half; i < n; i++) e.sim.engine.run('RevokeGrant', { KeyId: e.keyId, GrantId: ids[i] });
  const revokeEngine = performance.now() - t0;

  // ---- through sim.fetch --------------------------------------------------------------------
  const w = await newSim();
  const wt: string[] = [];
  const wi: string[] = [];
  t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await (await w.sim.fetch(req('CreateGrant', grant(w.keyId)))).json();
    wt.push(r.GrantToken);
    wi.push(r.GrantId);
  }
  const createWire = performance.now() - t0;
  const ws = [...wi].sort();
  const wStart = await pageLatencyAsync(async () => (await w.sim.fetch(req('ListGrants', { KeyId: w.keyId, Limit: 100 }))).text());
  const wMarker = Buffer.from('kmsplay-grants:' + ws[n - 101]).toString('base64');
  const wEnd = await pageLatencyAsync(async () => (await w.sim.fetch(req('ListGrants', { KeyId: w.keyId, Limit: 100, Marker: wMarker }))).text());
  t0 = performance.now();
  for (let i = 0; i < half; i++) await (await w.sim.fetch(req('RetireGrant', { GrantToken: wt[i] }))).text();
  const retireWire = performance.now() - t0;
  t0 = performance.now();
  for (let i = half; i < n; i++) await (await w.sim.fetch(req('RevokeGrant', { KeyId: w.keyId, GrantId: wi[i] }))).text();
  const revokeWire = performance.now() - t0;

  rows.push(['CreateGrant/s', rate(n, createEngine), rate(n, createWire)]);
  rows.push(['ListGrants page of 100, start (ms)', startMs.toFixed(3), wStart.toFixed(3)]);
  rows.push(['ListGrants page of 100, end (ms)', endMs.toFixed(3), wEnd.toFixed(3)]);
  rows.push(['RetireGrant by token/s', rate(half, retireEngine), rate(half, retireWire)]);
  rows.push(['RevokeGrant/s', rate(n - half, revokeEngine), rate(n - half, revokeWire)]);
  rows.push(['heap per grant (bytes, engine, events included)', fmt(heapPerGrant), '']);
  console.log(`\nN = ${fmt(n)} grants on one key`);
  console.log('| measure | engine | sim.fetch |\n|---|---:|---:|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

console.log(`node ${process.version}${gc ? '' : ' (run with --expose-gc for heap figures)'}`);
for (const n of SIZES) await bench(n);
