/**
 * How long a grant change takes to reach each simulated KMS host.
 *
 * AWS: "It might take up to five minutes for a new grant to become available throughout
 * AWS KMS ... the grant might not be effective immediately", it is "typically ... within
 * seconds", and "after you retire or revoke a grant ... the grantee principal might still be
 * able to use its permissions for a brief period" (KMS API Reference, CreateGrant; Developer
 * Guide, "Eventual consistency" in grants.html). A grant token lets the grantee use the grant
 * at once, before it is consistent (Developer Guide, using-grant-token.html).
 *
 * The default therefore draws most delays in the first seconds and a tail out to five
 * minutes. Every draw comes from the world's seeded generator.
 */
import type { PropagationOptions } from './api';
import type { Rng } from './rng';

export const DEFAULT_PROPAGATION: Required<PropagationOptions> = {
  minMs: 500,
  maxMs: 300_000,
  distribution: 'realistic',
};

/** the share of changes that land within the first seconds under 'realistic' */
const FAST_SHARE = 0.9;
const FAST_SPAN_MS = 8_000;

export function drawDelay(rng: Rng, p: Required<PropagationOptions>): number {
  const span = p.maxMs - p.minMs;
  if (span <= 0) return p.minMs;
  const u = rng.float();
  if (p.distribution === 'uniform') return Math.round(p.minMs + u * span);
  const knee = p.minMs + Math.min(FAST_SPAN_MS, span);
  const v = rng.float();
  if (u < FAST_SHARE || knee >= p.maxMs) return Math.round(p.minMs + (knee - p.minMs) * v * v);
  return Math.round(knee + (p.maxMs - knee) * v * v * v);
}

/** arrival time of one change at each host; `notBefore` keeps a removal after the creation */
export function drawArrivals(rng: Rng, now: number, hosts: number, p: Required<PropagationOptions>, notBefore?: readonly number[]): number[] {
  const out = new Array<number>(hosts);
  for (let h = 0; h < hosts; h++) {
    const t = now + drawDelay(rng, p);
    out[h] = notBefore && notBefore[h] > t ? notBefore[h] : t;
  }
  return out;
}

export function normalizePropagation(p: PropagationOptions | undefined): Required<PropagationOptions> {
  if (!p) return DEFAULT_PROPAGATION;
  const minMs = Math.max(0, Math.floor(p.minMs));
  const maxMs = Math.max(minMs, Math.floor(p.maxMs));
  return { minMs, maxMs, distribution: p.distribution ?? 'uniform' };
}
