/**
 * The lesson player without a browser: every built-in lesson played through a Session as the
 * page plays it (references resolved, unsigned editor requests, checks), a wrong attempt failing
 * in plain English, progress snapshots replaying to the same responses, and the pure helpers.
 */
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/kms/api';
import { LESSONS } from '../../src/scenario/lessons/index';
import { LessonPlayer, parseSnapshot } from '../../src/ui/lessons/LessonPlayer.svelte';
import { createScenarioSession } from '../../src/ui/lessons/session';
import { simulatorOptions } from '../../src/ui/lessons/source';
import { callerLabel, clockAction, describeExpectation, expectationParts, failureText, narrative, stepTitle, type LessonInfo } from '../../src/ui/lessons/model';
import { checkExpectation } from '../../src/scenario/expect';
import { editorRequest, isPrefix, replayInputs } from '../../src/ui/follow/inputs';
import { readableReferences, referenceParts, stepCardText } from '../../src/ui/lessons/references';

async function open(lesson: LessonInfo) {
  const { session, ready } = createScenarioSession(simulatorOptions(lesson.scenario));
  await ready;
  return new LessonPlayer(lesson, session);
}

/** plays every step as "Run this step" / the clock buttons / Next do */
async function walk(player: LessonPlayer) {
  for (let i = 0; i < player.total; i++) {
    player.goTo(i);
    const step = player.step!;
    if (step.kind === 'request') await player.run();
    else if (step.kind === 'advance' || step.kind === 'settle') player.moveClock();
    else player.markRead();
  }
}

describe('every built-in lesson, played through the lesson player', () => {
  it('has the twelve lessons the README lists', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(12);
  });

  for (const lesson of LESSONS) {
    it(`${lesson.id}: every check passes`, async () => {
      const player = await open(lesson);
      await walk(player);
      const failed = player.steps.flatMap((s, i) => (s.kind === 'request' && !player.check(i)?.ok ? [`step ${i + 1} ${stepTitle(s, i)}: ${player.check(i)?.failures.join('; ')}`] : []));
      expect(failed).toEqual([]);
      expect(player.finished).toBe(true);
      expect(player.completed).toBe(player.total);
      player.session.dispose();
    });
  }
});

describe('a learner off the script', () => {
  const lesson = LESSONS[0];
  const firstRequest = lesson.scenario.steps.findIndex((s) => s.kind === 'request');

  it('a wrong request of the step operation fails its check with reasons; another operation leaves it alone', async () => {
    const player = await open(lesson);
    player.goTo(firstRequest);
    const s = player.session;
    s.body = '{ not json';
    await s.send();
    player.observe();
    const check = player.check(firstRequest)!;
    expect(check.ok).toBe(false);
    expect(check.failures.length).toBeGreaterThan(0);
    expect(check.failures.every((f) => /^(Expected: |this step)/.test(f))).toBe(true);

    await player.run();
    expect(player.check(firstRequest)?.ok).toBe(true);
    const entry = player.check(firstRequest)!.entry;
    s.setTarget(s.target === 'ListKeys' ? 'ListAliases' : 'ListKeys');
    s.body = '{}';
    await s.send();
    player.observe();
    expect(player.check(firstRequest)?.entry).toBe(entry);
    s.dispose();
  });

  it('a step sent as the wrong caller fails and says who should send it', async () => {
    const index = lesson.scenario.steps.findIndex((st) => st.kind === 'request' && st.caller !== undefined);
    const player = await open(lesson);
    for (let i = 0; i < index; i++) {
      player.goTo(i);
      if (player.step?.kind === 'request') await player.run();
    }
    player.goTo(index);
    player.session.callerArn = player.session.rootArn;
    await player.session.send();
    player.observe();
    expect(player.check(index)?.failures).toContain(
      `this step is sent as ${callerLabel((lesson.scenario.steps[index] as { caller: string }).caller)}, but it was sent as the account root`,
    );
    player.session.dispose();
  });

  it('a step whose references are missing says which earlier step to run', async () => {
    const index = lesson.scenario.steps.findIndex((st) => st.kind === 'request' && JSON.stringify(st.body).includes('{{'));
    expect(index).toBeGreaterThan(0);
    const player = await open(lesson);
    player.goTo(index);
    expect(player.message).toMatch(/uses the response of step \d+ \(.+\), which has not succeeded yet/);
    player.session.dispose();
  });
});

