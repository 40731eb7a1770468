/**
 * Plain-language explanations of simulator events: one sentence for the table and the live region,
 * a few lines for the timeline's hover/focus card. All output is plain text (rendered as text).
 */
import type { Decision, SimEvent } from '../kms/events';
import type { EventIndex, ItemKind } from './eventIndex';
import { formatDuration, formatRelative } from './format';
import { shortGrantId, shortKeyId, shortPrincipal } from './wire';

export interface DescribeContext {
  start: number;
  index: EventIndex;
}

const CHANGE_VERB = { create: 'created', retire: 'retired', revoke: 'revoked' } as const;

export function laneName(lane: number): string {
  return lane === 0 ? 'Changes' : `Host ${lane - 1}`;
}

export function kindLabel(kind: ItemKind): string {
  switch (kind) {
    case 'grant-create':
      return 'Grant created';
    case 'grant-retire':
      return 'Grant retired';
    case 'grant-revoke':
      return 'Grant revoked';
    case 'arrive-create':
      return 'Grant arrived';
    case 'arrive-retire':
    case 'arrive-revoke':
      return 'Removal arrived';
    case 'allowed':
      return 'Allowed';
    case 'denied':
      return 'Denied';
    case 'failed':
      return 'Error';
    case 'key':
      return 'Key changed';
  }
}

export function viaText(d: Decision): string {
  const v = d.via;
  switch (v.kind) {
    case 'key-policy':
      return `key policy statement ${v.statement}${v.sid ? ` (${v.sid})` : ''}`;
    case 'identity-policy':
      return `identity policy statement ${v.statement}${v.sid ? ` (${v.sid})` : ''}`;
    case 'grant':
      return `grant ${shortGrantId(v.grantId)}`;
    case 'grant-token':
      return `grant token for grant ${shortGrantId(v.grantId)} (no need to wait for propagation)`;
    case 'retiring-principal':
      return `retiring principal of grant ${shortGrantId(v.grantId)}`;
    case 'issuing-account':
      return `issuing account of grant ${shortGrantId(v.grantId)}`;
    case 'explicit-deny':
      return `explicit Deny in the ${v.policy === 'key-policy' ? 'key policy' : 'identity policy'}, statement ${v.statement}${v.sid ? ` (${v.sid})` : ''}`;
    case 'none':
      return 'nothing allowed it';
    case 'not-required':
      return 'no authorization needed';
  }
}

/** One line: what happened. */
export function summarize(e: SimEvent, ctx: DescribeContext): string {
  switch (e.type) {
    case '@kms.request': {
      const outcome = e.decision
        ? e.decision.allowed
          ? e.status < 400
            ? e.decision.via.kind === 'grant-token'
              ? 'allowed by a grant token'
              : 'allowed'
            : `allowed, then failed (${e.errorType ?? e.status})`
          : `denied (${e.errorType ?? e.status})`
        : e.status < 400
          ? 'succeeded'
          : `failed (${e.errorType ?? e.status})`;
      return `${e.operation} by ${shortPrincipal(e.caller)} at host ${e.host}: ${outcome}`;
    }
    case '@kms.grant.changed': {
      const last = Math.max(...e.arrivals);
      return (
        `Grant ${shortGrantId(e.grantId)} ${CHANGE_VERB[e.change]} by ${shortPrincipal(e.by)} ` +
        `(${e.operations.join(', ')} for ${shortPrincipal(e.grantee)}); reaches all ${e.arrivals.length} hosts within ${formatDuration(last - e.at)}`
      );
    }
    case '@kms.grant.arrived': {
      const track = ctx.index.grants.get(e.grantId);
      const change = e.change === 'create' ? track?.create : track?.removal;
      const reached = change ? change.arrived.filter(Boolean).length : undefined;
      const of = reached !== undefined && change ? ` (${reached} of ${change.arrived.length} hosts)` : '';
      return e.change === 'create'
        ? `Grant ${shortGrantId(e.grantId)} reached host ${e.host}${of}`
        : `${e.change === 'retire' ? 'Retirement' : 'Revocation'} of grant ${shortGrantId(e.grantId)} reached host ${e.host}${of}`;
    }
    case '@kms.key.changed':
      return `Key ${shortKeyId(e.keyArn)}: ${e.change.replace('-', ' ')} (now ${e.keyState})`;
    case '@kms.clock':
      return `Clock moved from ${formatRelative(e.from - ctx.start)} to ${formatRelative(e.at - ctx.start)}`;
  }
}

/** Several lines for the hover/focus card: what happened, why it matters, when. */
export function explain(e: SimEvent, ctx: DescribeContext): string[] {
  const when = `At ${formatRelative(e.at - ctx.start)} (virtual time).`;
  switch (e.type) {
    case '@kms.request': {
      const lines = [summarize(e, ctx) + '.', when];
      if (e.decision) {
        lines.push(e.decision.summary);
        lines.push(`Via: ${viaText(e.decision)}.`);
        for (const n of e.decision.notes.slice(0, 4)) lines.push(`• ${n}`);
      }
      return lines;
    }
    case '@kms.grant.changed': {
      const lines = [summarize(e, ctx) + '.', when, `Key ${e.keyArn}.`];
      e.arrivals.forEach((t, h) =>
        lines.push(`Host ${h}: ${t <= e.at ? 'immediately' : `after ${formatDuration(t - e.at)}`} (${formatRelative(t - ctx.start)}).`),
      );
      lines.push(
        e.change === 'create'
          ? 'Until a host has it, requests that host serves cannot use the grant, unless they pass the grant token.'
          : 'Until a host hears of it, that host still honours the grant.',
      );
      return lines;
    }
    case '@kms.grant.arrived': {
      const track = ctx.index.grants.get(e.grantId);
      const change = e.change === 'create' ? track?.create : track?.removal;
      const lines = [summarize(e, ctx) + '.', when];
      if (change) lines.push(`${formatDuration(e.at - change.at)} after the change was made.`);
      if (track) {
        lines.push(
          e.change === 'create'
            ? `From now on host ${e.host} lets ${shortPrincipal(track.grantee)} use ${track.operations.join(', ')} with this grant.`
            : `From now on host ${e.host} no longer honours this grant.`,
        );
      }
      return lines;
    }
    case '@kms.key.changed':
      return [summarize(e, ctx) + '.', when, `Key ${e.keyArn}.`];
    case '@kms.clock':
      return [summarize(e, ctx) + '.'];
  }
}
