/**
 * The timeline's view while it follows the clock: pressing on the canvas holds the view where it
 * is (it used to jump to 1970 for a moment, so a click on the time ruler travelled to the start
 * instead of the time under the pointer, and a click on an empty lane left the view there).
 */
import { assert, openApp } from './helpers.mjs';

/** the clock's text, in seconds */
async function clockSeconds(page) {
  const text = (await page.getByTestId('clock').locator('strong').textContent()) ?? '';
  const m = /(?:(\d+):)?(\d+(?:\.\d+)?)/.exec(text.replace(/^\+/, ''));
  return m ? Number(m[1] ?? 0) * 60 + Number(m[2]) : NaN;
}

export default {
  'a click on the time ruler while following the clock moves the clock to the time under the pointer': async ({ page, baseUrl }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await openApp(page, baseUrl, 'editor=plain');
    const canvas = page.locator('.timeline canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    assert(await page.getByLabel('Follow clock').isChecked(), 'the view follows the clock');
    const before = await clockSeconds(page);
    await page.mouse.click(box.x + box.width * 0.6, box.y + 6);
    await page.waitForFunction(() => !/^\+?0:00(\.0+)?$/.test(document.querySelector('[data-testid="clock"] strong')?.textContent?.trim() ?? ''), undefined, { timeout: 5000 });
    const after = await clockSeconds(page);
    // the default view spans 20 s from just before the start: 60 % across is about 11 s in
    assert(after > before + 5 && after < before + 15, `the clock moved to the time under the pointer: ${before} s → ${after} s`);
  },
};
