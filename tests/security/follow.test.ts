/**
 * The presenter/audience channel checks what it receives: only messages that carry the
 * presentation's key and have exactly the protocol's shape reach the audience; forged ones (no
 * key, a wrong key, another channel) and malformed ones (anything a replay or adopt() would throw
 * on) are dropped without an exception.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL_PREFIX, isKey, keyFromHash, newPresentation, openFollowChannel, presentationUrl, type FollowChannel, type FollowMessage } from '../../src/ui/follow/channel';
import { parseFollowMessage, parseLogEntry, PROTOCOL, refusal } from '../../src/ui/follow/schema';

const KEY = 'AAAAAAAAAAAAAAAAAAAAAA';
const request = {
  kind: 'request',
  at: 1_767_225_600_000,
  method: 'POST',
  url: 'https://kms.us-east-1.amazonaws.com/',
  headers: [
    ['content-type', 'application/x-amz-json-1.1'],
    ['x-amz-target', 'TrentService.CreateKey'],
  ],
  body: '{}',
};
const workspace = {
  v: PROTOCOL,
  key: KEY,
  type: 'workspace',
  workspace: { id: 'ws1', name: 'Demo', options: { seed: 1, accountId: '111122223333', hosts: 3, propagation: { minMs: 0, maxMs: 10 } } },
  log: { from: 0, entries: [request, { kind: 'clock', at: 1_767_225_600_000, to: 1_767_225_601_000 }] },
  now: 1_767_225_601_000,
};
const lesson = {
  v: PROTOCOL,
  key: KEY,
  type: 'lesson',
  progress: { lesson: 'grants-101', step: 2, checks: [[1, { ok: false, failures: ['it failed'], entry: 1 }]], done: [0] },
  log: { from: 0, entries: [request] },
  now: 1_767_225_600_000,
};

/** a copy of `base` with `path` set to `value` (undefined deletes it) */
function altered(base: object, path: string, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split('.');
  let o = copy as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === undefined) delete o[last];
  else o[last] = value;
  return copy;
}

describe('parseFollowMessage', () => {
  it('accepts the protocol’s messages with the key', () => {
    expect(parseFollowMessage(workspace, KEY)).toMatchObject({ type: 'workspace', workspace: { id: 'ws1' } });
    expect(parseFollowMessage(lesson, KEY)).toMatchObject({ type: 'lesson', progress: { step: 2 } });
    expect(parseFollowMessage({ v: PROTOCOL, key: KEY, type: 'hello' }, KEY)).toEqual({ type: 'hello' });
  });

  it('drops a message without the key, with another key, or of another protocol version', () => {
    expect(parseFollowMessage(altered(workspace, 'key', undefined), KEY)).toBeUndefined();
    expect(parseFollowMessage(altered(workspace, 'key', 'BBBBBBBBBBBBBBBBBBBBBB'), KEY)).toBeUndefined();
    expect(parseFollowMessage(altered(workspace, 'key', ''), '')).toBeUndefined();
    expect(parseFollowMessage(altered(workspace, 'v', 1), KEY)).toBeUndefined();
    // the previous protocol's shape (a whole snapshot, no key)
    expect(parseFollowMessage({ type: 'workspace', snapshot: { id: 'x', name: 'x', options: {}, log: [] }, now: 0 }, KEY)).toBeUndefined();
  });

  const malformed: [string, unknown][] = [
    ['null', null],
    ['a string', 'workspace'],
    ['an array', [workspace]],
    ['an unknown type', altered(workspace, 'type', 'state')],
    ['no workspace', altered(workspace, 'workspace', undefined)],
    ['a workspace without id', altered(workspace, 'workspace.id', undefined)],
    ['options that are not an object', altered(workspace, 'workspace.options', 'x')],
    ['a seed that is not a number', altered(workspace, 'workspace.options.seed', '1')],
    ['zero hosts', altered(workspace, 'workspace.options.hosts', 0)],
    ['propagation maxMs below minMs', altered(workspace, 'workspace.options.propagation', { minMs: 10, maxMs: 1 })],
    ['principals that are not a list', altered(workspace, 'workspace.options.principals', {})],
    ['no log', altered(workspace, 'log', undefined)],
    ['a log that is a list', altered(workspace, 'log', [])],
    ['a negative from', altered(workspace, 'log.from', -1)],
    ['a fractional from', altered(workspace, 'log.from', 0.5)],
    ['entries that are not a list', altered(workspace, 'log.entries', { 0: request })],
    ['a null entry', altered(workspace, 'log.entries', [null])],
    ['an entry of another kind', altered(workspace, 'log.entries', [{ ...request, kind: 'seek' }])],
    ['a NaN time', altered(workspace, 'log.entries', [{ ...request, at: Number.NaN }])],
    ['a time Date cannot show', altered(workspace, 'log.entries', [{ kind: 'clock', at: 0, to: 1e300 }])],
    ['a URL new Request rejects', altered(workspace, 'log.entries', [{ ...request, url: 'not a url' }])],
    ['a javascript: URL', altered(workspace, 'log.entries', [{ ...request, url: 'javascript:alert(1)' }])],
    ['a method new Request rejects', altered(workspace, 'log.entries', [{ ...request, method: 'CONNECT' }])],
    ['a method with a space', altered(workspace, 'log.entries', [{ ...request, method: 'PO ST' }])],
    ['headers that are an object', altered(workspace, 'log.entries', [{ ...request, headers: { a: 'b' } }])],
    ['a header name new Headers rejects', altered(workspace, 'log.entries', [{ ...request, headers: [['bad name', 'x']] }])],
    ['a header value with a newline', altered(workspace, 'log.entries', [{ ...request, headers: [['x-a', 'a\r\nb']] }])],
    ['a body that is not text', altered(workspace, 'log.entries', [{ ...request, body: { a: 1 } }])],
    ['no now', altered(workspace, 'now', undefined)],
    ['a lesson without progress', altered(lesson, 'progress', undefined)],
    ['a step that is not a number', altered(lesson, 'progress.step', '2')],
    ['a negative step', altered(lesson, 'progress.step', -1)],
    ['checks that are not pairs', altered(lesson, 'progress.checks', [[1]])],
    ['a check without failures', altered(lesson, 'progress.checks', [[1, { ok: true, entry: 1 }]])],
    ['a check whose failures are not text', altered(lesson, 'progress.checks', [[1, { ok: false, failures: [{}], entry: 1 }]])],
    ['done that is not a list of indexes', altered(lesson, 'progress.done', ['0'])],
  ];
  it.each(malformed)('drops %s without throwing', (_what, message) => {
    expect(() => parseFollowMessage(message, KEY)).not.toThrow();
    expect(parseFollowMessage(message, KEY)).toBeUndefined();
  });

  it('says why a message with the key was refused, and nothing about one without it', () => {
    expect(refusal(workspace, KEY)).toBeUndefined();
    expect(refusal(altered(workspace, 'v', 3), KEY)).toBe('version');
    expect(refusal(altered(workspace, 'now', 'soon'), KEY)).toBe('shape');
    expect(refusal(altered(workspace, 'key', 'B'.repeat(22)), KEY)).toBeUndefined();
    expect(refusal(null, KEY)).toBeUndefined();
  });

  it('a parsed message is a fresh value: fields the schema does not know are not carried', () => {
    const extra = altered(workspace, 'workspace.options.store', { evil: true }) as typeof workspace;
    (extra.log.entries[0] as Record<string, unknown>).extra = 'x';
    const m = parseFollowMessage(extra, KEY) as Extract<FollowMessage, { type: 'workspace' }>;
    expect(m).toBeDefined();
    expect('store' in m.workspace.options).toBe(false);
    expect('extra' in m.log.entries[0]).toBe(false);
  });

  it('every log entry it accepts makes a Request', () => {
    const entry = parseLogEntry(request);
    expect(entry?.kind).toBe('request');
    if (entry?.kind !== 'request') return;
    expect(() => new Request(entry.url, { method: entry.method, headers: entry.headers, body: entry.body })).not.toThrow();
  });
});

