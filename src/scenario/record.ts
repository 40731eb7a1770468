/**
 * From what the user sent to a scenario: the UI records each request of a session and turns the
 * list into a scenario to share. Literal ids in the bodies (KeyId, GrantId, ciphertexts) stay
 * valid because replay with the same seed and settings makes the same ids again.
 */
import { TARGET_PREFIX } from '../kms/protocol';
import { resolveSettings, rootArn, SCENARIO_VERSION, stripDefaults, type RequestStep, type Scenario, type ScenarioSettings, type Step } from './format';

export interface LoggedRequest {
  /** virtual time at which it was sent, epoch ms (the clock's now()) */
  at: number;
  /** principal ARN; undefined or the root ARN for the account root */
  caller?: string;
  /** 'CreateGrant' or 'TrentService.CreateGrant' */
  target: string;
  body: Record<string, unknown>;
  host?: number;
  note?: string;
}

/**
 * Request steps that send the logged requests at the same virtual times, given the settings of
 * the session that recorded them (for its startTime and account). A step gets `at` only when the
 * clock has to move; times that go backwards are treated as "now".
 */
export function stepsFromLog(log: readonly LoggedRequest[], settings?: ScenarioSettings): RequestStep[] {
  const { startTime, accountId } = resolveSettings(settings);
  const root = rootArn(accountId);
  let clock = 0;
  return log.map((entry) => {
    const step = { kind: 'request' } as RequestStep;
    const offset = Math.max(clock, Math.round(entry.at - startTime));
    if (offset !== clock) step.at = offset;
    clock = offset;
    if (entry.caller !== undefined && entry.caller !== root) step.caller = entry.caller;
    step.target = entry.target.startsWith(TARGET_PREFIX) ? entry.target.slice(TARGET_PREFIX.length) : entry.target;
    step.body = JSON.parse(JSON.stringify(entry.body)) as Record<string, unknown>;
    if (entry.host !== undefined) step.host = entry.host;
    if (entry.note !== undefined) step.note = entry.note;
    return step;
  });
}

/**
 * A scenario that replays a recorded session. `until` (epoch ms), when later than the last
 * request, adds a final advance so the replay ends at the moment the session showed.
 * The result is not validated: pass it to validateScenario before trusting it.
 */
export function scenarioFromLog(
  log: readonly LoggedRequest[],
  options: { seed: number; settings?: ScenarioSettings; title?: string; until?: number },
): Scenario {
  const steps: Step[] = stepsFromLog(log, options.settings);
  const { startTime } = resolveSettings(options.settings);
  if (options.until !== undefined) {
    const last = steps.reduce((t, s) => (s.kind === 'request' && s.at !== undefined ? s.at : t), 0);
    const end = options.until - startTime;
    if (end > last) steps.push({ kind: 'advance', ms: end - last });
  }
  const scenario: Scenario = { v: SCENARIO_VERSION, seed: options.seed, steps };
  if (options.title !== undefined) scenario.title = options.title;
  if (options.settings !== undefined) scenario.settings = options.settings;
  return stripDefaults(scenario);
}
