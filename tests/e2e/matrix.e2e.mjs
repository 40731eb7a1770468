/**
 * The access matrix ("Who can do what") in the built app: after a grant to role/App for Encrypt,
 * the role/App × Encrypt marks say what Send answers at each host (denied where the grant has not
 * arrived, with the time it arrives; allowed everywhere after Settle), a mark loads its request,
 * caller and host into the editor, and the matrix follows the clock as it plays and travels back.
 */
import { assert, assertEqual, chooseTarget, openApp, readResponse, send, setBody } from './helpers.mjs';

const ACCOUNT = '111122223333';
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const HOSTS = 3;

/** the marks of role/App × Encrypt, host 0 first */
async function marks(page) {
  const out = [];
  for (let h = 0; h < HOSTS; h++) out.push(await page.locator(`button[data-cell="${APP}|Encrypt|${h}"]`).getAttribute('data-mark'));
  return out.join('');
}

async function waitForMarks(page, want) {
  await page.waitForFunction(
    ({ app, hosts, want }) => {
      let got = '';
      for (let h = 0; h < hosts; h++) got += document.querySelector(`button[data-cell="${app}|Encrypt|${h}"]`)?.getAttribute('data-mark') ?? '?';
      return got === want;
    },
    { app: APP, hosts: HOSTS, want },
    { timeout: 10_000 },
  );
}

/** a key, and a grant to role/App for Encrypt; returns the grant id */
async function keyAndGrant(page) {
  await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
  const created = await send(page);
  const keyId = created.json.KeyMetadata.KeyId;
  await chooseTarget(page, 'CreateGrant');
  await setBody(page, JSON.stringify({ KeyId: keyId, GranteePrincipal: APP, Operations: ['Encrypt'] }, null, 2));
  const granted = await send(page);
  assert(granted.status.startsWith('HTTP/1.1 200'), `CreateGrant: ${granted.status}`);
  return { keyId, grantId: granted.json.GrantId };
}

async function openMatrix(page) {
  const section = page.getByTestId('access-matrix-section');
  await section.locator('summary').click();
  await page.getByTestId('access-matrix').waitFor();
}

/** clicks the mark of host h, checks the editor holds that request, sends it; returns the response */
async function loadAndSend(page, keyId, h) {
  const button = page.locator(`button[data-cell="${APP}|Encrypt|${h}"]`);
  await button.click();
  assertEqual(await page.getByRole('combobox', { name: 'X-Amz-Target' }).inputValue(), 'Encrypt', 'the target loaded');
  assertEqual(await page.getByRole('combobox', { name: 'Caller' }).inputValue(), APP, 'the caller loaded');
  assertEqual(await page.getByLabel('Served by').inputValue(), String(h), 'pinned to the host');
  const body = JSON.parse(await page.getByRole('textbox', { name: 'Request body (JSON)' }).inputValue());
  assertEqual(body.KeyId, keyId, 'the key in the body');
  return send(page);
}

const denied = (res) => res.json?.__type === 'AccessDeniedException';

