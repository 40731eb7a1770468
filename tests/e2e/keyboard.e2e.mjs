/** Keyboard only: reach every control by Tab, choose a target, send with Enter and Ctrl/Cmd+Enter. */
import { assert, openApp, readResponse, shot, waitForHistory, waitForMonaco } from './helpers.mjs';

/** presses Tab until the focused element matches, up to `max` times; returns the number of presses */
async function tabTo(page, describe, predicate, max = 40) {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(predicate)) return i;
  }
  throw new Error(`Tab never reached ${describe}`);
}

export default {
  'keyboard-only: target, Send, Ctrl+Enter, clock controls': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl);
    await waitForMonaco(page);
    await page.locator('body').focus();

    // the skip links come first, then the X-Amz-Target combobox
    await tabTo(page, 'the X-Amz-Target combobox', () => document.activeElement?.id === 'target-input');
    await page.keyboard.type('ListKeys');
    await page.keyboard.press('Enter');
    assert((await page.getByRole('combobox', { name: 'X-Amz-Target' }).inputValue()) === 'ListKeys', 'ListKeys chosen');

    // Tab leaves Monaco (tab focus mode), so Send is reachable; Enter on it sends
    await tabTo(page, 'the Send button', () => document.activeElement?.textContent === 'Send');
    const focusRing = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert(focusRing !== 'none', `a visible focus ring on Send (outline ${focusRing})`);
    await page.screenshot({ path: shot('06-keyboard-focus-send'), clip: { x: 0, y: 140, width: 660, height: 460 } });
    await page.keyboard.press('Enter');
    await waitForHistory(page, 1);
    let res = await readResponse(page);
    assert(res.status.startsWith('HTTP/1.1 200'), `ListKeys: ${res.status}`);
    assert(Array.isArray(res.json?.Keys), 'ListKeys body has Keys');

    // Ctrl+Enter from inside the editor sends too
    await page.locator('[data-editor="monaco"] .monaco-editor').click();
    await page.keyboard.press('ControlOrMeta+Enter');
    await waitForHistory(page, 2);

    // the clock controls are reachable and work from the keyboard
    await tabTo(page, 'the Advance by field', () => document.activeElement?.closest('form.advance') !== null && document.activeElement?.tagName === 'INPUT');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('2.5');
    await page.keyboard.press('Enter');
    await page.getByTestId('clock').filter({ hasText: '0:02.500' }).waitFor();

    // "." toggles play/pause when focus is not in a text field
    await page.locator('#timeline-h').click();
    await page.keyboard.press('.');
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await page.keyboard.press('.');
    await page.getByRole('button', { name: 'Play' }).waitFor();
    res = await readResponse(page);
    assert(res.status.startsWith('HTTP/1.1 200'), 'still showing a good response');
  },
};
