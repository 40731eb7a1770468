/** The pure time-travel helpers: kept future, stops, clamping, warnings, policy bodies. */
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/kms/api';
import { EventIndex, type TimelineItem } from '../../src/ui/eventIndex';
import { clampTravel, earliest, forkWarning, keptFuture, nextLoggedRequestAt, previousStop, prettyPolicy, putKeyPolicyBody, travelAnnouncement } from '../../src/ui/timeline/travel';

const START = 1_000_000;
const req = (at: number): LogEntry => ({ kind: 'request', at, method: 'POST', url: 'https://kms/', headers: [], body: '{}' });
const clock = (to: number): LogEntry => ({ kind: 'clock', at: to, to });
const item = (i: number, at: number, lane = 0): TimelineItem => ({ i, ev: i, at, lane, kind: 'allowed' });

describe('keptFuture', () => {
  const h = [{ sentAt: 0 }, { sentAt: 10 }, { sentAt: 10 }, { sentAt: 20 }, { sentAt: 30 }];
  it('is what was sent strictly after now (an input at exactly now has happened)', () => {
    expect(keptFuture(h, 10)).toEqual([{ sentAt: 20 }, { sentAt: 30 }]);
    expect(keptFuture(h, 9)).toHaveLength(4);
    expect(keptFuture(h, 30)).toEqual([]);
    expect(keptFuture(h, -1)).toHaveLength(5);
    expect(keptFuture([], 5)).toEqual([]);
  });
});

describe('nextLoggedRequestAt', () => {
  const log = [req(0), clock(5), req(5), clock(8), req(12), clock(20)];
  it('skips clock moves and inputs at or before now', () => {
    expect(nextLoggedRequestAt(log, 0)).toBe(5);
    expect(nextLoggedRequestAt(log, 5)).toBe(12);
    expect(nextLoggedRequestAt(log, 12)).toBeUndefined();
    expect(nextLoggedRequestAt(log, -1)).toBe(0);
    expect(nextLoggedRequestAt([], 0)).toBeUndefined();
  });
  it('agrees with a linear scan on random logs', () => {
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 200; n++) {
      const entries: LogEntry[] = [];
      let t = 0;
      for (let i = 0; i < 1 + Math.floor(rnd() * 20); i++) {
        t += Math.floor(rnd() * 3);
        entries.push(rnd() < 0.5 ? req(t) : clock(t));
      }
      const now = Math.floor(rnd() * (t + 2)) - 1;
      const want = entries.find((e) => e.kind === 'request' && e.at > now)?.at;
      expect(nextLoggedRequestAt(entries, now)).toBe(want);
    }
  });
});

describe('previousStop', () => {
  it('is the latest event strictly before now across lanes, else the start', () => {
    const lanes = [[item(0, START), item(3, START + 50)], [item(1, START + 20), item(2, START + 70)], []];
    expect(previousStop(lanes, START + 100, START)).toBe(START + 70);
    expect(previousStop(lanes, START + 70, START)).toBe(START + 50);
    expect(previousStop(lanes, START + 50, START)).toBe(START + 20);
    expect(previousStop(lanes, START + 20, START)).toBe(START);
    expect(previousStop(lanes, START, START)).toBeUndefined();
  });
  it('works on a real index', () => {
    const idx = new EventIndex(1);
    idx.sync([
      { type: '@kms.key.changed', at: START + 5, seq: 0, keyArn: 'k', keyState: 'Enabled', change: 'create' } as never,
      { type: '@kms.key.changed', at: START + 9, seq: 1, keyArn: 'k', keyState: 'Disabled', change: 'disable' } as never,
    ]);
    expect(previousStop(idx.lanes, START + 9, START)).toBe(START + 5);
  });
});

describe('small helpers', () => {
  it('clamps travel targets to the start and whole ms', () => {
    expect(clampTravel(START - 5, START)).toBe(START);
    expect(clampTravel(START + 10.6, START)).toBe(START + 11);
    expect(clampTravel(Number.NaN, START)).toBe(START);
  });
  it('earliest ignores missing times', () => {
    expect(earliest(undefined, undefined)).toBeUndefined();
    expect(earliest(3, undefined)).toBe(3);
    expect(earliest(undefined, 4)).toBe(4);
    expect(earliest(5, 4)).toBe(4);
  });
  it('warns before a fork with the count and the kept span', () => {
    expect(forkWarning(2, START + 3000, START + 12_000, START)).toMatch(/^Sending now replaces 2 later requests \(the kept future, .*3\.000 to .*12\.000\)\.$/);
    expect(forkWarning(1, START, START + 1000, START)).toMatch(/^Sending now replaces 1 later request \(/);
    expect(forkWarning(0, START, START + 1000, START)).toMatch(/^You are back at .*Sending now replaces the kept future/);
  });
  it('announces where time travel went', () => {
    expect(travelAnnouncement({ from: START + 10_000, to: START + 2000, horizon: START + 10_000, start: START, kept: 3 })).toMatch(/^Went back to .*2\.000; 3 later requests kept\./);
    expect(travelAnnouncement({ from: START + 2000, to: START + 10_000, horizon: START + 10_000, start: START, kept: 0 })).toMatch(/^Back at the present/);
    expect(travelAnnouncement({ from: START + 2000, to: START + 5000, horizon: START + 10_000, start: START, kept: 1 })).toMatch(/^Moved forward to .*1 later request kept/);
  });
  it('builds a PutKeyPolicy body whose Policy is the same policy, on one line', () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Principal: { AWS: 'x' }, Action: 'kms:*', Resource: '*' }] }, null, 2);
    const body = JSON.parse(putKeyPolicyBody('k-1', policy));
    expect(body).toMatchObject({ KeyId: 'k-1', PolicyName: 'default' });
    expect(body.Policy).not.toContain('\n');
    expect(JSON.parse(body.Policy)).toEqual(JSON.parse(policy));
    // text that is not JSON is kept as it is (the API will say what is wrong with it)
    expect(JSON.parse(putKeyPolicyBody('k', 'not json')).Policy).toBe('not json');
  });
  it('pretty-prints policies given as text or objects', () => {
    expect(prettyPolicy('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyPolicy({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(prettyPolicy('oops')).toBe('oops');
    expect(prettyPolicy(undefined)).toBe('');
  });
});
