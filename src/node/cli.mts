/**
 * The command line: `kms-grant-playground serve | export-test | --help`.
 * `main` takes the arguments and where to write, and answers the exit code (serve resolves only
 * once the server has stopped), so tests run it in process.
 */
import { readFile } from 'node:fs/promises';
import type { PrincipalConfig, SimulatorOptions } from '../kms/api';
import { scenarioFromHash } from '../scenario/codec';
import { parseScenario, type Scenario } from '../scenario/format';
import { LIMITS } from '../scenario/limits';
import { scenarioToBash, scenarioToVitest } from '../scenario/toTest';
import { checkSimulatorOptions } from '../scenario/validate';
import { DEFAULT_HOST, DEFAULT_PORT, serve, ServeError, type RunningServer } from './serve.mjs';

export const USAGE = `kms-grant-playground: a simulated AWS KMS (keys, grants, eventual consistency) on your machine.

Usage:
  kms-grant-playground serve [options]        a local KMS endpoint for the AWS CLI, boto3 and the SDKs
  kms-grant-playground export-test <scenario.json | '#s=...' link> [--bash] [--import-from MODULE]
                                              print a scenario as a vitest file (or, with --bash,
                                              as AWS CLI commands against serve)
  kms-grant-playground --help

serve options:
  --port N              TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDRESS        address to listen on (default ${DEFAULT_HOST}); only loopback addresses
                        unless --allow-remote
  --allow-remote        allow an address other machines can reach (there is no real security),
                        and requests from web pages (with an Origin header), refused otherwise
  --principals FILE     JSON list of principals: [{"arn", "accessKeyId", "secretAccessKey"?, "policy"?}]
                        (or {"principals": [...]}); a principal with a secret has its SigV4
                        signatures verified. Any other access key acts as the account root.
  --scenario FILE|LINK  start by replaying a scenario file, or a shared link (...#s=v2....)
  --persist FILE        keep the world in a workspace file: resumed at start when it exists,
                        rewritten after every request and clock move
  --seed N  --region NAME  --account-id ID  --hosts N
  --propagation MIN,MAX milliseconds a grant change takes to reach each host, drawn uniformly
                        (default: mostly within seconds, a tail to five minutes, as in AWS)
  --quiet               no line per request

The virtual clock moves only when you say so:
  GET  /_playground/clock                      {"now": <epoch ms>, "iso": "..."}
  POST /_playground/clock/advance  {"ms": N}    forward N milliseconds
  POST /_playground/clock/settle               until every pending grant change has arrived
  GET  /_playground/events?since=N             events from index N, one JSON object per line
                                               (x-playground-event-count: the next index)

Example:
  kms-grant-playground serve &
  AWS_ACCESS_KEY_ID=any AWS_SECRET_ACCESS_KEY=any aws kms create-key --region us-east-1 \\
    --endpoint-url http://127.0.0.1:${DEFAULT_PORT}
`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** a mistake in the command line: the message, then a pointer to --help; exit code 2 */
class UsageError extends Error {
  override name = 'UsageError';
}

interface Parsed {
  flags: Map<string, string | true>;
  positional: string[];
}

function parseArgs(args: string[], valued: ReadonlySet<string>, bare: ReadonlySet<string>): Parsed {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (valued.has(name)) {
        const value = eq > 0 ? a.slice(eq + 1) : args[++i];
        if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value.`);
        if (flags.has(name)) throw new UsageError(`--${name} is given twice.`);
        flags.set(name, value);
      } else if (bare.has(name)) {
        if (eq > 0) throw new UsageError(`--${name} takes no value.`);
        flags.set(name, true);
      } else {
        throw new UsageError(`Unknown option --${name}.`);
      }
    } else if (a.startsWith('-') && a !== '-' && !a.startsWith('-#')) {
      throw new UsageError(`Unknown option ${a}.`);
    } else positional.push(a);
  }
  return { flags, positional };
}

function integer(text: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}.`);
  return Number(text);
}

/** a scenario from a file (a scenario or a lesson, JSON) or from a link holding #s=... */
export async function loadScenario(source: string): Promise<Scenario> {
  const hash = source.indexOf('#');
  if (hash >= 0 && /[#&]s=/.test(source.slice(hash))) {
    const decoded = scenarioFromHash(source.slice(hash));
    if (!decoded || !decoded.ok) throw new UsageError(`The link does not hold a scenario the playground can open: ${decoded ? decoded.detail : 'no #s= in it'}.`);
    return decoded.scenario;
  }
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read the scenario file ${source}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (e as Error).message}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${source} is not JSON (a scenario file is the JSON the playground's Share > Download gives).`);
  }
  let parsed = parseScenario(json);
  // a lesson: { id, title, summary, scenario }
  if (!parsed.ok && json !== null && typeof json === 'object' && 'scenario' in json) parsed = parseScenario((json as { scenario: unknown }).scenario);
  if (!parsed.ok) throw new UsageError(`${source} is not a scenario the playground can open: ${parsed.detail}`);
  return parsed.scenario;
}

