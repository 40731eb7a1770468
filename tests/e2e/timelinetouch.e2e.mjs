/**
 * The timeline on a touch screen (390x844): its hints name taps and buttons, not the mouse, the
 * wheel or the arrow keys; the same page with a mouse names them.
 */
import { assert, assertEqual, openApp } from './helpers.mjs';

export const contextOptions = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, serviceWorkers: 'block' };

export default {
  'the timeline hints say tap, and the Time slider names the step buttons': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'e2e=1');
    assert(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), 'the page sees a touch screen');
    const hint = (await page.locator('#tl-explain').innerText()).trim();
    assertEqual(hint, 'Tap an event to see what happened. The ? button lists every gesture.', 'the hint under the timeline');
    const help = (await page.locator('#tl-scrub-help').textContent())?.trim();
    assertEqual(help, 'Drag to travel in time; Step back and Step to next arrival move between events.', "the Time slider's help");
    for (const text of [hint, help]) assert(!/click|hover|wheel|arrow key/i.test(text), `no mouse or key words: ${text}`);
  },
};
