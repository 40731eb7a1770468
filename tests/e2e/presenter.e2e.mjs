/**
 * Presenter and audience (issue 7 §6): "Present" opens an audience window that follows the
 * presenter over a BroadcastChannel: same step, same requests, same responses (replayed into its
 * own simulator); a window that opens late catches up; a Reset is followed too.
 */
import { assert, assertEqual, axe, shot } from './helpers.mjs';

// axe-core is injected as an inline script, which the page's CSP (rightly) forbids
export const contextOptions = { bypassCSP: true };

async function openFirstLesson(page, baseUrl) {
  await page.goto(`${baseUrl}lesson.html`);
  const href = await page.locator('ol.lessons h2 a').first().getAttribute('href');
  await page.goto(`${baseUrl}lesson.html${href}&editor=plain`);
  await page.getByRole('button', { name: 'Reset lesson' }).and(page.locator(':enabled')).waitFor();
}

const stepText = (page) => page.getByTestId('step-count').textContent();
const historyText = (page) => page.locator('#history-h + span').textContent();
const responseBody = (page) => page.getByTestId('response-body').textContent();

/** the audience shows the presenter's step, history length and selected response */
async function sameAs(presenter, audience, what) {
  const want = { step: await stepText(presenter), history: await historyText(presenter) };
  await audience.waitForFunction(
    ({ step, history }) =>
      document.querySelector('[data-testid="step-count"]')?.textContent === step && document.querySelector('#history-h + span')?.textContent === history,
    want,
  );
  if (Number.parseInt(want.history, 10) > 0) {
    assertEqual(await responseBody(audience), await responseBody(presenter), `${what}: the same response body`);
    assertEqual(await audience.getByTestId('status-line').textContent(), await presenter.getByTestId('status-line').textContent(), `${what}: the same status`);
  }
}

/** Next until a request step, then Run it */
async function runNextRequest(page) {
  while (!(await page.getByRole('button', { name: 'Run this step' }).count())) await page.getByRole('button', { name: 'Next step' }).click();
  const before = Number.parseInt(await historyText(page), 10);
  await page.getByRole('button', { name: 'Run this step' }).click();
  await page.getByTestId('check').getByText(new RegExp(`request #${before + 1}`)).waitFor();
  await page.getByRole('button', { name: 'Next step' }).click();
}

export default {
  'the audience window follows the presenter step by step, with the same responses': async ({ page, context, baseUrl }) => {
    await openFirstLesson(page, baseUrl);
    const [audience] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Present', exact: true }).click()]);
    assert(new URL(audience.url()).searchParams.get('follow'), `the audience URL names a channel: ${audience.url()}`);
    await audience.getByTestId('follow-status').getByText('Following the presenter.').waitFor();
    assert(await audience.evaluate(() => document.documentElement.classList.contains('presenter')), 'the audience uses large type');
    await sameAs(page, audience, 'at the start');

    await runNextRequest(page);
    await sameAs(page, audience, 'after the first request');
    await runNextRequest(page);
    await sameAs(page, audience, 'after the second request');
    // the timeline comes first in the audience layout
    const [timelineTop, lessonTop] = await Promise.all([audience.locator('#timeline-h').boundingBox(), audience.locator('#lesson-step-h').boundingBox()]);
    assert(timelineTop.y < lessonTop.y, 'timeline above the lesson');
    await audience.screenshot({ path: shot('19-audience'), fullPage: false });
    const v = await axe(audience);
    assert(v.length === 0, `audience: ${JSON.stringify(v, null, 1)}`);

    // a window that opens late catches up
    const late = await context.newPage();
    await late.goto(audience.url());
    await late.getByTestId('follow-status').getByText('Following the presenter.').waitFor();
    await sameAs(page, late, 'late audience');

    // the presenter restarts: both follow
    await page.getByRole('button', { name: 'Reset lesson' }).click();
    await page.getByRole('button', { name: 'Restart the lesson' }).click();
    await page.getByRole('button', { name: 'Reset lesson' }).and(page.locator(':enabled')).waitFor();
    await runNextRequest(page);
    await sameAs(page, audience, 'after Reset and a request');
    await sameAs(page, late, 'late audience after Reset');
  },
};
