/**
 * The composition root: the only place that reads `location`, opens the storage, creates the
 * simulator and mounts the Svelte app. Query parameters:
 *   ?seed=<n>       the seed of a fresh workspace kept in memory only (default 42)
 *   ?editor=plain   keep the plain textarea (no Monaco)
 *   ?e2e=1          editor options for exact typing in end-to-end tests, a fresh in-memory
 *                   workspace (add &store=idb for IndexedDB), and a setup hook
 *                   (globalThis.__kmsPlayground) tests use to create thousands of events quickly
 * and the hash `#s=v2.…` (older versions are read too): a shared scenario, replayed into a new workspace (then removed).
 *
 * Inside another site's frame it does not start: a note links to it in a tab of its own (src/framed.ts).
 *
 * The in-memory world is the working copy and IndexedDB the durable copy: the current workspace
 * (remembered in the store's settings) is loaded whole, and every request is committed before its
 * response shows. The engine and the store are their own chunks, imported here without waiting:
 * the shell paints and the editor is usable while they load (requests sent meanwhile wait).
 */
import { mount } from 'svelte';
import type { PrincipalConfig } from './kms/api';
import type { WorkspaceOptions } from './store/index';
import App from './ui/App.svelte';
import { Prefs } from './ui/Prefs.svelte';
import { WorkspaceApp, type Backend } from './ui/workspaces/WorkspaceApp.svelte';
import { groupsFrom } from './ui/operations';
import { framedByAnotherOrigin, showFramedNotice } from './framed';
import { handleChunkErrors } from './chunks';
import './ui/app.css';
import { realTimer } from './ui/realTimer';
import { loadSigner } from './ui/signer';

// a lazy chunk that fails to load (a release deployed while this page was open) reloads the page, once
handleChunkErrors({ reload: () => location.reload() });

const DEFAULT_SEED = 42;
const ACCOUNT_ID = '111122223333';
const REGION = 'us-east-1';
const HOSTS = 3;
const START_TIME = Date.UTC(2026, 0, 1, 12, 0, 0);
const DB_NAME = 'kms-playground';

/** The workshop cast: an application role with no IAM permissions (grants only) and a key administrator. */
const PRINCIPALS: PrincipalConfig[] = [
  { arn: `arn:aws:iam::${ACCOUNT_ID}:role/App`, accessKeyId: 'AKIAAPPROLEEXAMPLE01' },
  {
    arn: `arn:aws:iam::${ACCOUNT_ID}:user/Alice`,
    accessKeyId: 'AKIAALICEEXAMPLE0002',
    policy: { Version: '2012-10-17', Statement: [{ Sid: 'KeyAdministrator', Effect: 'Allow', Action: 'kms:*', Resource: '*' }] },
  },
  // an AWS service calling KMS itself: a grant's GranteeServicePrincipal, with a Source ARN per request
  { arn: 'logs.amazonaws.com', accessKeyId: 'AKIALOGSSERVICE00001' },
];

function seedFrom(params: URLSearchParams): number {
  const raw = params.get('seed');
  if (raw === null || raw.trim() === '') return DEFAULT_SEED;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : DEFAULT_SEED;
}

const params = new URLSearchParams(location.search);
const e2e = params.get('e2e') === '1';
/** ?seed= and ?e2e=1 pages get a fresh workspace in memory, so tests and experiments stay independent */
const inMemory = params.has('seed') || (e2e && params.get('store') !== 'idb');

/** a new workspace's options: today's workshop settings */
const DEFAULTS: WorkspaceOptions = {
  seed: seedFrom(params),
  region: REGION,
  accountId: ACCOUNT_ID,
  startTime: START_TIME,
  propagation: { minMs: 500, maxMs: 8_000 },
  hosts: HOSTS,
  principals: PRINCIPALS,
};

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

/** the playground itself: storage, simulator, Svelte app */
function start(target: HTMLElement): void {
  const app = new WorkspaceApp(DEFAULTS);
  const prefs = new Prefs();

  const rich = params.get('editor') !== 'plain';
  mount(App, { target, props: { app, prefs, e2e, rich, audiencePage: new URL('lesson.html', location.href).toString() } });
  /**
   * The engine's and the store's downloads start as soon as the shell is mounted, before its first
   * paint: the page's entry script blocks rendering (build/firstPaint.ts), so the first frame is
   * the shell, and the chunks arrive while it is painted. The editor loads when BodyEditor decides
   * (idle, or the editor is wanted), so its evaluation never holds up the first Send.
   */
  // the scenario chunks (decoding a share link, replaying it) only for a page opened with a link
  const link = location.hash !== '';
  const loadScenario = () => Promise.all([import('./scenario/codec'), import('./scenario/run'), import('./scenario/format')]);
  const backend: Promise<Backend> = Promise.all([import('./kms/index'), import('./kms/model/shapes.generated'), import('./store/index'), link ? loadScenario() : undefined, loadSigner()]).then(async ([kms, model, store, scenario]) => {
    // performance marks (read by bench/ui.mjs): the milestones between the first paint and the first answer
    performance.mark('kms:chunks');
    const [codec, run, format] = scenario ?? [];
    const storage = inMemory
      ? (store.createMemoryPlaygroundStore({
          name: DB_NAME,
          reason: 'This page was opened with ?seed= or ?e2e=1, so it uses a fresh workspace kept in memory only (open the playground without them to keep your work).',
        }) as Backend['storage'])
      : await store.openPlaygroundStorage({ name: DB_NAME, onNotice: (n) => app.connectionNotice(n) });
    performance.mark('kms:storage');
    return {
      storage,
      // the real-time timer: a request body that never finishes arriving is given up, not waited for
      openSimulator: (id) => store.openWorkspaceSimulator(storage, id, {}, { timer: realTimer }),
      scratch: (options) => kms.createSimulator({ ...options, timer: realTimer }),
      describeStoreError: store.describeStoreError,
      reapplyInputs: store.reapplyInputs,
      // without a link in the address these are never called (boot reads the hash once)
      fromHash: (hash) => (codec ? codec.scenarioFromHash(hash) : null),
      optionsOf: (scenario) => {
        if (!format) throw new Error('the scenario chunks were not loaded');
        return format.simulatorOptions(scenario);
      },
      replayInto: async (sim, scenario) => {
        if (!run) throw new Error('the scenario chunks were not loaded');
        await run.replayWith(() => sim, scenario);
      },
      info: {
        operationGroups: groupsFrom(kms.OPERATION_GROUPS),
        requiredMembers: (operation) => {
          const def = (model.OPERATIONS as Record<string, { input: string | null }>)[operation];
          const shape = def?.input ? model.SHAPES[def.input] : undefined;
          return shape?.type === 'structure' ? shape.required : undefined;
        },
      },
    } satisfies Backend;
  });

  if (e2e) {
    Object.assign(globalThis, {
      __kmsPlayground: {
        sim: app.firstSimulator,
        get session() {
          return app.session;
        },
        app,
      },
    });
  }

  void app.boot(backend, {
    hash: location.hash,
    clearHash: () => history.replaceState(history.state, '', location.pathname + location.search),
    quiet: inMemory,
  });
}

// inside another site's frame the playground does not run: a link opens it in a tab instead
if (framedByAnotherOrigin()) showFramedNotice(target, location.href, 'The KMS Grant Playground');
else start(target);