describe('a failed check, as a learner reads it', () => {
  it('words each failure as "Expected: … Got: …", with the sentences the step card uses', () => {
    const body = { Grants: [{ Operations: ['Decrypt', 'Encrypt', 'GenerateDataKey'] }], Truncated: false };
    const r = checkExpectation({ status: 200, match: { 'Grants.0.Operations.length': 2, 'Grants.1.Name': 'app' } }, 200, body);
    const shown = r.failures.map((f, i) => failureText(r.details?.[i], f));
    expect(shown).toEqual(['Expected: the first grant has 2 operations. Got: 3.', 'Expected: the second grant’s Name is app. The response has no Grants.1.Name.']);
    const denied = { __type: 'AccessDeniedException', message: 'User: x is not authorized' };
    const e = checkExpectation({ status: 200, match: { 'Grants.length': 1 } }, 400, denied);
    const words = e.failures.map((f, i) => failureText(e.details?.[i], f, true));
    expect(words).toEqual(['Expected: HTTP 200 (success). Got: 400 (AccessDeniedException: User: x is not authorized).', 'Expected: the response lists 1 grant. The response has no Grants.length.']);
    // alone, a missing member says what the response was instead
    const only = checkExpectation({ match: { 'Grants.length': 1 } }, 400, denied);
    expect(failureText(only.details?.[0], only.failures[0])).toBe('Expected: the response lists 1 grant. The response has no Grants.length (it is 400 (AccessDeniedException: User: x is not authorized)).');
  });
});

describe('snapshots: reload and follow', () => {
  const lesson = LESSONS[1] ?? LESSONS[0];

  it('replaying a snapshot gives the same history, byte for byte, and the same checks', async () => {
    const a = await open(lesson);
    await walk(a);
    const snap = a.snapshot();
    expect(snap.log.length).toBeGreaterThan(0);

    const b = await open(lesson);
    await replayInputs(b.session, snap.log);
    b.adopt(snap);
    const bodies = (p: LessonPlayer) => p.session.history.map((h) => [h.operation, h.callerArn, h.response?.status, h.response?.body]);
    expect(bodies(b)).toEqual(bodies(a));
    expect(b.finished).toBe(true);
    expect(b.index).toBe(a.index);
    // and its simulator now holds the same inputs
    expect(isPrefix(snap.log, b.snapshot().log)).toBe(true);
    a.session.dispose();
    b.session.dispose();
  });

  it('parseSnapshot refuses what is not a snapshot of this lesson', () => {
    expect(parseSnapshot(null, lesson.id)).toBeUndefined();
    expect(parseSnapshot({ v: 1, lesson: 'other', step: 0, checks: [], done: [], log: [] }, lesson.id)).toBeUndefined();
    expect(parseSnapshot({ v: 2, lesson: lesson.id, step: 0, checks: [], done: [], log: [] }, lesson.id)).toBeUndefined();
    const ok = parseSnapshot({ v: 1, lesson: lesson.id, step: 2, checks: [[1, { ok: true, failures: [], entry: 1 }], 'junk'], done: [0, 'x'], log: [{ kind: 'clock', at: 1, to: 2 }, 7] }, lesson.id);
    expect(ok).toEqual({ v: 1, lesson: lesson.id, step: 2, checks: [[1, { ok: true, failures: [], entry: 1 }]], done: [0], log: [{ kind: 'clock', at: 1, to: 2 }] });
  });

  it('isPrefix compares entries in order', () => {
    const e1: LogEntry = { kind: 'clock', at: 0, to: 5 };
    const e2: LogEntry = { kind: 'clock', at: 5, to: 9 };
    expect(isPrefix([], [e1])).toBe(true);
    expect(isPrefix([e1], [e1, e2])).toBe(true);
    expect(isPrefix([e2], [e1, e2])).toBe(false);
    expect(isPrefix([e1, e2], [e1])).toBe(false);
  });

  it('editorRequest reads operation, caller, host and body from a logged request', () => {
    const session = {
      rootArn: 'arn:aws:iam::111122223333:root',
      callers: [{ arn: 'arn:aws:iam::111122223333:role/App', accessKeyId: 'AKIAAPPROLEEXAMPLE01', label: 'role/App' }],
    };
    const entry = (headers: [string, string][]): Extract<LogEntry, { kind: 'request' }> => ({ kind: 'request', at: 0, method: 'POST', url: 'https://kms.us-east-1.amazonaws.com/', headers, body: '{"KeyId":"k"}' });
    expect(editorRequest(entry([['x-amz-target', 'TrentService.Encrypt'], ['authorization', 'AWS4-HMAC-SHA256 Credential=AKIAAPPROLEEXAMPLE01/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=0'], ['x-playground-host', '2']]), session)).toEqual({
      operation: 'Encrypt',
      callerArn: 'arn:aws:iam::111122223333:role/App',
      body: '{"KeyId":"k"}',
      host: 2,
    });
    expect(editorRequest(entry([['X-Amz-Target', 'TrentService.ListKeys']]), session)).toEqual({ operation: 'ListKeys', callerArn: session.rootArn, body: '{"KeyId":"k"}' });
    // an access key nobody here has: not replayable as an editor request
    expect(editorRequest(entry([['x-amz-target', 'TrentService.ListKeys'], ['authorization', 'AWS4-HMAC-SHA256 Credential=AKIAUNKNOWN000000000/x']]), session)).toBeUndefined();
  });
});

