/**
 * Replay with an injected simulator factory: what replay.ts runs with the real engine, and what
 * the tests run with a fake one. Steps run one after the other on the virtual clock; nothing
 * here reads the wall clock or Math.random, so a scenario gives the same results every time.
 */
import type { PrincipalConfig, Simulator, SimulatorOptions } from '../kms/api';
import type { Decision, SimEvent } from '../kms/events';
import { checkExpectation, resolveReferences, show, type CheckResult } from './expect';
import { resolveSettings, rootArn, simulatorOptions, validateScenario, type Expectation, type RequestStep, type ResolvedSettings, type Scenario } from './format';
import { LIMITS } from './limits';
import { buildKmsRequest } from './request';

/**
 * The most a resolved caller may be (UTF-8 bytes of its JSON text): far more than any principal
 * ARN (LIMITS.arnLength characters), far less than a body.
 */
const CALLER_BYTES = 16 * 1024;

export type CreateSimulator = (options: SimulatorOptions) => Simulator;

export interface ReplayOptions {
  /** stops the replay between steps; the promise then rejects with the signal's reason */
  signal?: AbortSignal;
  /** called after each step, in order */
  onStep?: (index: number, result: StepResult) => void;
}

export type StepResult =
  | {
      kind: 'request';
      /** virtual time (epoch ms) at which the request was sent */
      at: number;
      target: string;
      /** the principal the request was sent as */
      caller: string;
      status: number;
      /** every response header, names in lower case */
      headers: Record<string, string>;
      /** the response body text */
      body: string;
      /** sim.lastDecision after the response */
      decision?: Decision;
      /** the step's expectation, checked (only when the step has one, or could not be sent) */
      check?: CheckResult;
      /**
       * why the request was not sent: a {{reference}} could not be resolved, or resolving the
       * references would make a body over LIMITS.requestBodyBytes (1 MiB, the engine's limit)
       * (status is then 0, headers empty and body ''; check fails with the same message)
       */
      unresolved?: string;
    }
  /** virtual time (epoch ms) after the step */
  | { kind: 'advance' | 'settle' | 'note'; at: number };

export interface ReplayResult {
  sim: Simulator;
  results: StepResult[];
  /** sim.events: every event of the run, in order */
  events: readonly SimEvent[];
}