async function loadPrincipals(file: string, accountId: string | undefined): Promise<PrincipalConfig[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`Cannot read the principals file ${file}: ${e instanceof SyntaxError ? 'it is not JSON' : (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (e as Error).message}.`);
  }
  const list = Array.isArray(json) ? json : json !== null && typeof json === 'object' ? (json as { principals?: unknown }).principals : undefined;
  const checked = checkSimulatorOptions({ ...(accountId ? { accountId } : {}), principals: list ?? json }, file);
  if (!checked.ok) throw new UsageError(`The principals file is not valid: ${checked.error}`);
  return checked.value.principals ?? [];
}

const SERVE_VALUED = new Set(['port', 'host', 'principals', 'scenario', 'link', 'persist', 'seed', 'region', 'account-id', 'hosts', 'propagation']);
const SERVE_BARE = new Set(['allow-remote', 'quiet', 'help']);

/** the serve command line as ServeOptions (reads the files it names) */
export async function serveOptions(args: string[], log?: (line: string) => void, warn?: (line: string) => void): Promise<Parameters<typeof serve>[0]> {
  const { flags, positional } = parseArgs(args, SERVE_VALUED, SERVE_BARE);
  if (positional.length) throw new UsageError(`serve takes no arguments other than options; got ${JSON.stringify(positional[0])}.`);
  const str = (name: string) => flags.get(name) as string | undefined;
  const simulator: Record<string, unknown> = {};
  if (str('seed') !== undefined) simulator.seed = integer(str('seed')!, 'seed', 0, LIMITS.seedMax);
  if (str('region') !== undefined) simulator.region = str('region');
  if (str('account-id') !== undefined) simulator.accountId = str('account-id');
  if (str('hosts') !== undefined) simulator.hosts = integer(str('hosts')!, 'hosts', 1, LIMITS.optionHosts);
  const propagation = str('propagation');
  if (propagation !== undefined) {
    const m = /^(\d+)\s*,\s*(\d+)$/.exec(propagation);
    if (!m) throw new UsageError(`--propagation must be MIN,MAX in milliseconds (such as 2000,8000), not ${JSON.stringify(propagation)}.`);
    simulator.propagation = { minMs: Number(m[1]), maxMs: Number(m[2]), distribution: 'uniform' };
  }
  const checked = checkSimulatorOptions(simulator, 'the options');
  if (!checked.ok) throw new UsageError(checked.error);
  if (str('scenario') !== undefined && str('link') !== undefined) throw new UsageError('Give --scenario or --link, not both.');
  const source = str('scenario') ?? str('link');
  const scenario = source !== undefined ? await loadScenario(source) : undefined;
  if (scenario && ['seed', 'region', 'account-id', 'hosts', 'propagation'].some((f) => flags.has(f))) {
    throw new UsageError('A scenario carries its own settings: drop --seed, --region, --account-id, --hosts and --propagation, or the scenario.');
  }
  const principals = str('principals') !== undefined ? await loadPrincipals(str('principals')!, checked.value.accountId) : undefined;
  return {
    port: str('port') !== undefined ? integer(str('port')!, 'port', 0, 65_535) : DEFAULT_PORT,
    host: str('host') ?? DEFAULT_HOST,
    allowRemote: flags.has('allow-remote'),
    simulator: checked.value as Omit<SimulatorOptions, 'store'>,
    principals,
    scenario,
    persist: str('persist'),
    log: flags.has('quiet') ? undefined : log,
    warn,
  };
}

/** runs serve until SIGINT/SIGTERM (or `stop` resolves); answers the exit code */
export async function runServe(args: string[], io: Io = processIo, stop?: Promise<void>, started?: (s: RunningServer) => void): Promise<number> {
  const options = await serveOptions(args, (line) => io.out(`${line}\n`), (line) => io.err(`kms-grant-playground: ${line}\n`));
  const server = await serve(options);
  io.out(`KMS Grant Playground serving KMS at ${server.url} (region ${server.sim.engine.region}, account ${server.sim.engine.accountId}).\n`);
  io.out(`  aws kms list-keys --endpoint-url ${server.url} --region ${server.sim.engine.region}\n`);
  io.out('Any access key acts as the account root; --principals configures others. Ctrl+C stops.\n');
  started?.(server);
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    void stop?.then(done);
  });
  await server.close();
  io.out('stopped\n');
  return 0;
}

async function exportTest(args: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(args, new Set(['import-from', 'endpoint']), new Set(['bash', 'help']));
  if (positional.length !== 1) throw new UsageError('export-test takes one scenario: a file, or a link holding #s=...');
  const scenario = await loadScenario(positional[0]);
  const text = flags.has('bash')
    ? await scenarioToBash(scenario, { endpoint: flags.get('endpoint') as string | undefined, command: 'npx kms-grant-playground' })
    : await scenarioToVitest(scenario, { importFrom: flags.get('import-from') as string | undefined });
  io.out(text);
  return 0;
}

/** the whole command line; answers the exit code (0 ok, 1 failed, 2 bad arguments) */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help')) {
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'serve') return await runServe(rest, io);
    if (command === 'export-test') return await exportTest(rest, io);
    throw new UsageError(`Unknown command ${JSON.stringify(command)}: the commands are serve and export-test.`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kms-grant-playground: ${e.message}\nRun kms-grant-playground --help for usage.\n`);
      return 2;
    }
    if (e instanceof ServeError) {
      io.err(`kms-grant-playground: ${e.message}\n`);
      return 1;
    }
    io.err(`kms-grant-playground: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
