/**
 * The most expensive key policies we know how to build (issue 14: "no policy can block the page
 * for more than 50 ms"): each a key policy of nearly 32 KB (KEY_POLICY_MAX_SIZE) full of wildcard
 * conditions, evaluated against the largest encryption context a request can carry (the request
 * body is capped at 1 MiB, so one value of 1,000,000 characters, or 28,000 keys). Matching is
 * linear (auth/glob.ts), so a policy's cost is at most its size times the values' sizes; past
 * POLICY_STEP_BUDGET steps an evaluation stops and fails closed. Reported: CPU milliseconds of one
 * evaluatePolicy call (median of a few), its matching steps, and whether the budget stopped it.
 */
import { createSimulator } from '../src/kms/index';
import { stepsTaken } from '../src/kms/auth/glob';
import { KEY_POLICY_MAX_SIZE, POLICY_STEP_BUDGET, evaluatePolicy, parsePolicy, type ContextValue, type ParsedPolicy } from '../src/kms/auth/policy';

const ACCT = '111122223333';
const ROLE = `arn:aws:iam::${ACCT}:role/App`;
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
/** an encryption-context value as long as a 1 MiB request body allows, flat as JSON.parse leaves it */
const BIG = 1_000_000;
const flat = (s: string) => JSON.parse(JSON.stringify(s)) as string;

/** statements added while the policy text stays within the quota */
function fill(make: (i: number) => object, header: object[] = []): string {
  const statements: object[] = [...header];
  let text = '';
  for (let i = 0; ; i++) {
    statements.push(make(i));
    const next = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    if (next.length > KEY_POLICY_MAX_SIZE) return text;
    text = next;
  }
}

/** one statement whose condition lists values while the text stays within the quota */
function fillValues(statement: (values: string[]) => object, value: (i: number) => string): string {
  const values: string[] = [];
  let text = '';
  for (let i = 0; ; i++) {
    values.push(value(i));
    const next = JSON.stringify({ Version: '2012-10-17', Statement: [statement(values)] });
    if (next.length > KEY_POLICY_MAX_SIZE) return text;
    text = next;
  }
}

