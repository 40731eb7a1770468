/**
 * A scenario as a test of your own:
 *
 * - scenarioToVitest: a vitest file that creates the simulator with the scenario's settings,
 *   sends each request step as the scenario does, moves the clock as it does, and asserts each
 *   response's status and body;
 * - scenarioToBash: a bash script of AWS CLI commands against `kms-grant-playground serve`.
 *
 * Both replay the scenario first (the simulator is deterministic: the same settings and the same
 * requests give the same ids, tokens and ciphertexts), so the test holds the responses and the
 * request bodies with every {{step.Path}} reference already resolved.
 *
 * A scenario may come from a link, so nothing from it reaches generated code except as data:
 * JSON literals in the test, single-quoted words in the script, and comments with every line
 * break and control character taken out.
 */
import type { Simulator, SimulatorOptions } from '../kms/api';
import { createSimulator } from '../kms/index';
import { encodeScenario } from './codec';
import { resolveSettings, validateScenario, type Scenario } from './format';
import { replayWith, type StepResult } from './run';
import { jsEscape, safeJson, shellJson, shellQuote, UNSAFE_CHARS } from './literals';

export interface ScenarioToVitestOptions {
  /**
   * the module the test imports the simulator from; its `/scenario` entry must exist too
   * (default 'kms-grant-playground')
   */
  importFrom?: string;
  /** the describe() title (default: the scenario's title) */
  title?: string;
}

export interface ScenarioToBashOptions {
  /** the endpoint the script talks to when KMS_ENDPOINT is not set (default http://127.0.0.1:4599) */
  endpoint?: string;
  /** how the script names the command that starts the server (default 'npx kms-grant-playground') */
  command?: string;
}

/** what one request step sent, as the simulator saw it */
interface Sent {
  caller: string;
  target: string;
  /** the body with its references resolved */
  body: unknown;
  host?: number;
  sourceArn?: string;
  sourceAccount?: string;
  viaService?: string;
}

interface Traced {
  scenario: Scenario;
  steps: { result: StepResult; sent?: Sent }[];
  start: number;
}

function checked(scenario: Scenario): Scenario {
  const v = validateScenario(scenario);
  if (!v.ok) throw new TypeError(`not a valid scenario: ${v.error}: ${v.detail}`);
  return v.scenario;
}

/** Replays the scenario, noting what each request step sent. */
async function trace(input: Scenario): Promise<Traced> {
  const scenario = checked(input);
  const sent: (Sent | undefined)[] = [];
  let start = 0;
  const make = (options: SimulatorOptions): Simulator => {
    const sim = createSimulator(options);
    start = sim.clock.now();
    const fetch = sim.fetch.bind(sim);
    sim.fetch = (request: Request) => {
      const h = request.headers;
      const body = request.clone().text();
      const entry: Sent = { caller: '', target: (h.get('x-amz-target') ?? '').replace(/^TrentService\./, ''), body: undefined };
      const host = h.get('x-playground-host');
      if (host !== null) entry.host = Number(host);
      const sourceArn = h.get('x-playground-source-arn');
      if (sourceArn !== null) entry.sourceArn = sourceArn;
      const sourceAccount = h.get('x-playground-source-account');
      if (sourceAccount !== null) entry.sourceAccount = sourceAccount;
      const via = h.get('x-playground-via-service');
      if (via !== null) entry.viaService = via;
      sent.push(entry);
      return body.then((text) => {
        entry.body = JSON.parse(text) as unknown;
        return fetch(request);
      });
    };
    return sim;
  };
  const steps: Traced['steps'] = [];
  await replayWith(make, scenario, {
    onStep: (i, result) => {
      let s: Sent | undefined;
      if (result.kind === 'request' && result.unresolved === undefined) {
        s = sent.shift();
        if (s) s.caller = result.caller;
      }
      steps[i] = { result, sent: s };
    },
  });
  return { scenario, steps, start };
}

/**
 * text for a comment: one line, no character a terminal or an editor would act on (controls, bidi
 * overrides, zero-width characters: shown as spaces), no comment terminator
 */