describe('the presentation key', () => {
  it('is 128 random bits in the fragment of the audience URL, never in its query', () => {
    const p = newPresentation();
    expect(isKey(p.key)).toBe(true);
    expect(newPresentation().key).not.toBe(p.key);
    const url = new URL(presentationUrl('https://example.test/app/lesson.html?lesson=x', 'follow', p));
    expect(url.searchParams.get('follow')).toBe(p.id);
    expect(url.search).not.toContain(p.key);
    expect(keyFromHash(url.hash)).toBe(p.key);
    expect(keyFromHash('#key=short')).toBeUndefined();
    expect(keyFromHash('')).toBeUndefined();
  });
});

describe('openFollowChannel', () => {
  const open: (FollowChannel | BroadcastChannel)[] = [];
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });

  it('hears the presenter, and nothing a page without the key posts', async () => {
    const p = newPresentation();
    const heard: FollowMessage[] = [];
    const refused: string[] = [];
    const audience = openFollowChannel(p, (m) => heard.push(m), (why) => refused.push(why))!;
    const presenter = openFollowChannel(p, () => undefined)!;
    open.push(audience, presenter);
    // a same-origin page that knows the channel id (but not the key) posts on the names it can guess
    const forged = { ...workspace, key: undefined };
    for (const name of [`${CHANNEL_PREFIX}${p.id}`, `${CHANNEL_PREFIX}${p.id}:`, `${CHANNEL_PREFIX}${p.id}:${KEY}`]) {
      const attacker = new BroadcastChannel(name);
      open.push(attacker);
      attacker.postMessage(forged);
      attacker.postMessage({ ...workspace, key: KEY });
      attacker.postMessage({ type: 'workspace', snapshot: { id: 'x', name: 'x', options: {}, log: [] }, now: 0 });
    }
    // on the right channel (say it leaked): a wrong key, and malformed messages with the right key
    const inside = new BroadcastChannel(`${CHANNEL_PREFIX}${p.id}:${p.key}`);
    open.push(inside);
    inside.postMessage({ ...workspace, key: KEY });
    inside.postMessage(null);
    inside.postMessage({ ...workspace, key: p.key, workspace: { id: 'x', name: 'x', options: null } });
    inside.postMessage({ ...workspace, key: p.key, log: { from: 0, entries: [{ ...request, url: '::' }] } });
    inside.postMessage({ v: PROTOCOL, key: p.key, type: 'lesson', progress: { lesson: 'x', step: 'x' }, log: { from: 0, entries: [] }, now: 0 });
    // then the presenter
    presenter.post({ type: 'workspace', workspace: workspace.workspace, log: { from: 0, entries: [] }, now: 5 });
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual([{ type: 'workspace', workspace: workspace.workspace, log: { from: 0, entries: [] }, now: 5 }]);
    // the three malformed messages with the right key were refused as such; nothing else was
    expect(refused).toEqual(['shape', 'shape', 'shape']);
  });
});