describe('narrative and labels', () => {
  it('splits paragraphs at blank lines and marks code spans', () => {
    expect(narrative('Send `CreateKey` now.\nThen wait.\n\n  Second `a` and `b`  ')).toEqual([
      [
        { code: false, text: 'Send ' },
        { code: true, text: 'CreateKey' },
        { code: false, text: ' now. Then wait.' },
      ],
      [
        { code: false, text: 'Second ' },
        { code: true, text: 'a' },
        { code: false, text: ' and ' },
        { code: true, text: 'b' },
      ],
    ]);
    expect(narrative('a lone ` backtick')).toEqual([[{ code: false, text: 'a lone ' }, { code: false, text: '` backtick' }]]);
    expect(narrative('<b>not html</b>')).toEqual([[{ code: false, text: '<b>not html</b>' }]]);
    expect(narrative(undefined)).toEqual([]);
  });

  it('names steps and expectations in words', () => {
    expect(clockAction({ kind: 'advance', ms: 10_000 })).toBe('Advance the clock 10 s');
    expect(clockAction({ kind: 'settle' })).toBe('Let every grant arrive');
    expect(stepTitle({ kind: 'request', target: 'CreateGrant', body: {} }, 0)).toBe('Send CreateGrant');
    expect(stepTitle({ kind: 'note', text: 'x', title: 'Why' }, 3)).toBe('Why');
    expect(describeExpectation({ status: 200, match: { 'Grants.length': 1 } })).toEqual(['HTTP 200 (success)', 'the response lists 1 grant']);
    expect(describeExpectation({ status: 400, error: 'AccessDeniedException' })).toEqual(['the error AccessDeniedException (HTTP 400)']);
    expect(callerLabel(undefined)).toBe('the account root');
    expect(callerLabel('arn:aws:iam::444455556666:role/Partner')).toBe('role/Partner');
  });
});