export default {
  'role/App × Encrypt matches Send at each host: denied before the grant arrives, allowed after Settle; a mark loads its request': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    const { keyId, grantId } = await keyAndGrant(page);
    await openMatrix(page);
    // just created: no host has the grant yet, and each mark says when it arrives
    await waitForMarks(page, '···');
    for (let h = 0; h < HOSTS; h++) {
      const b = page.locator(`button[data-cell="${APP}|Encrypt|${h}"]`);
      const label = (await b.getAttribute('aria-label')) ?? '';
      assert(new RegExp(`host ${h}: denied; grant ${grantId.slice(0, 8)}… on its way: arrives at \\d+:\\d\\d\\.\\d{3} on the clock; then allowed`).test(label), `host ${h}'s label: ${label}`);
      assert((await b.getAttribute('class'))?.includes('soon'), `host ${h} is marked as changing`);
    }
    // the root is allowed by the key policy everywhere; user/Alice has no grant
    for (let h = 0; h < HOSTS; h++) assertEqual(await page.locator(`button[data-cell="arn:aws:iam::${ACCOUNT}:root|Encrypt|${h}"]`).getAttribute('data-mark'), '✓', `root at host ${h}`);

    // each mark against what Send answers at that host, now
    const before = await marks(page);
    for (let h = 0; h < HOSTS; h++) {
      const res = await loadAndSend(page, keyId, h);
      assertEqual(denied(res), before[h] === '·', `host ${h}: the matrix says ${before[h]}, Send answered ${res.status} ${res.json?.__type ?? ''}`);
      assert(/grant|IAM/.test(res.decision), `the decision names what decided: ${res.decision}`);
    }

    // Settle: every host has the grant; the matrix follows, and Send agrees
    await page.getByRole('button', { name: 'Settle' }).click();
    await waitForMarks(page, '✓✓✓');
    for (let h = 0; h < HOSTS; h++) {
      const res = await loadAndSend(page, keyId, h);
      assert(res.status.startsWith('HTTP/1.1 200'), `host ${h} after Settle: ${res.status}`);
      assert(res.decision.includes(grantId.slice(0, 8)), `allowed by the grant: ${res.decision}`);
    }
    const detail = await page.getByTestId('matrix-detail').textContent();
    assert(detail?.includes('Allowed by grant'), `the detail line says what decided: ${detail}`);
  },

  'the matrix follows the clock: back at the start the grant had reached no host, at the present every host': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    await keyAndGrant(page);
    await openMatrix(page);
    await waitForMarks(page, '···');
    await page.getByRole('button', { name: 'Settle' }).click();
    await waitForMarks(page, '✓✓✓');
    const settledAt = await page.getByTestId('matrix-time').textContent();
    // to the start of the scenario (Home on the Time slider), when the key and the grant were made:
    // the grant had reached no host yet
    await page.getByRole('slider', { name: /Time/ }).focus();
    await page.keyboard.press('Home');
    await waitForMarks(page, '···');
    assertEqual(await page.getByTestId('matrix-time').textContent(), 'at 0:00.000\u00a0(the past)', 'the matrix is at the time shown');
    // back to the present
    await page.keyboard.press('End');
    await waitForMarks(page, '✓✓✓');
    assertEqual(await page.getByTestId('matrix-time').textContent(), settledAt, 'the matrix is at the present again');
  },

  'the matrix follows a playing clock: the mark of each host turns allowed once the time shown passes its arrival': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    await keyAndGrant(page);
    await openMatrix(page);
    await waitForMarks(page, '···');
    // the arrival of the grant at each host, as the marks' labels say it (m:ss.mmm on the clock)
    const arrivals = [];
    for (let h = 0; h < HOSTS; h++) {
      const label = (await page.locator(`button[data-cell="${APP}|Encrypt|${h}"]`).getAttribute('aria-label')) ?? '';
      const m = /arrives at (\d+):(\d\d)\.(\d{3}) on the clock/.exec(label);
      assert(m, `host ${h} says when the grant arrives: ${label}`);
      arrivals.push(Number(m[1]) * 60_000 + Number(m[2]) * 1000 + Number(m[3]));
    }
    assert(Math.max(...arrivals) < 60_000, `the grant arrives within a minute here: ${arrivals}`);
    await page.getByLabel('Speed').selectOption('10');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    // every look: the marks are those of the time shown beside them
    const seen = new Set();
    const until = Date.now() + 30_000;
    for (;;) {
      const { time, marks: got } = await page.evaluate((app) => {
        const t = document.querySelector('[data-testid=matrix-time]')?.textContent ?? '';
        let m = '';
        for (let h = 0; h < 3; h++) m += document.querySelector(`button[data-cell="${app}|Encrypt|${h}"]`)?.getAttribute('data-mark') ?? '?';
        return { time: t, marks: m };
      }, APP);
      const parts = /at (\d+):(\d\d)\.(\d{3})/.exec(time);
      assert(parts, `the time shown: ${time}`);
      const shown = Number(parts[1]) * 60_000 + Number(parts[2]) * 1000 + Number(parts[3]);
      const want = arrivals.map((a) => (shown >= a ? '✓' : '·')).join('');
      assertEqual(got, want, `the marks at ${time} (arrivals ${arrivals})`);
      seen.add(got);
      if (got === '✓✓✓') break;
      assert(Date.now() < until, `the marks reached ${got} only`);
      await page.waitForTimeout(50);
    }
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    assert(seen.size >= 2, `the marks changed while playing: ${[...seen]}`);
  },

  'from the keyboard: one Tab stop, arrow keys move between the marks, Enter loads the request': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    const { keyId } = await keyAndGrant(page);
    await openMatrix(page);
    await waitForMarks(page, '···');
    const stops = page.locator('[data-testid=access-matrix] button[tabindex="0"]');
    assertEqual(await stops.count(), 1, 'tab stops among the marks');
    await stops.focus();
    // root × Encrypt host 0 → down to role/App, right to host 2
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assertEqual(await page.evaluate(() => document.activeElement?.getAttribute('data-cell')), `${APP}|Encrypt|2`, 'the mark focused');
    assert(((await page.getByTestId('matrix-detail').textContent()) ?? '').startsWith('role/App · Encrypt · host 2: denied.'), 'the detail line follows the focus');
    await page.keyboard.press('Enter');
    assertEqual(await page.getByRole('combobox', { name: 'Caller' }).inputValue(), APP, 'the caller loaded');
    assertEqual(await page.getByLabel('Served by').inputValue(), '2', 'pinned to host 2');
    assertEqual(JSON.parse(await page.getByRole('textbox', { name: 'Request body (JSON)' }).inputValue()).KeyId, keyId, 'the key in the body');
  },

  'a grant with an encryption context constraint: denied without the context, allowed with it': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
    const keyId = (await send(page)).json.KeyMetadata.KeyId;
    await chooseTarget(page, 'CreateGrant');
    await setBody(page, JSON.stringify({ KeyId: keyId, GranteePrincipal: APP, Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: { dept: 'sales' } } }));
    await send(page);
    await page.getByRole('button', { name: 'Settle' }).click();
    await openMatrix(page);
    await waitForMarks(page, '···');
    await page.getByLabel('Encryption context').fill('{"dept": "sales"}');
    await waitForMarks(page, '✓✓✓');
    const res = await loadAndSend(page, keyId, 1);
    assert(res.status.startsWith('HTTP/1.1 200'), `Encrypt with the context: ${res.status} ${res.body}`);
    assertEqual((await readResponse(page)).json?.KeyId?.endsWith(keyId), true, 'Encrypt answered for the key');
  },
};
