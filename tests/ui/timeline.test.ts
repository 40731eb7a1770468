/**
 * The timeline's layout: events that share a time (the virtual clock stands still while requests
 * are sent) are drawn side by side in the order they happened, each its own marker to hover or
 * select; the index tells which of them an event is. Drawn with a stub canvas context: `draw`
 * returns where each marker went.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';
import { EventIndex } from '../../src/ui/eventIndex';
import { dodge, dodgeStep, draw, layoutFor, markerRadius, xOf, type Hit, type Palette } from '../../src/ui/timeline/renderer';

const START = Date.UTC(2026, 0, 1, 12);
const ACCOUNT = '111122223333';
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const APP_KEY = 'AKIAAPPROLEEXAMPLE01';

/** a 2D context that draws nothing: `draw` only needs it to accept calls */
function stubContext(): CanvasRenderingContext2D {
  return new Proxy({} as Record<string | symbol, unknown>, {
    get: (target, name) => {
      if (name in target) return target[name];
      if (name === 'measureText') return () => ({ width: 10 });
      return () => undefined;
    },
    set: (target, name, value) => {
      target[name] = value;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
}

const PALETTE = Object.fromEntries(
  ['bg', 'fg', 'muted', 'grid', 'band', 'create', 'remove', 'allowed', 'denied', 'failed', 'key', 'cursor', 'focus'].map((k) => [k, '#000']),
) as unknown as Palette;

/**
 * "create a key, grant App, Encrypt as App, RetireGrant", all at host 0, without moving the clock
 * (propagation 0: each arrival shares the time too); a first Encrypt before the grant is denied
 */
async function sameInstant(propagation = { minMs: 0, maxMs: 0 }) {
  const sim = createSimulator({ seed: 3, accountId: ACCOUNT, startTime: START, propagation, hosts: 3, principals: [{ arn: APP, accessKeyId: APP_KEY }] });
  const kms = async (target: string, body: object, asApp = false) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}`, 'x-playground-host': '0' };
    if (asApp) headers['X-Amz-Date'] = '20260101T120000Z';
    if (asApp) headers.authorization = `AWS4-HMAC-SHA256 Credential=${APP_KEY}/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=0`;
    const res = await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers, body: JSON.stringify(body) }));
    return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, any> };
  };
  const key = await kms('CreateKey', {});
  const keyId: string = key.json.KeyMetadata.KeyId;
  const early = await kms('Encrypt', { KeyId: keyId, Plaintext: 'aGVsbG8=' }, true);
  const grant = await kms('CreateGrant', { KeyId: keyId, GranteePrincipal: APP, Operations: ['Encrypt'], RetiringPrincipal: APP });
  const encrypt = await kms('Encrypt', { KeyId: keyId, Plaintext: 'aGVsbG8=' }, true);
  const retire = await kms('RetireGrant', { KeyId: keyId, GrantId: grant.json.GrantId });
  return { sim, statuses: [key.status, early.status, grant.status, encrypt.status, retire.status], index: EventIndex.rebuild(3, sim.events) };
}

function render(index: EventIndex, span = 20_000, width = 1200, font = 14) {
  const l = layoutFor(width, 4, font);
  const v = { t0: START - span * 0.025, t1: START + span * 0.975 };
  const hits = draw(stubContext(), index, v, l, PALETTE, { now: START, start: START });
  const items = hits.filter((h): h is Extract<Hit, { type: 'item' }> => h.type === 'item');
  return { l, v, items };
}

describe('dodge', () => {
  it('sets markers at one time side by side, a step apart, in order, centred on that time', () => {
    const out: number[] = [];
    dodge([100, 100, 100, 300], 4, 14, out);
    expect(out).toEqual([86, 100, 114, 300]);
  });

  it('keeps a cluster whose time is in view right of the lanes’ left edge', () => {
    const out: number[] = [];
    dodge([50, 50, 50], 3, 14, out, 1000, 45);
    expect(out).toEqual([45, 59, 73]);
    // a time left of the edge (panned past) keeps its place: it is out of view
    const past: number[] = [];
    dodge([30, 30, 30], 3, 14, past, 1000, 45);
    expect(past).toEqual([16, 30, 44]);
  });

  it('never sets a cluster before the previous one’s last marker plus a step', () => {
    const out: number[] = [];
    // two instants 20 px apart, three events at the second: centred it would start at 6
    dodge([0, 20, 20, 20], 4, 14, out, 1000);
    expect(out).toEqual([0, 14, 28, 42]);
  });

  it('separates markers that would overlap though their times differ a little', () => {
    const out: number[] = [];
    dodge([100, 103, 200, 205, 209], 5, 14, out);
    expect(out).toEqual([94.5, 108.5, 190.5, 204.5, 218.5]);
  });

  it('never draws a run past the next run: crowded, its step shrinks to fit', () => {
    const out: number[] = [];
    dodge([100, 100, 100, 100, 120], 5, 14, out);
    expect(out).toEqual([100, 105, 110, 115, 120]);
    // crowded with several times: each time spreads up to the next one, none drifts past it
    const mixed: number[] = [];
    dodge([0, 12, 12, 12, 30], 5, 13, mixed);
    expect(mixed).toEqual([0, 12, 18, 24, 30]);
  });

  it('keeps order, and every marker near its time, with 10,000 crowded markers', () => {
    const n = 10_000;
    const xs = Float64Array.from({ length: n }, (_, k) => 100 + Math.floor(k / 20) * 0.12); // 20 a time, 0.12 px apart
    const out = new Float64Array(n);
    dodge(xs, n, 14, out, 1000);
    let ordered = true;
    let drift = 0;
    for (let k = 1; k < n; k++) if (!(out[k] > out[k - 1])) ordered = false;
    for (let k = 0; k < n - 20; k++) drift = Math.max(drift, out[k] - xs[k]);
    expect(ordered).toBe(true);
    expect(out[0]).toBe(100);
    // each marker stays before the next time's (0.12 px later): no drift along the lane
    expect(drift).toBeLessThan(0.12);
    // the last time's 20 get the room the others have (not all of it up to the end)
    expect(out[n - 1] - xs[n - 1]).toBeLessThan(0.12);
  });
});

describe('the timeline draws every event of one instant', () => {
  it('key, denied Encrypt, grant, Encrypt, RetireGrant and arrivals at one time: each its own marker, left to right in order', async () => {
    const { statuses, index } = await sameInstant();
    expect(statuses).toEqual([200, 400, 200, 200, 200]);
    expect(new Set(index.items.map((i) => i.at))).toEqual(new Set([START]));
    const { l, v, items } = render(index);
    const step = dodgeStep(l);
    for (let lane = 0; lane < 4; lane++) {
      const drawn = items.filter((h) => h.item.lane === lane);
      // every event of the lane is drawn: none hides another
      expect(drawn.map((h) => h.item.i)).toEqual(index.lanes[lane].map((it) => it.i));
      // a step apart in the order they happened, centred on their time
      // (not left of the lanes' edge: the instant is at the view's start)
      const first = Math.max(xOf(START, v, l) - ((drawn.length - 1) * step) / 2, l.gutter + markerRadius(l) + 2);
      drawn.forEach((h, k) => expect(h.x).toBe(Math.round(first + k * step)));
    }
    // host 0: every request, the grant's arrival and the retirement's, in the order they happened
    const host0 = items.filter((h) => h.item.lane === 1).map((h) => h.item.kind);
    expect(host0).toEqual(['allowed', 'denied', 'arrive-create', 'allowed', 'allowed', 'arrive-retire', 'allowed']);
    // and the index says which of the instant's events each is
    const denied = index.lanes[1].find((it) => it.kind === 'denied')!;
    expect(index.locate(denied)).toEqual({ pos: index.lanes[1].indexOf(denied), nth: index.lanes[1].indexOf(denied), of: index.lanes[1].length });
  });

  it('draws the change lines to where each arrival is drawn', async () => {
    const { index } = await sameInstant();
    const create = index.changes.find((c) => c.change === 'create')!;
    expect(create.item?.kind).toBe('grant-create');
    expect(create.arrivedItems.map((it) => it?.kind)).toEqual(['arrive-create', 'arrive-create', 'arrive-create']);
    expect(create.arrivedItems.map((it) => it?.lane)).toEqual([1, 2, 3]);
  });

  it('sets an arrival still on its way beside a request it would cover', () => {
    const index = new EventIndex(3);
    const change = { type: '@kms.grant.changed', at: START, change: 'create', grantId: 'g1', keyArn: 'k', grantee: APP, operations: ['Encrypt'], by: 'root', arrivals: [START + 40, START + 5000, START + 6000] };
    index.sync([change, { type: '@kms.request', at: START + 20, host: 0, status: 200, requestId: 'r1' }] as never);
    const l = layoutFor(1200, 4, 14);
    const v = { t0: START - 500, t1: START + 19_500 };
    const hits = draw(stubContext(), index, v, l, PALETTE, { now: START + 20, start: START });
    const request = hits.find((h) => h.type === 'item' && h.item.lane === 1)!;
    const arrival = hits.find((h) => h.type === 'pending' && h.host === 0)!;
    expect(Math.abs(xOf(START + 40, v, l) - xOf(START + 20, v, l))).toBeLessThan(dodgeStep(l));
    expect(arrival.x - request.x).toBeGreaterThanOrEqual(dodgeStep(l) - 1);
  });

  it('keeps a lane of 10,000 same-time events in order, each within the view', () => {
    // 10,000 requests at one instant at host 0: a synthetic index
    const index = new EventIndex(3);
    const events = Array.from({ length: 10_000 }, (_, k) => ({ type: '@kms.request', at: START + Math.floor(k / 20) * 10, host: 0, status: 200, requestId: `r${k}` }));
    index.sync(events as never);
    const { items } = render(index, 600_000);
    const xs = items.filter((h) => h.item.lane === 1).map((h) => h.x);
    expect(xs.length).toBeGreaterThan(0);
    for (let k = 1; k < xs.length; k++) expect(xs[k]).toBeGreaterThan(xs[k - 1]);
    expect(xs[xs.length - 1]).toBeLessThanOrEqual(1200);
  });
});
