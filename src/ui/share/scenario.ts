/**
 * Share links from a workspace: the workspace's input log (requests and clock moves) as a
 * scenario that replays to the same timeline.
 *
 * scenario/record.ts's scenarioFromLog turns requests into steps and moves the clock only when a
 * request needs it; the engine emits one clock event per clock move, so to give the receiver the
 * same timeline (same event count, ids and grant ids) every clock move of the log becomes an
 * `advance` step here, and the requests carry no `at`. The settings are the workspace's, with the
 * defaults left out (stripDefaults). Nothing here reads the DOM: the dialog does that.
 */
import type { LogEntry, SimulatorOptions } from '../../kms/api';
import { LIMITS, SCENARIO_VERSION, settingsFromOptions, stripDefaults, validateScenario, type RequestStep, type Scenario, type Step } from '../../scenario/format';
import { encodeScenario, fitsInUrl, HASH_PARAM, URL_SAFE_LENGTH } from '../../scenario/codec';
import { requestOf } from '../workspaces/history';

export interface BuiltScenario {
  scenario: Scenario;
  /** requests left out: their body was not a JSON object, which a scenario cannot carry */
  skipped: number;
}

/**
 * The scenario of a workspace's log up to virtual time `until` (the shown time: the kept future
 * after it is left out). `start` is the workspace's clock start.
 */
export function scenarioFromWorkspaceLog(
  log: readonly LogEntry[],
  options: SimulatorOptions,
  opts: { until: number; start: number; title?: string },
): BuiltScenario {
  const steps: Step[] = [];
  let clock = opts.start;
  let skipped = 0;
  for (const e of log) {
    if (e.at > opts.until) break;
    if (e.kind === 'clock') {
      if (e.to < clock) continue;
      steps.push({ kind: 'advance', ms: e.to - clock });
      clock = e.to;
      continue;
    }
    if (e.at > clock) {
      steps.push({ kind: 'advance', ms: e.at - clock });
      clock = e.at;
    }
    let body: unknown;
    try {
      body = JSON.parse(e.body);
    } catch {
      body = undefined;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      skipped++;
      continue;
    }
    const req = requestOf(e, options);
    const step = { kind: 'request' } as RequestStep;
    if (req.callerArn !== `arn:aws:iam::${options.accountId ?? '111122223333'}:root`) step.caller = req.callerArn;
    step.target = req.operation;
    step.body = body as Record<string, unknown>;
    if (req.host !== undefined) step.host = req.host;
    if (req.sourceArn !== undefined) step.sourceArn = req.sourceArn;
    steps.push(step);
  }
  if (opts.until > clock) steps.push({ kind: 'advance', ms: opts.until - clock });
  const scenario = { v: SCENARIO_VERSION, seed: options.seed ?? 42, settings: settingsFromOptions(options), steps } as Scenario;
  if (opts.title !== undefined) scenario.title = opts.title.slice(0, LIMITS.titleLength);
  return { scenario: stripDefaults(scenario), skipped };
}

export type ShareLink =
  | { ok: true; url: string; length: number; skipped: number }
  | { ok: false; reason: 'too-long' | 'invalid'; detail: string; skipped: number };

/** the share link of a scenario, or why there is none (too long for a URL, or not a valid scenario) */
export function shareLink(built: BuiltScenario, base: string): ShareLink {
  const checked = validateScenario(built.scenario);
  if (!checked.ok) {
    return { ok: false, reason: 'invalid', detail: `This session cannot travel as a link (${checked.detail}).`, skipped: built.skipped };
  }
  const encoded = encodeScenario(checked.scenario);
  const url = `${base}#${HASH_PARAM}=${encoded}`;
  if (!fitsInUrl(encoded, base)) {
    return {
      ok: false,
      reason: 'too-long',
      detail: `The link would be ${url.length.toLocaleString('en-US')} characters long; links over ${URL_SAFE_LENGTH.toLocaleString('en-US')} characters get cut by chat tools and mail clients.`,
      skipped: built.skipped,
    };
  }
  return { ok: true, url, length: url.length, skipped: built.skipped };
}