function commentText(text: string, max = 200): string {
  const line = text.replace(UNSAFE_CHARS, ' ').replace(/ {2,}/g, ' ').replace(/\*\//g, '* /').replace(/<\//g, '< /').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * a JSON literal safe anywhere in a script: unsafe characters (which JSON.stringify leaves raw inside
 * strings: C1 controls, bidi overrides, line separators) and `<` (no `</script>`) as \u escapes
 */
function literal(value: unknown, indent = 0): string {
  // (JSON.stringify escapes newlines inside strings: a raw one is the layout's, and stays)
  const text = JSON.stringify(value, null, 2)
    .replace(UNSAFE_CHARS, (c) => (c === '\n' ? c : jsEscape(c)))
    .replaceAll('<', '\\u003c')
    // in an object literal a quoted "__proto__" key sets the prototype; a computed key is a member
    .replace(/^(\s*)"__proto__":/gm, '$1["__proto__"]:');
  return indent ? text.replace(/\n/g, '\n' + ' '.repeat(indent)) : text;
}

function describeStep(step: Scenario['steps'][number], index: number): string {
  const title = step.title !== undefined ? `: ${step.title}` : '';
  switch (step.kind) {
    case 'request':
      return commentText(`step ${index + 1}, ${step.target}${title}`);
    case 'advance':
      return commentText(`step ${index + 1}, the clock advances ${step.ms} ms${title}`);
    case 'settle':
      return commentText(`step ${index + 1}, every pending grant change arrives${title}`);
    case 'note':
      return commentText(`step ${index + 1}, a note${title}: ${step.text}`);
  }
}

/**
 * A vitest file (TypeScript) that replays the scenario step by step against the simulator and
 * asserts each response's status and body, as this version of the simulator answers them.
 * Stable signature: `scenarioToVitest(scenario, { importFrom?, title? }) => Promise<string>`.
 */
export async function scenarioToVitest(scenario: Scenario, opts: ScenarioToVitestOptions = {}): Promise<string> {
  const { scenario: s, steps, start } = await trace(scenario);
  const from = opts.importFrom ?? 'kms-grant-playground';
  const title = opts.title ?? s.title ?? 'scenario';
  const settings = s.settings ?? {};
  const L: string[] = [];
  L.push(`// Generated by kms-grant-playground from the scenario ${commentText(JSON.stringify(s.title ?? 'without a title'))}.`);
  L.push('// Each request is sent as the scenario sends it; each response must be what the simulator answered when this file was made.');
  L.push(`import { describe, expect, it } from ${JSON.stringify('vitest')};`);
  L.push(`import { createSimulator } from ${JSON.stringify(from)};`);
  L.push(`import { buildRequest, resolveSettings, simulatorOptions, type RequestStep, type Scenario } from ${JSON.stringify(`${from}/scenario`)};`);
  L.push('');
  L.push('/** the settings of the scenario (its steps are below, as code) */');
  L.push(`const scenario: Scenario = { v: 2, seed: ${s.seed}, settings: ${literal(settings)}, steps: [] };`);
  L.push('const settings = resolveSettings(scenario.settings);');
  L.push('');
  L.push('type Sim = ReturnType<typeof createSimulator>;');
  L.push('');
  L.push('/** sends one request step; answers its status and its body (parsed when it is JSON) */');
  L.push('async function send(sim: Sim, step: Omit<RequestStep, "kind">): Promise<{ status: number; body: unknown }> {');
  L.push("  const res = await sim.fetch(await buildRequest({ kind: 'request', ...step }, settings, sim.clock.now()));");
  L.push('  const text = await res.text();');
  L.push('  let body: unknown = text;');
  L.push('  try {');
  L.push('    if (text !== "") body = JSON.parse(text);');
  L.push('  } catch {}');
  L.push('  return { status: res.status, body };');
  L.push('}');
  L.push('');
  L.push('/** moves the virtual clock forward to t (never back), as a step with `at` does */');
  L.push('function moveTo(sim: Sim, t: number): void {');
  L.push('  if (t > sim.clock.now()) sim.clock.set(t);');
  L.push('}');
  L.push('');
  L.push(`describe(${literal(commentText(title, 300))}, () => {`);
  L.push(`  it('answers every step as it did when this test was made', async () => {`);
  L.push('    const sim = createSimulator(simulatorOptions(scenario));');
  L.push('    const start = sim.clock.now();');
  L.push('    let r: { status: number; body: unknown };');
  let now = start;
  steps.forEach(({ result, sent }, i) => {
    const step = s.steps[i];
    L.push('');
    L.push(`    // ${describeStep(step, i)}`);
    if (result.kind === 'request') {
      if (!sent) {
        L.push(`    // not sent: ${commentText(result.unresolved ?? 'its references could not be resolved')}`);
        return;
      }
      if (result.at > now) L.push(`    moveTo(sim, start + ${result.at - start});`);
      now = result.at;
      const req: Record<string, unknown> = { caller: sent.caller, target: sent.target, body: sent.body };
      if (sent.host !== undefined) req.host = sent.host;
      if (sent.sourceArn !== undefined) req.sourceArn = sent.sourceArn;
      if (sent.sourceAccount !== undefined) req.sourceAccount = sent.sourceAccount;
      if (sent.viaService !== undefined) req.viaService = sent.viaService;
      L.push(`    r = await send(sim, ${literal(req, 4)});`);
      L.push(`    expect(r.status).toBe(${result.status});`);
      let body: unknown = result.body;
      if (result.body !== '') {
        try {
          body = JSON.parse(result.body) as unknown;
        } catch {
          body = result.body;
        }
      }
      L.push(`    expect(r.body).toEqual(${literal(body, 4)});`);
    } else if (step.kind === 'advance') {
      L.push(`    sim.clock.advance(${step.ms});`);
      L.push(`    expect(sim.clock.now()).toBe(start + ${result.at - start});`);
      now = result.at;
    } else if (step.kind === 'settle') {
      L.push('    sim.clock.settle();');
      L.push(`    expect(sim.clock.now()).toBe(start + ${result.at - start});`);
      now = result.at;
    }
  });
  L.push('  });');
  L.push('});');
  L.push('');
  return L.join('\n');
}

/** a word for bash: single-quoted, a ' inside written as '\'' (values with unsafe characters go through shellJson) */
export { shellQuote };

/** CreateGrant -> create-grant, GenerateDataKeyPairWithoutPlaintext -> generate-data-key-pair-without-plaintext */
export function cliCommandName(target: string): string {
  return target.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

/**
 * A bash script that sends the scenario's requests with the AWS CLI to `kms-grant-playground
 * serve` and moves its clock as the scenario does, checking that each command succeeds or fails
 * as it did in the replay. The server must start fresh with the scenario's settings: the
 * script's header gives the command. Exits 1 when any step ended otherwise.
 */
export async function scenarioToBash(scenario: Scenario, opts: ScenarioToBashOptions = {}): Promise<string> {
  const { scenario: s, steps, start } = await trace(scenario);
  const settings = resolveSettings(s.settings);
  const endpoint = opts.endpoint ?? 'http://127.0.0.1:4599';
  const command = opts.command ?? 'npx kms-grant-playground';
  const settingsOnly = encodeScenario({ v: 2, seed: s.seed, settings: s.settings ?? {}, steps: [] });
  const L: string[] = [];
  L.push('#!/usr/bin/env bash');
  L.push(`# Generated by kms-grant-playground from the scenario ${commentText(JSON.stringify(s.title ?? 'without a title'))}.`);
  L.push("# Start the simulator with the scenario's settings and no steps first, in another terminal:");
  L.push(`#   ${command} serve --scenario ${shellQuote(`#s=${settingsOnly}`)}`);
  L.push('# The ids and tokens below are those that server hands out (the simulator is deterministic).');
  L.push('set -u');
  L.push(`ENDPOINT="\${KMS_ENDPOINT:-${endpoint.replace(/[^A-Za-z0-9:/._\-[\]]/g, '')}}"`);
  L.push(`export AWS_DEFAULT_REGION=${shellQuote(settings.region)} AWS_PAGER='' AWS_MAX_ATTEMPTS=1`);
  L.push('failed=0');
  L.push('# run <expected: ok|error> <command...>: runs a command and notes a different outcome');
  L.push('run() {');
  L.push('  local want="$1"; shift');
  L.push('  "$@"; local status=$?');
  L.push('  if { [ "$want" = ok ] && [ $status -ne 0 ]; } || { [ "$want" = error ] && [ $status -eq 0 ]; }; then');
  L.push('    echo "^^^ expected $want, the command exited $status" >&2; failed=$((failed + 1))');
  L.push('  fi');
  L.push('}');
  L.push('# clock advance|settle [json]: moves the server\'s virtual clock');
  L.push('clock() {');
  L.push("  local body='{}'; if [ $# -gt 1 ]; then body=\"$2\"; fi");
  L.push('  curl -sS -X POST "$ENDPOINT/_playground/clock/$1" -H "content-type: application/json" -d "$body"; echo');
  L.push('}');
  let now = start;
  steps.forEach(({ result, sent }, i) => {
    const step = s.steps[i];
    L.push('');
    L.push(`# ${describeStep(step, i)}`);
    if (result.kind === 'request') {
      if (!sent) {
        L.push(`# not sent: ${commentText(result.unresolved ?? 'its references could not be resolved')}`);
        return;
      }
      if (result.at > now) {
        L.push(`clock advance ${shellQuote(JSON.stringify({ ms: result.at - now }))}`);
        now = result.at;
      }
      const ignored = [
        sent.host !== undefined ? 'pins a host' : '',
        sent.sourceArn !== undefined || sent.sourceAccount !== undefined ? 'carries a source ARN or account' : '',
        sent.viaService !== undefined ? 'comes through a service' : '',
      ].filter(Boolean);
      if (ignored.length) L.push(`# the scenario's request also ${ignored.join(' and ')}, which the AWS CLI cannot send: the answer may differ`);
      const principal = settings.principals.find((p) => p.arn === sent.caller);
      const keyId = principal?.accessKeyId ?? 'AKIAPLAYGROUNDROOT00';
      const secret = principal?.secretAccessKey ?? 'playground';
      L.push(`# as ${commentText(sent.caller)}`);
      L.push(
        `AWS_ACCESS_KEY_ID=${shellQuote(keyId)} AWS_SECRET_ACCESS_KEY=${shellQuote(secret)} run ${result.status === 200 ? 'ok' : 'error'} ` +
          `aws kms ${shellQuote(cliCommandName(sent.target))} --endpoint-url "$ENDPOINT" --cli-input-json ${shellJson(safeJson(sent.body))}`,
      );
    } else if (step.kind === 'advance' || step.kind === 'settle') {
      if (step.kind === 'advance') L.push(`clock advance ${shellQuote(JSON.stringify({ ms: step.ms }))}`);
      else L.push('clock settle');
      now = result.at;
    }
  });
  L.push('');
  L.push('if [ "$failed" -ne 0 ]; then echo "$failed step(s) did not answer as in the playground" >&2; exit 1; fi');
  L.push('echo "every step answered as in the playground"');
  L.push('');
  return L.join('\n');
}
