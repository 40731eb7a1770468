/** axe-core finds no violations, in light and dark schemes, with the panes populated. */
import { assert, axe, chooseCaller, chooseTarget, openApp, send, shot, waitForMonaco } from './helpers.mjs';

// axe-core is injected as an inline script, which the app's CSP (rightly) forbids
export const contextOptions = { bypassCSP: true };

async function populate(page) {
  await page.getByRole('button', { name: 'Load the CreateKey template' }).click();
  await send(page);
  await chooseTarget(page, 'CreateGrant');
  await page.getByRole('button', { name: 'Reset to template' }).click();
  await send(page);
  await chooseCaller(page, 'role/App');
  await chooseTarget(page, 'Encrypt');
  await page.getByRole('button', { name: 'Reset to template' }).click();
  await send(page);
  await page.getByText(/Events as a table/).click();
  await page.getByText(/Copy request #\d+ as code/).click();
}

function report(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.join('\n      ')}`).join('\n    ');
}

export default {
  'no axe violations on the empty page': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl);
    await waitForMonaco(page);
    const v = await axe(page);
    assert(v.length === 0, `axe violations:\n    ${report(v)}`);
  },

  'no axe violations with keys, grants, history and the event table (light)': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl);
    await waitForMonaco(page);
    await populate(page);
    const v = await axe(page);
    assert(v.length === 0, `axe violations:\n    ${report(v)}`);
  },

  'no axe violations in the dark scheme and presenter mode': async ({ page, baseUrl }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await openApp(page, baseUrl);
    await waitForMonaco(page);
    await populate(page);
    await page.getByRole('button', { name: 'Presenter font' }).click();
    const v = await axe(page);
    assert(v.length === 0, `axe violations:\n    ${report(v)}`);
    await page.screenshot({ path: shot('07-dark-presenter'), fullPage: false });
    await page.getByRole('button', { name: 'Presenter font' }).click();
    await page.screenshot({ path: shot('08-dark'), fullPage: true });
  },
};