describe('expectations read as sentences, not paths', () => {
  it('says what a learner checks in the response', () => {
    const match = {
      'Grants.length': 0,
      'Grants.0.Operations.length': 2,
      'Grants.1.GranteePrincipal': 'arn:aws:iam::111122223333:role/App',
      'Grants.0.Name': '',
      'Grants.0.Constraints.EncryptionContextSubset.app': 'billing',
      'KeyMetadata.KeyState': 'Enabled',
      'KeyMetadata.Enabled': false,
      Plaintext: 'aGVsbG8=',
      PendingWindowInDays: 7,
      'Grants.11.Name': 'x',
      'KeyMetadata.EncryptionAlgorithms.length': 1,
      'A.B.GrantTokens.length': 3,
    };
    expect(describeExpectation({ match })).toEqual([
      'the response lists no grants',
      'the first grant has 2 operations',
      'the second grant’s GranteePrincipal is arn:aws:iam::111122223333:role/App',
      'the first grant’s Name is an empty string',
      'the first grant’s Constraints.EncryptionContextSubset.app is billing',
      'the key’s KeyState is Enabled',
      'the key’s Enabled is false',
      'Plaintext is aGVsbG8= (“hello” in base64)',
      'PendingWindowInDays is 7',
      'grant #12’s Name is x',
      'the key has 1 encryption algorithm',
      'A.B.GrantTokens lists 3 grant tokens',
    ]);
    // no clause of a built-in lesson reads like a path ("Grants.0.…", "… to be …")
    for (const lesson of LESSONS) {
      for (const step of lesson.scenario.steps) {
        if (step.kind !== 'request') continue;
        for (const clause of describeExpectation(step.expect)) expect(clause).not.toMatch(/\.\d+\.|\.length\b| to be /);
      }
    }
  });

  it('marks member names and values as code, references as text', () => {
    expect(expectationParts({ match: { 'Grants.0.GrantId': '{{grant.GrantId}}' } })).toEqual([
      [
        { code: false, text: 'the first grant’s ' },
        { code: true, text: 'GrantId' },
        { code: false, text: ' is ' },
        { code: false, text: '{{grant.GrantId}}' },
      ],
    ]);
  });
});

describe('references as a reader sees them', () => {
  const steps = [
    { kind: 'request', id: 'key', target: 'CreateKey', body: {} },
    { kind: 'request', id: 'grant', target: 'CreateGrant', body: {} },
    { kind: 'request', target: 'ListGrants', caller: '{{grant.GranteePrincipal}}', body: { KeyId: '{{key.KeyMetadata.Arn}}' }, expect: { status: 200, match: { 'Grants.0.GrantId': '{{grant.GrantId}}' } } },
  ] as const satisfies LessonInfo['scenario']['steps'];

  it('writes each reference as the member and the step it comes from, quotes included', () => {
    const text = JSON.stringify(steps[2].body, null, 2);
    expect(readableReferences(text, steps)).toBe('{\n  "KeyId": «KeyMetadata.Arn from step 1»\n}');
    expect(referenceParts('arn/{{grant.GrantId}}/x and {{nope.A}}', steps)).toEqual([
      { kind: 'text', text: 'arn/' },
      { kind: 'ref', text: '{{grant.GrantId}}', label: 'GrantId from step 2' },
      { kind: 'text', text: '/x and ' },
      { kind: 'ref', text: '{{nope.A}}', label: 'A from step “nope”' },
    ]);
    expect(readableReferences('{{key}} and {{ not a reference }}', steps)).toBe('«the response of step 1» and {{ not a reference }}');
    expect(readableReferences('plain', steps)).toBe('plain');
  });

  it('fills the step card in once the referenced steps answered, and reads well before', () => {
    const before = stepCardText(steps[2], steps, new Map());
    expect(before.caller).toBe('«GranteePrincipal from step 2»');
    expect(before.expected).toEqual(['HTTP 200 (success)', 'the first grant’s GrantId is «GrantId from step 2»']);
    const after = stepCardText(steps[2], steps, new Map<string, unknown>([['grant', { GrantId: 'g-1', GranteePrincipal: 'arn:aws:iam::111122223333:role/App' }]]));
    expect(after.caller).toBe('role/App');
    expect(after.expected).toEqual(['HTTP 200 (success)', 'the first grant’s GrantId is g-1']);
    expect(after.expectedParts[1]).toContainEqual({ code: true, text: 'g-1' });
  });
});
