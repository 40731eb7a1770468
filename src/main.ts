/**
 * The composition root: the only place that reads `location`, creates the simulator and mounts
 * the Svelte app. Query parameters:
 *   ?seed=<n>       the simulator's seed (default 42); later also from saved workspaces
 *   ?editor=plain   keep the plain textarea (no Monaco)
 *   ?e2e=1          editor options for exact typing in end-to-end tests, and a setup hook
 *                   (globalThis.__kmsPlayground) tests use to create thousands of events quickly
 *
 * The engine is its own chunk, imported here without waiting: the shell paints and the editor is
 * usable while it loads (requests sent meanwhile wait for it). Monaco comes later still.
 */
import { mount } from 'svelte';
import type { PrincipalConfig } from './kms/api';
import App from './ui/App.svelte';
import { Session, type EngineInfo } from './ui/Session.svelte';
import { Playback } from './ui/Playback.svelte';
import { Prefs } from './ui/Prefs.svelte';
import { deferredSimulator } from './ui/deferredSimulator';
import { groupsFrom } from './ui/operations';
import './ui/app.css';

const DEFAULT_SEED = 42;
const ACCOUNT_ID = '111122223333';
const REGION = 'us-east-1';
const HOSTS = 3;
const START_TIME = Date.UTC(2026, 0, 1, 12, 0, 0);

/** The workshop cast: an application role with no IAM permissions (grants only) and a key administrator. */
const PRINCIPALS: PrincipalConfig[] = [
  { arn: `arn:aws:iam::${ACCOUNT_ID}:role/App`, accessKeyId: 'AKIAAPPROLEEXAMPLE01' },
  {
    arn: `arn:aws:iam::${ACCOUNT_ID}:user/Alice`,
    accessKeyId: 'AKIAALICEEXAMPLE0002',
    policy: { Version: '2012-10-17', Statement: [{ Sid: 'KeyAdministrator', Effect: 'Allow', Action: 'kms:*', Resource: '*' }] },
  },
];

function seedFrom(params: URLSearchParams): number {
  const raw = params.get('seed');
  if (raw === null || raw.trim() === '') return DEFAULT_SEED;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : DEFAULT_SEED;
}

const params = new URLSearchParams(location.search);
const seed = seedFrom(params);
const e2e = params.get('e2e') === '1';

const booted = Promise.all([import('./kms/index'), import('./kms/model/shapes.generated')]).then(async ([kms, model]) => {
  const sim = kms.createSimulator({
    seed,
    region: REGION,
    accountId: ACCOUNT_ID,
    startTime: START_TIME,
    propagation: { minMs: 500, maxMs: 8_000 },
    hosts: HOSTS,
    principals: PRINCIPALS,
  });
  await sim.ready;
  const info: EngineInfo = {
    operationGroups: groupsFrom(kms.OPERATION_GROUPS),
    requiredMembers: (operation) => {
      const def = (model.OPERATIONS as Record<string, { input: string | null }>)[operation];
      const shape = def?.input ? model.SHAPES[def.input] : undefined;
      return shape?.type === 'structure' ? shape.required : undefined;
    },
  };
  return { sim, info };
});
const sim = deferredSimulator(
  booted.then((b) => b.sim),
  START_TIME,
);

const session = new Session(sim, { seed, region: REGION, accountId: ACCOUNT_ID, hosts: HOSTS, startTime: START_TIME, principals: PRINCIPALS });
const playback = new Playback(session);
const prefs = new Prefs();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target, props: { session, playback, prefs, e2e, rich: params.get('editor') !== 'plain' } });

void session.attach(Promise.all([booted, sim.whenLoaded]).then(([b]) => b.info)).then(() => {
  if (e2e) Object.assign(globalThis, { __kmsPlayground: { sim: sim.whenLoaded, session } });
  return session.refreshWorld();
});