/** The simulator failed (threw or rejected) on a step: a simulator bug, not a KMS error. */
export class ReplayError extends Error {
  constructor(
    readonly stepIndex: number,
    readonly results: StepResult[],
    cause: unknown,
  ) {
    super(`replay: the simulator failed at step ${stepIndex}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ReplayError';
  }
}

export async function replayWith(createSimulator: CreateSimulator, scenario: Scenario, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const checked = validateScenario(scenario);
  if (!checked.ok) throw new TypeError(`replay: ${checked.error}: ${checked.detail}`);
  const s = checked.scenario;
  const settings = resolveSettings(s.settings);
  const { signal, onStep } = opts;
  signal?.throwIfAborted();

  const sim = createSimulator(simulatorOptions(s));
  const start = sim.clock.now();
  const results: StepResult[] = [];
  /** step id -> parsed response body, for {{id.Path}} references */
  const responses = new Map<string, unknown>();
  const callers = new Set([rootArn(settings.accountId), ...settings.principals.map((p) => p.arn)]);

  for (let i = 0; i < s.steps.length; i++) {
    signal?.throwIfAborted();
    const step = s.steps[i];
    let result: StepResult;
    try {
      switch (step.kind) {
        case 'request': {
          if (step.at !== undefined && start + step.at > sim.clock.now()) sim.clock.set(start + step.at);
          const at = sim.clock.now();
          const resolved = resolveStep(step, responses, callers);
          if (!resolved.ok) {
            result = {
              kind: 'request',
              at,
              target: step.target,
              caller: step.caller ?? rootArn(settings.accountId),
              status: 0,
              headers: {},
              body: '',
              check: { ok: false, failures: [`not sent: ${resolved.message}`] },
              unresolved: resolved.message,
            };
            break;
          }
          const sent = resolved.step;
          const request = buildRequest(sent, settings, at);
          const response = await sim.fetch(request);
          const headers: Record<string, string> = {};
          response.headers.forEach((value, name) => {
            headers[name] = value;
          });
          const text = await response.text();
          const done: StepResult & { kind: 'request' } = {
            kind: 'request',
            at,
            target: step.target,
            caller: sent.caller ?? rootArn(settings.accountId),
            status: response.status,
            headers,
            body: text,
          };
          if (sim.lastDecision !== undefined) done.decision = sim.lastDecision;
          const parsed = parseBody(text);
          // expectations compare with the responses before this one (a step cannot name itself)
          if (step.expect) done.check = check(step.expect, response.status, parsed, responses);
          if (step.id !== undefined) responses.set(step.id, parsed);
          result = done;
          break;
        }
        case 'advance':
          sim.clock.advance(step.ms);
          result = { kind: 'advance', at: sim.clock.now() };
          break;
        case 'settle':
          result = { kind: 'settle', at: sim.clock.settle() };
          break;
        case 'note':
          result = { kind: 'note', at: sim.clock.now() };
          break;
      }
    } catch (e) {
      throw new ReplayError(i, results, e);
    }
    results.push(result);
    onStep?.(i, result);
  }
  return { sim, results, events: sim.events };
}

/** A response body as JSON; undefined when it is empty or not JSON. */
function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The step with the references in its body and caller resolved. A caller must still
 * be the root or a configured principal once resolved. Each is bounded as it is resolved (the
 * body by the engine's 1 MiB limit), so a few references that repeat a large response cannot
 * build a value of hundreds of megabytes: the step is not sent, and says why.
 */
function resolveStep(
  step: RequestStep,
  responses: ReadonlyMap<string, unknown>,
  callers: ReadonlySet<string>,
): { ok: true; step: RequestStep } | { ok: false; message: string } {
  const body = resolveReferences(step.body, responses, { maxBytes: LIMITS.requestBodyBytes, what: 'a body' });
  if (!body.ok) return body;
  const out: RequestStep = { ...step, body: body.value as Record<string, unknown> };
  if (step.caller !== undefined) {
    const caller = resolveReferences(step.caller, responses, { maxBytes: CALLER_BYTES, what: 'a caller' });
    if (!caller.ok) return caller;
    if (typeof caller.value !== 'string' || !callers.has(caller.value)) {
      return { ok: false, message: `the caller ${show(caller.value)} is neither the account root nor a principal in settings.principals` };
    }
    out.caller = caller.value;
  }
  return { ok: true, step: out };
}

/** Checks a response against the step's expectation, references in expected values resolved first. */
function check(expect: Expectation, status: number, body: unknown, responses: ReadonlyMap<string, unknown>): CheckResult {
  if (!expect.match) return checkExpectation(expect, status, body);
  const match = resolveReferences(expect.match, responses, { maxBytes: LIMITS.requestBodyBytes, what: 'the expected values' });
  if (match.ok) return checkExpectation({ ...expect, match: match.value as Expectation['match'] }, status, body);
  const { failures } = checkExpectation({ ...expect, match: undefined }, status, body);
  return { ok: false, failures: [...failures, `cannot check the response: ${match.message}`] };
}

/**
 * The WHATWG Request a request step sends at virtual time `now` (./request.ts builds it): signed
 * (SigV4) when the caller is a configured principal (with a placeholder signature when that
 * principal has no secret), unsigned for the account root, with `x-playground-host: <n>` when the
 * step pins a host, and with `x-playground-source-arn` / `-source-account` / `-via-service` when
 * the step carries them.
 */
export function buildRequest(step: RequestStep, settings: ResolvedSettings, now: number): Request {
  const principal: PrincipalConfig | undefined =
    step.caller === undefined ? undefined : settings.principals.find((p) => p.arn === step.caller);
  return buildKmsRequest({
    operation: step.target,
    body: JSON.stringify(step.body),
    credentials: principal,
    now,
    region: settings.region,
    host: step.host,
    sourceArn: step.sourceArn,
    sourceAccount: step.sourceAccount,
    viaService: step.viaService,
  });
}
