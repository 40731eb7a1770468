/**
 * The simulator settings an audience accepts in a presented workspace, checked before any of
 * them reach createSimulator.
 */
import type { PrincipalConfig, SimulatorOptions } from '../../kms/api';

export type OptionsCheck = { ok: true; value: SimulatorOptions } | { ok: false; message: string };

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown, max = 2_048): x is string => typeof x === 'string' && x.length <= max;
const int = (x: unknown, min: number, max: number): x is number => Number.isSafeInteger(x) && (x as number) >= min && (x as number) <= max;

export function checkSimulatorOptions(x: unknown): OptionsCheck {
  const fail = (message: string): OptionsCheck => ({ ok: false, message });
  if (!isObj(x)) return fail('the settings are not an object');
  const out: SimulatorOptions = {};
  if (x.seed !== undefined) {
    if (!int(x.seed, 0, 2 ** 32 - 1)) return fail('seed');
    out.seed = x.seed;
  }
  if (x.region !== undefined) {
    if (!str(x.region, 64) || !/^[a-z0-9-]+$/.test(x.region)) return fail('region');
    out.region = x.region;
  }
  if (x.accountId !== undefined) {
    if (!str(x.accountId) || !/^\d{12}$/.test(x.accountId)) return fail('accountId');
    out.accountId = x.accountId;
  }
  if (x.startTime !== undefined) {
    if (!int(x.startTime, 0, 8.64e15)) return fail('startTime');
    out.startTime = x.startTime;
  }
  if (x.hosts !== undefined) {
    if (!int(x.hosts, 1, 16)) return fail('hosts');
    out.hosts = x.hosts;
  }
  if (x.propagation !== undefined) {
    const p = x.propagation;
    if (!isObj(p) || !int(p.minMs, 0, 86_400_000) || !int(p.maxMs, p.minMs as number, 86_400_000)) return fail('propagation');
    if (p.distribution !== undefined && p.distribution !== 'uniform' && p.distribution !== 'realistic') return fail('propagation.distribution');
    out.propagation = { minMs: p.minMs as number, maxMs: p.maxMs as number, ...(p.distribution ? { distribution: p.distribution } : {}) };
  }
  if (x.routing !== undefined) {
    const r = x.routing;
    if (r === 'random' || r === 'round-robin') out.routing = r;
    else if (isObj(r) && int(r.pinned, 0, (out.hosts ?? 3) - 1)) out.routing = { pinned: r.pinned as number };
    else return fail('routing');
  }
  if (x.principals !== undefined) {
    if (!Array.isArray(x.principals) || x.principals.length > 64) return fail('principals');
    const principals: PrincipalConfig[] = [];
    for (const p of x.principals) {
      if (!isObj(p) || !str(p.arn) || p.arn === '' || !str(p.accessKeyId, 128) || !/^[A-Z0-9]+$/.test(p.accessKeyId)) return fail('principals');
      const q: PrincipalConfig = { arn: p.arn, accessKeyId: p.accessKeyId };
      if (p.secretAccessKey !== undefined) {
        if (!str(p.secretAccessKey, 256)) return fail('principals');
        q.secretAccessKey = p.secretAccessKey;
      }
      if (p.policy !== undefined) {
        if (typeof p.policy === 'string' ? !str(p.policy, 65_536) : !isObj(p.policy)) return fail('principals');
        try {
          q.policy = typeof p.policy === 'string' ? p.policy : (JSON.parse(JSON.stringify(p.policy)) as object);
        } catch {
          return fail('principals');
        }
      }
      principals.push(q);
    }
    out.principals = principals;
  }
  return { ok: true, value: out };
}
