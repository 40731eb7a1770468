/**
 * The grant lifecycle a workshop walks through: CreateKey, CreateGrant to role/App, Encrypt as
 * role/App denied before the grant has propagated, allowed at once with the grant token, and
 * allowed without it once the clock has moved past every arrival; the timeline shows arrivals.
 */
import { assert, assertEqual, chooseCaller, chooseTarget, openApp, send, setBody, shot, waitForMonaco } from './helpers.mjs';

const APP = 'arn:aws:iam::111122223333:role/App';

export default {
  'create, deny before propagation, allow with the token, allow after the clock moves': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl);
    await waitForMonaco(page);

    // 1. CreateKey from the empty state's one-click template
    await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
    let res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `CreateKey: ${res.status}`);
    const keyId = res.json.KeyMetadata.KeyId;

    // 2. CreateGrant to role/App (the template names the newest key and the first principal)
    await chooseTarget(page, 'CreateGrant');
    await setBody(page, JSON.stringify({ KeyId: keyId, GranteePrincipal: APP, Operations: ['Encrypt', 'Decrypt'] }, null, 2));
    res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `CreateGrant: ${res.status} ${res.body}`);
    const grantId = res.json.GrantId;
    assert(typeof res.json.GrantToken === 'string', 'a grant token came back');
    // the state browser lists the grant, not yet in effect anywhere
    await page.getByRole('table', { name: `Grants of key ${keyId}` }).waitFor();
    await page.getByText('The grant is on its way', { exact: false }).count();

    // 3. Encrypt as role/App right away: no host has the grant yet
    await chooseCaller(page, 'role/App');
    await chooseTarget(page, 'Encrypt');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 400'), `Encrypt before propagation should be denied: ${res.status}`);
    assertEqual(res.json?.__type, 'AccessDeniedException', 'error type');
    assert(/denied/i.test(res.decision), `decision says denied: ${res.decision}`);
    await page.screenshot({ path: shot('03-denied-before-propagation'), fullPage: true });

    // 4. the same Encrypt with the grant token: allowed immediately
    await page.getByRole('button', { name: 'Add last grant token' }).click();
    res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `Encrypt with the grant token: ${res.status} ${res.body}`);
    assert(/grant token/i.test(res.decision), `decision names the grant token: ${res.decision}`);

    // 5. without the token, after the clock has passed every arrival ("Settle")
    await page.getByRole('button', { name: 'Reset to template' }).click();
    await page.getByRole('button', { name: 'Settle' }).click();
    await page.getByText('All grant changes have reached every host').waitFor();
    res = await send(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `Encrypt after propagation: ${res.status} ${res.body}`);
    assert(res.decision.includes(grantId.slice(0, 8)), `allowed by the grant: ${res.decision}`);

    // the timeline's table lists an arrival at every host; the state browser shows it in effect
    await page.getByText(/Events as a table/).click();
    for (const h of [0, 1, 2]) {
      await page.getByRole('cell', { name: new RegExp(`^Grant ${grantId.slice(0, 8)}… reached host ${h}`) }).waitFor();
    }
    const inEffect = await page.getByRole('table', { name: `Grants of key ${keyId}` }).getByText('in effect', { exact: true }).count();
    assertEqual(inEffect, 3, 'grant in effect at all 3 hosts');
    await page.screenshot({ path: shot('04-after-propagation'), fullPage: true });
  },

  'step to each arrival and watch the grant reach hosts one by one': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl);
    await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
    let res = await send(page);
    const keyId = res.json.KeyMetadata.KeyId;
    await chooseTarget(page, 'CreateGrant');
    await page.getByRole('button', { name: 'Reset to template' }).click();
    res = await send(page);
    const grantId = res.json.GrantId;
    const table = page.getByRole('table', { name: `Grants of key ${keyId}` });
    let arrived = 0;
    for (let i = 0; i < 3; i++) {
      await page.getByRole('button', { name: 'Step to next arrival' }).click();
      await page.waitForFunction(
        ([sel, n]) => document.querySelectorAll(sel).length >= n,
        [`table td.vis.visible`, arrived + 1],
      );
      arrived = await table.locator('td.vis.visible').count();
    }
    assertEqual(arrived, 3, 'after three steps the grant is at every host');
    assert(await page.getByRole('button', { name: 'Step to next arrival' }).isDisabled(), 'nothing left to step to');
    // focus the timeline and walk its events with the keyboard
    await page.getByRole('application', { name: /Grant propagation timeline/ }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const explained = await page.locator('#tl-explain').innerText();
    assert(/Host \d/.test(explained) && explained.includes(grantId.slice(0, 8)), `the focused event is explained: ${explained}`);
    await page.screenshot({ path: shot('05-timeline-stepped'), fullPage: false, clip: { x: 0, y: 560, width: 1280, height: 240 } });
  },
};