const allow = (condition: object) => ({ Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Encrypt', Resource: '*', Condition: condition });

interface Case {
  name: string;
  policy: string;
  conditions: Record<string, ContextValue>;
}

function cases(): Case[] {
  const as = flat('a'.repeat(BIG));
  const ab = flat('ab'.repeat(BIG / 2));
  const manyKeys = Array.from({ length: 28_000 }, (_, i) => `key-${String(i).padStart(5, '0')}-bbbbbbbbbbbbbbbb`);
  const ec = (pairs: Record<string, string>): Record<string, ContextValue> => {
    const c: Record<string, ContextValue> = { 'kms:EncryptionContextKeys': Object.keys(pairs) };
    for (const k of Object.keys(pairs)) c[`kms:EncryptionContext:${k}`] = pairs[k];
    return c;
  };
  return [
    {
      name: 'StringLike, as many *aa?<n>* patterns as fit, against 1,000,000 a\'s',
      policy: fillValues((v) => allow({ StringLike: { 'kms:EncryptionContext:app': v } }), (i) => `*aa?${i.toString(36)}*`),
      conditions: ec({ app: as }),
    },
    {
      name: 'StringLike, as many *aab<n>* patterns as fit (no ?), against 1,000,000 a\'s',
      policy: fillValues((v) => allow({ StringLike: { 'kms:EncryptionContext:app': v } }), (i) => `*aab${i.toString(36)}*`),
      conditions: ec({ app: as }),
    },
    {
      name: 'StringLike, one 32 KB pattern *a?a?…b* (a 1,000-word shift-and), against 1,000,000 of "ab"',
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [allow({ StringLike: { 'kms:EncryptionContext:app': `*${'a?'.repeat((KEY_POLICY_MAX_SIZE - 300) / 2)}b*` } })] }),
      conditions: ec({ app: ab }),
    },
    {
      name: 'the reported pattern, 30 wildcards *a*a…*b*, in as many statements as fit, against 1,000,000 a\'s',
      policy: fill((i) => ({ Sid: `S${i}`, ...allow({ StringLike: { 'kms:EncryptionContext:app': `${'*a'.repeat(30)}*b*` } }) })),
      conditions: ec({ app: as }),
    },
    {
      name: 'StringEqualsIgnoreCase in as many statements as fit (each lower-cases the value), against 1,000,000 a\'s',
      policy: fill((i) => ({ Sid: `S${i}`, ...allow({ StringEqualsIgnoreCase: { 'kms:EncryptionContext:app': 'x' } }) })),
      conditions: ec({ app: as }),
    },
    {
      name: 'ForAnyValue:StringLike on kms:EncryptionContextKeys, as many *a?<n>* patterns as fit, against 28,000 keys',
      policy: fillValues((v) => allow({ 'ForAnyValue:StringLike': { 'kms:EncryptionContextKeys': v } }), (i) => `*a?${i.toString(36)}*`),
      conditions: ec(Object.fromEntries(manyKeys.map((k) => [k, 'v']))),
    },
    {
      name: 'ArnLike, as many arn:aws:s3:::*a?<n>* patterns as fit, against a 1,000,000-character ARN',
      policy: fillValues((v) => allow({ ArnLike: { 'kms:EncryptionContext:arn': v } }), (i) => `arn:aws:s3:::*a?${i.toString(36)}*`),
      conditions: ec({ arn: flat(`arn:aws:s3:::${'a'.repeat(BIG - 13)}`) }),
    },
  ];
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export interface WorstCase {
  name: string;
  policyChars: number;
  parseMs: number;
  /** the first evaluation */
  coldMs: number;
  /** the median of the next ones */
  ms: number;
  steps: number;
  exhausted: boolean;
}

/** each case: parse once, evaluate `runs` times (after one warm-up), the median CPU time reported */
export function worstCasePolicies(runs = 5): WorstCase[] {
  const out: WorstCase[] = [];
  for (const c of cases()) {
    let t = cpuMs();
    const parsed = parsePolicy(c.policy, 'resource');
    const parseMs = cpuMs() - t;
    if (!parsed.ok) throw new Error(`worst-case policy "${c.name}" did not parse: ${parsed.detail}`);
    const policy: ParsedPolicy = parsed.policy;
    const ctx = { action: 'kms:Encrypt', resource: KEY, principal: { arn: ROLE, account: ACCT }, conditions: c.conditions };
    // the first evaluation runs cold: the matchers not yet compiled by the JIT for this shape
    t = cpuMs();
    evaluatePolicy(policy, ctx);
    const coldMs = cpuMs() - t;
    const times: number[] = [];
    let steps = 0;
    let exhausted = false;
    for (let r = 0; r < runs; r++) {
      const s0 = stepsTaken();
      t = cpuMs();
      const ev = evaluatePolicy(policy, ctx);
      times.push(cpuMs() - t);
      steps = stepsTaken() - s0;
      exhausted = ev.exhausted !== undefined;
    }
    times.sort((a, b) => a - b);
    out.push({ name: c.name, policyChars: c.policy.length, parseMs, coldMs, ms: times[times.length >> 1], steps, exhausted });
  }
  return out;
}

/**
 * The worst case as the page meets it: Encrypt through sim.fetch under the most expensive policy
 * above, with its 1 MB encryption context (the whole call: body parsing, validation, the key
 * policy, encryption with the context as associated data). CPU milliseconds from the call to its
 * Response (this process's, GC threads included; on a shared machine the wall clock mostly
 * measures the others), median of `runs`, and the same call under a one-statement policy.
 */
export async function worstCaseFetch(policyText: string, context: Record<string, string>, runs = 5): Promise<{ ms: number; baselineMs: number; status: number }> {
  const accessKeyId = 'AKIAWORSTCASE0000000';
  const sim = createSimulator({ seed: 1, accountId: ACCT, region: 'us-east-1', propagation: { minMs: 0, maxMs: 0 }, principals: [{ arn: ROLE, accessKeyId }] });
  const make = async (policy: string) => {
    const r = (await sim.engine.run('CreateKey', { Policy: policy, BypassPolicyLockoutSafetyCheck: true })) as { ok: boolean; output?: { KeyMetadata: { KeyId: string } } };
    if (!r.ok || !r.output) throw new Error(`CreateKey with the worst-case policy failed: ${JSON.stringify(r).slice(0, 300)}`);
    return r.output.KeyMetadata.KeyId;
  };
  const request = (keyId: string) =>
    new Request('https://kms.us-east-1.amazonaws.com/', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'TrentService.Encrypt',
        'X-Amz-Date': '20260101T000000Z',
        Authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00`,
      },
      body: JSON.stringify({ KeyId: keyId, Plaintext: 'aGVsbG8=', EncryptionContext: context }),
    });
  const time = async (keyId: string) => {
    const ms: number[] = [];
    let status = 0;
    for (let r = 0; r < runs; r++) {
      const q = request(keyId);
      const t = cpuMs();
      const res = await sim.fetch(q);
      ms.push(cpuMs() - t);
      status = res.status;
      await res.text();
    }
    ms.sort((a, b) => a - b);
    return { ms: ms[ms.length >> 1], status };
  };
  const worst = await make(policyText);
  const plain = await make(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Encrypt', Resource: '*' }] }));
  await time(plain);
  const baseline = await time(plain);
  const w = await time(worst);
  return { ms: w.ms, baselineMs: baseline.ms, status: w.status };
}

export async function printWorstCase(log: (line: string) => void = console.log): Promise<WorstCase[]> {
  const all = worstCasePolicies();
  const worst = all.reduce((a, b) => (b.ms > a.ms ? b : a));
  const coldest = all.reduce((a, b) => (b.coldMs > a.coldMs ? b : a));
  log(
    `worst-case policy: ${worst.ms.toFixed(1)} ms (CPU, median) for one evaluation of a ${worst.policyChars.toLocaleString('en-US')}-character key policy: ${worst.name}; ` +
      `${worst.steps.toLocaleString('en-US')} matching steps${worst.exhausted ? `, stopped by the budget of ${POLICY_STEP_BUDGET.toLocaleString('en-US')} (fails closed)` : ''}; ` +
      `the slowest first (cold) evaluation ${coldest.coldMs.toFixed(1)} ms (${coldest.name.split(',')[0]}); the slowest parse ${Math.max(...all.map((c) => c.parseMs)).toFixed(1)} ms`,
  );
  for (const c of all) {
    log(
      `  ${c.ms.toFixed(1)} ms (first ${c.coldMs.toFixed(1)} ms), ${c.steps.toLocaleString('en-US')} steps${c.exhausted ? ' (budget reached)' : ''}, parsed in ${c.parseMs.toFixed(1)} ms: ${c.name}`,
    );
  }
  // through sim.fetch: the worst single-value case and the many-keys case
  const all7 = cases();
  const single = all.filter((c) => !c.name.includes('keys')).reduce((a, b) => (b.ms > a.ms ? b : a));
  for (const name of [single.name, all.find((c) => c.name.includes('keys'))!.name]) {
    const source = all7.find((c) => c.name === name)!;
    const context: Record<string, string> = {};
    const prefix = 'kms:EncryptionContext:';
    for (const k of Object.keys(source.conditions)) if (k.startsWith(prefix)) context[k.slice(prefix.length)] = source.conditions[k] as string;
    const f = await worstCaseFetch(source.policy, context);
    log(
      `worst-case policy through sim.fetch: Encrypt ${f.ms.toFixed(1)} ms (CPU, median; status ${f.status}); the same request under a one-statement policy ${f.baselineMs.toFixed(1)} ms ` +
        `(the policy's share ${(f.ms - f.baselineMs).toFixed(1)} ms): ${name}`,
    );
  }
  return all;
}
