/** A quick look at engine CreateGrant throughput (50,000 grants on one key, no HTTP); see engine.bench.ts for the full set. */
import { createSimulator } from '../src/kms/index';
const sim = createSimulator({ seed: 1, propagation: { minMs: 0, maxMs: 0 } });
const r: any = await sim.engine.run('CreateKey', {});
const keyId = r.output.KeyMetadata.KeyId;
const N = 50000;
const input = { KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/App', Operations: ['Encrypt', 'Decrypt'] };
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const c0 = cpu();
const t0 = performance.now();
for (let i = 0; i < N; i++) void sim.engine.run('CreateGrant', input);
const t1 = performance.now();
const c1 = cpu();
console.log('CreateGrant/s', Math.round(N / ((t1 - t0) / 1000)), '(wall clock);', Math.round(N / ((c1 - c0) / 1000)), '(per CPU-second)');
