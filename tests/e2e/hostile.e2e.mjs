/**
 * Hostile shared links (issue 8 §2): scenario content is data, never markup or code. Links whose
 * title, principals, policy documents, notes and request bodies carry <img onerror>, <script> and
 * javascript: payloads open as text; an oversized link, a deflate bomb (a small link expanding
 * past MAX_JSON_BYTES), garbage base64 and an unknown version give an inline error. In every case
 * no script runs (the window flag stays unset, no dialog opens), the page stays usable (a
 * CreateKey afterwards answers 200) and the user's other workspaces are unchanged.
 */
import { deflateSync } from 'fflate';
import { assert, assertEqual, chooseCaller, chooseTarget, openApp, send, setBody } from './helpers.mjs';

const IMG = '<img src=x onerror="window.__pwned=1;alert(1)">';
const IMG_NOSPACE = '<img/src=x/onerror=window.__pwned=1>';
const SCRIPT = '<script>window.__pwned=1;alert(1)</script>';
const JS = 'javascript:window.__pwned=1;alert(1)';

function b64url(bytes) {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `#s=v1.…` as the codec writes it: base64url(deflate-raw(JSON)) */
function link(doc, version = doc.v) {
  return `#s=v${version}.${b64url(deflateSync(new TextEncoder().encode(JSON.stringify(doc)), { level: 9 }))}`;
}

const EVIL_ROLE = `arn:aws:iam::111122223333:role/${IMG_NOSPACE}`;
const HOSTILE = {
  v: 1,
  title: `${IMG} ${SCRIPT}`,
  seed: 7,
  settings: {
    principals: [{ arn: EVIL_ROLE, accessKeyId: 'AKIAEVILEXAMPLE00001', policy: { Version: '2012-10-17', Statement: [{ Sid: 'x', Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'aws:username': SCRIPT } } }] } }],
  },
  steps: [
    { kind: 'note', text: `${SCRIPT} ${IMG} ${JS}` },
    { kind: 'request', target: 'CreateKey', body: { Description: `${SCRIPT} ${IMG}`, Tags: [{ TagKey: JS, TagValue: IMG }] }, note: IMG },
    {
      kind: 'request',
      target: 'CreateKey',
      body: {
        Description: JS,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'RootAll', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:x': `${SCRIPT}${IMG}` } } }],
        }),
      },
    },
    { kind: 'request', target: 'CreateAlias', body: { AliasName: `alias/${IMG}`, TargetKeyId: JS } },
    { kind: 'request', caller: EVIL_ROLE, target: SCRIPT.replace(/[^A-Za-z0-9]/g, ''), body: { [IMG]: SCRIPT } },
    { kind: 'advance', ms: 1000, note: SCRIPT },
  ],
};

/** the user's own workspace: one key, before any link is opened */
async function setUp(page, baseUrl) {
  page.on('dialog', (d) => {
    page.__dialogs = (page.__dialogs ?? 0) + 1;
    void d.dismiss();
  });
  await openApp(page, baseUrl, 'editor=plain');
  await chooseTarget(page, 'CreateKey');
  await setBody(page, JSON.stringify({ Description: 'mine' }));
  const res = await send(page);
  assert(res.status.startsWith('HTTP/1.1 200'), `setup CreateKey: ${res.status}`);
}

async function workspaces(page) {
  const toggle = page.getByRole('button', { name: /^Workspace:/ });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.getByRole('list', { name: 'Switch workspace' }).getByRole('button').first().waitFor();
  const texts = await page.getByRole('list', { name: 'Switch workspace' }).getByRole('button').allInnerTexts();
  await toggle.click();
  return texts.map((t) => t.replace(/\s+/g, ' ').replace('open · ', '').trim());
}

async function assertSafe(page) {
  assertEqual(await page.evaluate(() => globalThis.__pwned), undefined, 'window.__pwned');
  assertEqual(page.__dialogs ?? 0, 0, 'dialogs opened');
  assertEqual(await page.locator('main img, header img, .notices img').count(), 0, 'no <img> made from link data');
  assertEqual(await page.locator('#app script').count(), 0, 'no <script> made from link data');
}

