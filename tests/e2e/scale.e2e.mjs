/** 10,000 events: the timeline keeps drawing smoothly and the table pages through them. */
import { assert, frameGaps, openApp, shot, tenThousandEvents } from './helpers.mjs';

export default {
  'the timeline stays smooth with 10,000 events': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'e2e=1');
    const count = await tenThousandEvents(page);
    assert(count >= 10_000, `expected at least 10,000 events, got ${count}`);

    // show everything at once (the worst case for drawing), then measure frames while playing
    await page.getByRole('button', { name: 'Fit all' }).click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: shot('09-ten-thousand-events'), clip: { x: 0, y: 520, width: 1280, height: 280 } });
    await page.getByRole('checkbox', { name: 'Follow clock' }).check();
    await page.getByRole('combobox', { name: 'Speed' }).selectOption('60');
    await page.getByRole('button', { name: 'Play' }).click();
    const { gaps, median, p95 } = await frameGaps(page, 90);
    await page.getByRole('button', { name: 'Pause' }).click();
    console.log(`    frame time with ${count} events: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
    // the page keeps drawing while 10,000 events play (how fast is a figure, printed above, not a test)
    assert(gaps.length === 89, `expected 89 frame gaps while playing, got ${gaps.length}`);

    // the accessible twin pages instead of rendering 10,000 rows
    await page.getByText(/Events as a table/).click();
    await page.locator('details.events tbody tr').nth(49).waitFor();
    const rows = await page.locator('details.events tbody tr').count();
    assert(rows === 50, `one page of 50 rows, got ${rows}`);
    await page.getByRole('button', { name: 'Older' }).click();
    await page.getByText(/Page 2 of \d+/).waitFor();

    // time travel over 10,000 events: back to the middle and to the present again (figures printed)
    const travel = await page.evaluate(async () => {
      const { session } = globalThis.__kmsPlayground;
      const start = session.config.startTime;
      const present = session.now;
      const before = session.index.items.length;
      const t0 = performance.now();
      await session.travelTo(start + (session.index.latest - start) / 2);
      const back = performance.now() - t0;
      const middle = session.index.items.length;
      const t1 = performance.now();
      await session.returnToPresent();
      const forward = performance.now() - t1;
      return { back, forward, before, middle, after: session.index.items.length, now: session.now, present };
    });
    console.log(`    time travel with ${travel.before} timeline items: back to the middle ${travel.back.toFixed(0)} ms, forward to the present ${travel.forward.toFixed(0)} ms (state browser re-read included)`);
    assert(travel.middle < travel.before && travel.middle > 0, `the middle shows fewer events: ${travel.middle} of ${travel.before}`);
    assert(travel.after === travel.before && travel.now === travel.present, 'the present is restored');
    // dragging the Time slider: frames keep coming while the replays run (gaps recorded in the page)
    await page.evaluate(() => {
      const w = globalThis;
      w.__dragFrames = [];
      w.__dragOn = true;
      const tick = (t) => {
        w.__dragFrames.push(t);
        if (w.__dragOn) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const slider = page.getByRole('slider', { name: 'Time' });
    const sbox = await slider.boundingBox();
    await page.mouse.move(sbox.x + sbox.width - 4, sbox.y + sbox.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 30; i++) await page.mouse.move(sbox.x + sbox.width * (1 - i / 40), sbox.y + sbox.height / 2);
    await page.mouse.up();
    await page.getByTestId('time-travel').waitFor();
    const dragFrames = await page.evaluate(async () => {
      await globalThis.__kmsPlayground.session.travelTo(globalThis.__kmsPlayground.session.now);
      globalThis.__dragOn = false;
      return globalThis.__dragFrames;
    });
    const dragGaps = dragFrames.slice(1).map((t, i) => t - dragFrames[i]).sort((a, b) => a - b);
    console.log(
      `    frames while dragging the Time slider over ${travel.before} items: ${dragFrames.length} frames, median gap ${dragGaps[Math.floor(dragGaps.length / 2)].toFixed(1)} ms, p95 ${dragGaps[Math.floor(dragGaps.length * 0.95)].toFixed(1)} ms, max ${dragGaps[dragGaps.length - 1].toFixed(1)} ms`,
    );
    await page.getByTestId('time-travel').waitFor();
    await page.getByTestId('time-travel').getByRole('button', { name: 'Return to the present' }).click();
    await page.getByTestId('time-travel').waitFor({ state: 'detached' });
  },

  'the state browser windows a key’s 2,000 grants: few rows in the page, each reachable by scrolling and by keys': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, 'e2e=1');
    await tenThousandEvents(page);
    const show = page.getByRole('button', { name: 'Show all 2000 grants' });
    await show.waitFor({ timeout: 30_000 });
    await show.click();
    const region = page.locator('section.state .table-scroll.windowed');
    await region.waitFor();
    const table = region.getByRole('table');
    assert((await table.getAttribute('aria-rowcount')) === '2001', 'the table says it has 2,000 grant rows and a header row');
    const rows = await table.locator('tbody tr.grant').count();
    assert(rows > 10 && rows < 100, `only the rows in view (and a margin) are in the page: ${rows}`);
    assert((await table.locator('thead th').count()) === 6, 'grant, grantee, operations and one column per host');
    const lastIndex = () =>
      page.evaluate(() => {
        const r = document.querySelectorAll('section.state .table-scroll.windowed tbody tr.grant');
        return [r[0]?.getAttribute('aria-rowindex'), r[r.length - 1]?.getAttribute('aria-rowindex')];
      });
    // scrolled to the end: the last grant is drawn
    await region.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForFunction(() => {
      const r = document.querySelectorAll('section.state .table-scroll.windowed tbody tr.grant');
      return r[r.length - 1]?.getAttribute('aria-rowindex') === '2001';
    });
    // with the keys: the region takes the focus, Home scrolls back to the first grant
    await region.focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelector('section.state .table-scroll.windowed tbody tr.grant')?.getAttribute('aria-rowindex') === '2');
    const [first] = await lastIndex();
    assert(first === '2', `the first grant is back in view: ${first}`);
    await page.getByRole('button', { name: 'Show the first 25 grants' }).click();
    await region.waitFor({ state: 'detached' });
  },
};
