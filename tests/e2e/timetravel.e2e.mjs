/**
 * Time travel: after a grant has reached every host, drag the clock back before its first arrival.
 * The state browser shows the grant not yet arrived, the event table has fewer rows, the later
 * request is greyed as the kept future and the editor warns that sending replaces it. Forward again
 * restores everything; stepping with the keyboard replays; sending in the past forks.
 */
import { assert, assertEqual, axe, chooseTarget, historyCount, openApp, send, shot, waitForHistory } from './helpers.mjs';

// axe-core is injected as an inline script, which the app's CSP (rightly) forbids
export const contextOptions = { bypassCSP: true };

function report(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.join('\n      ')}`).join('\n    ');
}

async function eventCount(page) {
  const text = await page.locator('details.events summary').textContent();
  return Number(/\((\d+)\)/.exec(text ?? '')?.[1] ?? NaN);
}

async function waitForEventCount(page, predicate, arg) {
  await page.waitForFunction(
    ([src, a]) => {
      const m = /\((\d+)\)/.exec(document.querySelector('details.events summary')?.textContent ?? '');
       
      return m && new Function('n', 'a', `return ${src}`)(Number(m[1]), a);
    },
    [predicate, arg],
  );
}

export default {
  'scrub back before an arrival, forward again, and fork by sending in the past': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
    let res = await send(page);
    const keyId = res.json.KeyMetadata.KeyId;
    await chooseTarget(page, 'CreateGrant');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `CreateGrant: ${res.status}`);
    const grantId = res.json.GrantId;

    // the app's default propagation (0.5 s to 8 s): settle until every host has the grant
    await page.getByRole('button', { name: 'Settle' }).click();
    await page.getByText('All grant changes have reached every host').waitFor();
    const grants = page.getByRole('table', { name: `Grants of key ${keyId}` });
    await page.waitForFunction(() => document.querySelectorAll('table.grants td.vis.visible').length === 3);
    // one more request at the present: it becomes the kept future
    await chooseTarget(page, 'DescribeKey');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    await send(page);
    await page.getByText(/Events as a table/).click();
    const eventsAtPresent = await eventCount(page);
    const clockAtPresent = await page.getByTestId('clock').textContent();

    // drag along the time ruler (above the lanes) from the right to near the start (< 0.5 s)
    await page.getByRole('button', { name: 'Fit all' }).click();
    const box = await page.locator('.timeline canvas').boundingBox();
    await page.mouse.move(box.x + box.width * 0.6, box.y + 6);
    await page.mouse.down();
    for (const f of [0.5, 0.4, 0.3, 0.2, 0.1]) await page.mouse.move(box.x + box.width * f, box.y + 6);
    await page.mouse.move(box.x + 90, box.y + 6);
    await page.mouse.up();

    await page.getByTestId('time-travel').waitFor();
    await page.getByTestId('state-time').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('table.grants td.vis.pending').length === 3);
    assertEqual(await grants.getByText('not arrived yet', { exact: false }).count(), 3, 'the grant has reached no host at the shown time');
    await waitForEventCount(page, 'n < a', eventsAtPresent);
    const eventsInPast = await eventCount(page);
    assert(eventsInPast < eventsAtPresent, `fewer events in the past: ${eventsInPast} < ${eventsAtPresent}`);
    // no arrival rows in the table any more
    assertEqual(await page.getByRole('cell', { name: new RegExp(`^Grant ${grantId.slice(0, 8)}… reached host`) }).count(), 0, 'no arrival rows');
    // the DescribeKey sent later is greyed as the kept future; the editor warns before a fork
    assertEqual(await page.locator('.history li[data-kept="true"]').count(), 1, 'one history entry in the kept future');
    await page.getByText('Sending now replaces 1 later request', { exact: false }).first().waitFor();
    await page.waitForFunction(() => /Went back to/.test(document.querySelector('[data-testid="live"]')?.textContent ?? ''));
    assertEqual(await historyCount(page), 3, 'the history still lists all three requests');
    await page.screenshot({ path: shot('13-scrubbed-back'), fullPage: true });
    // the past, with the policies open, passes axe in both colour schemes
    await page.getByText('Key policy', { exact: true }).click();
    await page.locator('.principals li', { hasText: 'user/Alice' }).getByText('IAM policy').click();
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme });
      const v = await axe(page);
      assert(v.length === 0, `axe violations in the past (${colorScheme}):\n    ${report(v)}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    // forward again: the kept future is replayed
    await page.getByTestId('time-travel').getByRole('button', { name: 'Return to the present' }).click();
    await page.getByTestId('time-travel').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelectorAll('table.grants td.vis.visible').length === 3);
    await waitForEventCount(page, 'n === a', eventsAtPresent);
    assertEqual(await page.getByTestId('clock').textContent(), clockAtPresent, 'the clock is back at the present');
    assertEqual(await page.locator('.history li[data-kept="true"]').count(), 0, 'nothing in the kept future');

    // keyboard: Home goes to the start; Play from there replays the kept future (no fork)
    const slider = page.getByRole('slider', { name: 'Time' });
    await slider.focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelectorAll('table.grants td.vis.pending').length === 3);
    await page.getByRole('combobox', { name: 'Speed' }).selectOption('10');
    await page.getByRole('button', { name: 'Play' }).click();
    await page.getByTestId('time-travel').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table.grants td.vis.visible').length === 3);
    assertEqual(await historyCount(page), 3, 'playing through the kept future keeps it');
    await page.getByRole('button', { name: /^#3 DescribeKey/ }).waitFor();
    await waitForEventCount(page, 'n >= a', eventsAtPresent);

    // ArrowRight from the start steps to the first arrival (one host has the grant)
    await slider.focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelectorAll('table.grants td.vis.pending').length === 3);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelectorAll('table.grants td.vis.visible').length === 1);
    assertEqual(await grants.locator('td.vis.pending').count(), 2, 'two hosts still waiting');

    // sending in the past forks: the kept DescribeKey is dropped, the new request takes its place
    await chooseTarget(page, 'ListKeys');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    await page.getByText('Sending now replaces 1 later request', { exact: false }).first().waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('button', { name: /^#3 ListKeys/ }).waitFor();
    await waitForHistory(page, 3);
    assertEqual(await historyCount(page), 3, 'CreateKey, CreateGrant, ListKeys');
    assertEqual(await page.getByRole('button', { name: /DescribeKey/ }).count(), 0, 'the dropped DescribeKey is gone from the history');
    assertEqual(await page.getByTestId('time-travel').count(), 0, 'back at the (new) present');
    assertEqual(await page.getByText('Sending now replaces', { exact: false }).count(), 0, 'no fork warning any more');
    // the grant keeps propagating in the new timeline
    await page.getByRole('button', { name: 'Settle' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table.grants td.vis.visible').length === 3);
  },

  'key policy: view it, Edit policy loads a PutKeyPolicy that goes through the API; IAM policies are read-only': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'editor=plain');
    await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
    const res = await send(page);
    const keyId = res.json.KeyMetadata.KeyId;
    await page.getByText('Key policy', { exact: true }).click();
    const policyText = await page.locator('details.policy pre').first().textContent();
    assert(policyText.includes('arn:aws:iam::111122223333:root'), `the default policy names the account: ${policyText}`);
    await page.getByRole('button', { name: 'Edit policy…' }).click();
    assertEqual(await page.getByRole('combobox', { name: 'X-Amz-Target' }).inputValue(), 'PutKeyPolicy', 'target');
    const body = JSON.parse(await page.getByRole('textbox', { name: 'Request body (JSON)' }).inputValue());
    assertEqual(body.KeyId, keyId, 'KeyId');
    const policy = JSON.parse(body.Policy);
    policy.Statement.push({ Sid: 'AppMayEncrypt', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/App' }, Action: 'kms:Encrypt', Resource: '*' });
    await page.getByRole('textbox', { name: 'Request body (JSON)' }).fill(JSON.stringify({ ...body, Policy: JSON.stringify(policy) }, null, 2));
    const put = await send(page);
    assert(put.status.startsWith('HTTP/1.1 200'), `PutKeyPolicy: ${put.status} ${put.body}`);
    await page.getByRole('button', { name: /^#2 PutKeyPolicy/ }).waitFor();
    await page.waitForFunction(() => document.querySelector('details.policy pre')?.textContent?.includes('AppMayEncrypt'));

    // Alice's IAM policy is shown, read-only
    const alice = page.locator('.principals li', { hasText: 'user/Alice' });
    await alice.getByText('IAM policy').click();
    assert((await alice.locator('pre').textContent()).includes('KeyAdministrator'), 'Alice has the key administrator policy');
    assertEqual(await alice.getByRole('button').count(), 0, 'no edit button for IAM policies');
  },
};
