/**
 * Writes the store's upgrade fixtures: old data that every later version must keep opening.
 *
 *   npx tsx scripts/make-store-fixtures.ts [--release 0.1.0] [--out tests/fixtures/store] [--commit abc1234]
 *
 * Run it on the release whose data you want to keep, before changing DB_VERSION or
 * WORKSPACE_FILE_VERSION, and commit its output; src/store/README.md says when. A clean copy
 * of that commit without touching your checkout:
 *   git archive <commit> | tar -x -C /tmp/rel && ln -s "$PWD/node_modules" /tmp/rel/node_modules
 *   cp scripts/make-store-fixtures.ts /tmp/rel/scripts/ && cp tests/store/dump.ts /tmp/rel/tests/store/
 *   (cd /tmp/rel && npx tsx scripts/make-store-fixtures.ts --commit <commit> --out "$OLDPWD/tests/fixtures/store")
 * It plays a workshop session on fake-indexeddb through the store of this commit (two keys, an
 * alias, grants with constraints, retire, revoke, Encrypt with the key material, clock moves
 * with propagation still in flight, more than one full chunk of log rows, a saved scenario, a
 * setting, an empty second workspace) and writes:
 *   idb-v<DB_VERSION>.json             the whole database, as tests/store/dump.ts dumps it
 *   workspace-file-v<FILE_VERSION>.json  that workspace exported, as the playground's Export writes it
 * tests/store/upgrade.test.ts loads every file in the folder and opens it with the current code.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSimulator } from '../src/kms/index';
import { DB_VERSION, openIndexedDbStore, WORKSPACE_FILE_VERSION } from '../src/store/index';
import { dumpDatabase } from '../tests/store/dump';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const release = arg('--release', JSON.parse(readFileSync('package.json', 'utf8')).version as string);
const outDir = arg('--out', 'tests/fixtures/store');
let commit = arg('--commit', '');
try {
  commit ||= execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
} catch {
  commit = 'unknown'; // not a git checkout: pass --commit
}
const madeBy = `kms-playground ${release} (commit ${commit}), scripts/make-store-fixtures.ts`;

const ACCOUNT = '111122223333';
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const AUDITOR = `arn:aws:iam::${ACCOUNT}:role/Auditor`;
const OPTIONS = {
  seed: 2026,
  accountId: ACCOUNT,
  startTime: Date.UTC(2026, 0, 12, 9),
  propagation: { minMs: 2_000, maxMs: 90_000, distribution: 'realistic' as const },
  hosts: 3,
  principals: [
    { arn: `arn:aws:iam::${ACCOUNT}:root`, accessKeyId: 'AKIAROOT0000000000000' },
    { arn: APP, accessKeyId: 'AKIAAPP0000000000000' },
    { arn: AUDITOR, accessKeyId: 'AKIAAUDITOR000000000' },
  ],
};
const WALL = Date.UTC(2026, 0, 12, 9, 30); // wall-clock stamps, fixed so reruns differ only in random ids

const factory = new IDBFactory();
const name = 'kms-playground';
const store = await openIndexedDbStore({ name, indexedDB: factory, now: () => WALL, broadcastChannel: false });
const ws = await store.createWorkspace('Workshop: grants and eventual consistency', OPTIONS);
await store.createWorkspace('Empty workspace', { seed: 1 });
// a scenario as this release writes it (saveScenario checks it with this release's parseScenario)
await store.saveScenario({ name: 'Saved scenario', scenario: { v: 1, seed: 3, steps: [{ kind: 'request', target: 'CreateKey', body: {} }] } as never });
await store.setSetting('theme', { dark: true });

const sim = createSimulator({ ...OPTIONS, store: store.forWorkspace(ws.id) });
await sim.ready;
const as = (arn?: string): Record<string, string> => {
  const p = OPTIONS.principals.find((x) => x.arn === arn);
  return p ? { Authorization: `AWS4-HMAC-SHA256 Credential=${p.accessKeyId}/20260112/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00`, 'X-Amz-Date': '20260112T090000Z' } : {};
};
async function call(target: string, body: unknown, o: { as?: string; host?: number } = {}) {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}`, ...as(o.as) };
  if (o.host !== undefined) headers['x-playground-host'] = String(o.host);
  const res = await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers, body: JSON.stringify(body) }));
  const text = await res.text();
  if (res.status >= 500) throw new Error(`${target}: ${text}`);
  return text ? JSON.parse(text) : {};
}

const key = (await call('CreateKey', { Description: 'orders' })).KeyMetadata.KeyId as string;
const other = (await call('CreateKey', { Description: 'payments', KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })).KeyMetadata.KeyId as string;
await call('CreateAlias', { AliasName: 'alias/orders', TargetKeyId: key });
const g1 = await call('CreateGrant', { KeyId: key, GranteePrincipal: APP, Operations: ['Encrypt', 'Decrypt', 'DescribeKey'], RetiringPrincipal: AUDITOR, Name: 'app', Constraints: { EncryptionContextSubset: { team: 'orders' } } });
const g2 = await call('CreateGrant', { KeyId: key, GranteePrincipal: AUDITOR, Operations: ['DescribeKey'] });
await call('CreateGrant', { KeyId: other, GranteePrincipal: APP, Operations: ['Sign', 'Verify'] });
const ct = await call('Encrypt', { KeyId: 'alias/orders', Plaintext: btoa('order 1'), EncryptionContext: { team: 'orders' } });
sim.clock.advance(30_000);
await call('Decrypt', { CiphertextBlob: ct.CiphertextBlob, EncryptionContext: { team: 'orders' } }, { as: APP, host: 0 });
await call('RetireGrant', { GrantToken: g1.GrantToken }, { as: AUDITOR });
await call('RevokeGrant', { KeyId: key, GrantId: g2.GrantId });
// more than one full chunk (256 entries) of log rows, then a tail of single rows
for (let i = 0; i < 250; i++) {
  if (i % 10 === 0) await call('CreateGrant', { KeyId: key, GranteePrincipal: APP, Operations: ['Decrypt'], Name: `worker-${i % 40}` });
  sim.clock.advance(1_000);
}
await call('ScheduleKeyDeletion', { KeyId: other, PendingWindowInDays: 7 });
await call('CreateGrant', { KeyId: key, GranteePrincipal: AUDITOR, Operations: ['Decrypt'], Name: 'late' }); // still propagating
sim.clock.advance(500);
await sim.flush();
if (sim.storeError) throw sim.storeError;

mkdirSync(outDir, { recursive: true });
const dump = { ...(await dumpDatabase(factory, name)), madeBy };
const file = { ...(await store.exportWorkspace(ws.id, { exportedAt: WALL })), madeBy };
store.close();
/** JSON with one line per record (per log entry, event, grant …): readable, and diffs by record */
function lines(x: unknown, indent = '', depth = 0): string {
  const flat = JSON.stringify(x);
  if (x === null || typeof x !== 'object' || depth >= 4 || flat.length < 100) return flat;
  const inner = `${indent} `;
  if (Array.isArray(x)) return `[\n${x.map((v) => inner + lines(v, inner, depth + 1)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(x).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${lines(v, inner, depth + 1)}`).join(',\n')}\n${indent}}`;
}
const write = (f: string, x: unknown) => {
  writeFileSync(join(outDir, f), `${lines(x)}\n`);
  console.log(`wrote ${join(outDir, f)}`);
};
write(`idb-v${DB_VERSION}.json`, dump);
write(`workspace-file-v${WORKSPACE_FILE_VERSION}.json`, file);
console.log(`${sim.log.length} inputs, ${sim.events.length} events, ${sim.engine.world.grants.size} grants; ${madeBy}`);
