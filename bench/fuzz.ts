/**
 * The long wire fuzz run (`npm run fuzz`): FUZZ_REQUESTS (default 1,000,000) seeded random and
 * mutated requests through sim.fetch, a fresh simulator every 500 requests, the world's
 * invariants checked after each batch. Failures print their seed and request; pin them in
 * tests/kms/fuzz/wire.fuzz.test.ts.
 */
import fc from 'fast-check';
import { invariantsOf, newFuzzSim, requestArb, sendAndCheck } from '../tests/kms/fuzz/wireFuzz';

const total = Number(process.env.FUZZ_REQUESTS ?? 1_000_000);
const master = Number(process.env.FUZZ_SEED ?? 20261122);
const BATCH = 500;
let sent = 0;
let failures = 0;
const statuses = new Map<string, number>();
const t0 = performance.now();
for (let b = 0; sent < total; b++) {
  const seed = (master + b * 7919) >>> 0;
  const { sim, pool } = await newFuzzSim(seed);
  const reqs = fc.sample(requestArb(pool), { numRuns: Math.min(BATCH, total - sent), seed });
  for (let i = 0; i < reqs.length; i++) {
    const problems = await sendAndCheck(sim, reqs[i], i);
    if (problems.length) {
      failures++;
      if (failures <= 20) console.log(`FAIL seed=${seed} i=${i} ${JSON.stringify(reqs[i]).slice(0, 300)} -> ${problems.join('; ')}`);
    }
    if (reqs[i].target === 'CreateGrant') sim.clock.advance(1_000);
  }
  sent += reqs.length;
  sim.clock.settle();
  const broken = invariantsOf(sim);
  if (broken.length) {
    failures++;
    console.log(`INVARIANT seed=${seed}: ${broken.slice(0, 5).join('; ')}`);
  }
  for (const e of sim.events) if (e.type === '@kms.request') statuses.set(e.errorType ?? 'OK', (statuses.get(e.errorType ?? 'OK') ?? 0) + 1);
  if (b % 100 === 0) process.stdout.write(`\r${sent.toLocaleString('en-US')} requests…`);
}
const secs = (performance.now() - t0) / 1000;
console.log(`\n${sent.toLocaleString('en-US')} requests in ${secs.toFixed(1)} s (${Math.round(sent / secs).toLocaleString('en-US')}/s), master seed ${master}, ${failures} failures`);
console.log('answers:', [...statuses.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', '));
process.exit(failures ? 1 : 0);
