/**
 * An audience's catch-up in one batch: a presenter's log replayed straight into a simulator
 * (each logged request as it was sent, each clock move), with no Session watching, and the
 * Session made once at the end over the result, its history put back in one go and the state
 * browser read once.
 *
 * Replaying through a live Session instead (what ./inputs.ts does for the few entries of a
 * step) costs, per request, a re-read of the whole account by the state browser and a new
 * History array that the pane diffs row by row, so a long log slowed as it went (a 3,000-request
 * workspace: 65 requests a second at first, 10 by the 2,300th, minutes in all). Here the engine's
 * work is all there is.
 */
import type { LogEntry, SimulatorOptions } from '../../kms/api';
import type { SimulatorWithEngine } from '../../kms/index';
import { Session, type HistoryEntry } from '../Session.svelte';
import { isTimeTravelSimulator, type TimeTravelSimulator } from '../deferredSimulator';
import { groupsFrom } from '../operations';
import { HISTORY_LIMIT, requestOf } from '../workspaces/history';
import { captureResponse } from '../wire';

type Engine = [typeof import('../../kms/index'), typeof import('../../kms/model/shapes.generated')];
let engine: Promise<Engine> | undefined;

function loadEngine(): Promise<Engine> {
  engine ??= Promise.all([import('../../kms/index'), import('../../kms/model/shapes.generated')]);
  engine.catch(() => (engine = undefined));
  return engine;
}

/** requests between two yields to the event loop (the page stays responsive, progress is shown) */
const YIELD_EVERY = 250;

export interface BatchOptions {
  /** told how many entries have been replayed so far, every YIELD_EVERY */
  progress?: (done: number, total: number) => void;
}

/**
 * Replays `entries` into `sim`: clock moves forward to each entry's time, requests as logged.
 * Returns the history entries of the requests (as a reloaded workspace's History shows them).
 */
async function replayLog(sim: TimeTravelSimulator, options: SimulatorOptions, entries: readonly LogEntry[], opts: BatchOptions = {}): Promise<Omit<HistoryEntry, 'n'>[]> {
  const history: Omit<HistoryEntry, 'n'>[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const t = e.kind === 'clock' ? e.to : e.at;
    if (t > sim.clock.now()) sim.clock.set(t);
    if (e.kind === 'request') {
      const req = requestOf(e, options);
      try {
        const body = e.method === 'GET' || e.method === 'HEAD' ? undefined : e.body;
        const res = await sim.fetch(new Request(e.url, { method: e.method, headers: e.headers, body }));
        history.push({ ...req, sentAt: e.at, response: await captureResponse(res) });
      } catch (err) {
        history.push({ ...req, sentAt: e.at, failure: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      }
    }
    if ((i + 1) % YIELD_EVERY === 0 && i + 1 < entries.length) {
      opts.progress?.(i + 1, entries.length);
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  return history;
}

/**
 * A Session over a fresh simulator of `options` that has replayed `log`; or, given `base`, over
 * base's simulator with `log` (what follows base's inputs) replayed on top, base's history kept.
 * `base` is disposed: it must not be shown any more.
 */
export async function batchSession(options: SimulatorOptions, log: readonly LogEntry[], base?: Session, opts: BatchOptions = {}): Promise<Session> {
  const [kms, model] = await loadEngine();
  let sim: TimeTravelSimulator;
  let history: readonly Omit<HistoryEntry, 'n'>[] = [];
  if (base && isTimeTravelSimulator(base.sim)) {
    if (base.inPast) await base.returnToPresent();
    base.dispose();
    sim = base.sim;
    history = base.history;
  } else {
    const fresh: SimulatorWithEngine = kms.createSimulator(options);
    await fresh.ready;
    sim = fresh;
  }
  const added = await replayLog(sim, options, log, opts);
  const session = new Session(sim, {
    seed: options.seed ?? kms.DEFAULTS.seed,
    region: options.region ?? kms.DEFAULTS.region,
    accountId: options.accountId ?? kms.DEFAULTS.accountId,
    hosts: options.hosts ?? kms.DEFAULTS.hosts,
    startTime: options.startTime ?? kms.DEFAULTS.startTime,
    principals: options.principals ?? [],
    operationGroups: groupsFrom(kms.OPERATION_GROUPS),
    requiredMembers: (operation) => {
      const def = (model.OPERATIONS as Record<string, { input: string | null }>)[operation];
      const shape = def?.input ? model.SHAPES[def.input] : undefined;
      return shape?.type === 'structure' ? shape.required : undefined;
    },
  });
  // the History pane holds the latest HISTORY_LIMIT, as the presenter's does after a reload (its
  // rows are most of what the page has to lay out once caught up)
  const all = [...history, ...added];
  session.restoreHistory(all.length > HISTORY_LIMIT ? all.slice(all.length - HISTORY_LIMIT) : all);
  await session.refreshWorld();
  return session;
}