async function stillUsable(page) {
  // a link opens with its last request in the editor, caller included: send as the account root
  await chooseCaller(page, 'Account root');
  await chooseTarget(page, 'CreateKey');
  await setBody(page, '{}');
  const res = await send(page);
  assert(res.status.startsWith('HTTP/1.1 200'), `CreateKey afterwards: ${res.status}`);
}

/** opens a hash on a fresh document load (a hash change alone does not reload) */
async function openLink(page, baseUrl, hash) {
  await page.goto('about:blank');
  await page.goto(baseUrl + '?editor=plain' + hash);
  await page.getByRole('combobox', { name: 'X-Amz-Target' }).waitFor();
}

const BROKEN = {
  oversized: { hash: () => '#s=v1.' + 'A'.repeat(70_000), error: 'too-large' },
  'deflate bomb': { hash: () => `#s=v1.${b64url(deflateSync(new Uint8Array(4 * 1024 * 1024).fill(32), { level: 9 }))}`, error: 'too-large' },
  'garbage base64': { hash: () => '#s=v1.@@not*base64!!', error: 'bad-encoding' },
  'unknown version': { hash: () => link({ ...HOSTILE, v: 9 }), error: 'unknown-version' },
  'not deflate': { hash: () => `#s=v1.${b64url(new TextEncoder().encode('{"v":1}'))}`, error: 'bad-compression' },
};

const tests = {
  'markup and script in names, policies, notes and bodies open as text and run nothing': async ({ page, baseUrl }) => {
    await setUp(page, baseUrl);
    const before = await workspaces(page);
    const hash = link(HOSTILE);
    await openLink(page, baseUrl, hash);
    const notice = page.getByRole('status').filter({ hasText: 'Opened shared scenario' });
    await page.locator('[data-notice="shared"]').waitFor();
    assert((await notice.count()) === 1, `opened: ${await page.getByTestId('notices').innerText()}`);
    assert((await notice.innerText()).includes(IMG), 'the title is shown as text');
    await page.waitForFunction(() => document.querySelectorAll('.area-state article.key').length >= 1);
    await page.waitForFunction((n) => Number.parseInt(document.querySelector('#history-h + span')?.textContent ?? '0', 10) === n, 4);
    assert((await page.locator('.area-state').innerText()).includes(SCRIPT), 'the description is shown as text');
    assertEqual((await page.getByTestId('workspace-name').innerText()).trim(), `${IMG} ${SCRIPT}`, 'workspace name, as text');
    await page.waitForTimeout(300);
    await assertSafe(page);
    await stillUsable(page);
    const after = await workspaces(page);
    assert(before.every((w) => after.includes(w)), `the user's workspace is unchanged: ${JSON.stringify(before)} in ${JSON.stringify(after)}`);
    assertEqual(after.length, before.length + 1, 'one new workspace');
    await assertSafe(page);
  },
};

for (const [name, { hash, error }] of Object.entries(BROKEN)) {
  tests[`${name} link: an inline error, nothing runs, the page stays usable`] = async ({ page, baseUrl }) => {
    await setUp(page, baseUrl);
    const before = await workspaces(page);
    await openLink(page, baseUrl, hash());
    const alert = page.getByRole('alert').filter({ hasText: 'This shared link could not be opened' });
    await alert.waitFor();
    assert((await alert.innerText()).includes(`(${error}:`), `error ${error}: ${await alert.innerText()}`);
    assertEqual(await page.evaluate(() => location.hash), '', 'the fragment is removed');
    await page.getByText('mine').first().waitFor();
    assertEqual(JSON.stringify(await workspaces(page)), JSON.stringify(before), 'workspaces unchanged');
    await assertSafe(page);
    await stillUsable(page);
  };
}

export default tests;
