/**
 * embed.html inside an iframe on a docs-like page: runs a lesson and a shared (#s=) scenario,
 * step by step and all at once, with an edited body; the "Open in the full playground" link
 * carries the scenario; a broken link shows its typed error inline.
 */
import { assert, assertEqual, axe, shot } from './helpers.mjs';

// the test serves its own docs page with page.route, which a service worker would bypass;
// axe-core is injected as an inline script, which the page's CSP (rightly) forbids
export const contextOptions = { serviceWorkers: 'block', bypassCSP: true };

/** a page that embeds `src` as the docs snippet does (docs/embed.md) */
async function docsPage(page, baseUrl, src) {
  const url = `${baseUrl}docs-page-${Math.random().toString(36).slice(2)}.html`;
  // served by the test itself: a docs page of the same site, embedding the player as docs/embed.md shows
  await page.route(url, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body:
        `<!doctype html><html lang="en"><head><title>Docs</title></head><body><main><h1>Grant tokens</h1><p>Try it:</p>` +
        `<iframe title="KMS grant scenario" src="${src}" width="1100" height="760" style="border:1px solid #ccc"></iframe></main></body></html>`,
    }),
  );
  await page.goto(url);
  return page.frameLocator('iframe[title="KMS grant scenario"]');
}

async function firstLessonId(page, baseUrl) {
  await page.goto(`${baseUrl}lesson.html`);
  const href = await page.locator('ol.lessons h2 a').first().getAttribute('href');
  return new URLSearchParams(href.slice(1)).get('lesson');
}

export default {
  'an embedded lesson runs step by step and all at once; the playground link carries the scenario': async ({ page, baseUrl }) => {
    const id = await firstLessonId(page, baseUrl);
    const frame = await docsPage(page, baseUrl, `${baseUrl}embed.html?lesson=${id}`);
    const progress = frame.getByTestId('embed-progress');
    await progress.getByText(/^Next: step 1 of \d+$/).waitFor();
    const total = Number(/of (\d+)/.exec(await progress.textContent())[1]);

    // Step until the first request has answered
    for (let i = 0; i < total && !(await frame.getByTestId('status-line').count()); i++) await frame.getByRole('button', { name: 'Step', exact: true }).click();
    await frame.getByTestId('status-line').waitFor();
    await frame.getByRole('button', { name: 'Run all' }).click();
    await progress.getByText(`All ${total} steps ran.`).waitFor();
    const checks = await frame.locator('ol.steps p.ok, ol.steps p.bad').allTextContents();
    assert(checks.length > 0 && checks.every((c) => c.startsWith('✓')), `every check passes in the embed: ${JSON.stringify(checks)}`);
    await page.screenshot({ path: shot('18-embed'), fullPage: false });

    const link = frame.getByRole('link', { name: 'Open in the full playground' });
    const href = await link.getAttribute('href');
    assert(/\/index\.html#s=v\d+\./.test(href), `the link opens the playground with the scenario: ${href}`);

    // the same fragment, embedded, is the same scenario
    const fragment = href.slice(href.indexOf('#'));
    const shared = await docsPage(page, baseUrl, `${baseUrl}embed.html${fragment}`);
    await shared.getByTestId('embed-progress').getByText(`Next: step 1 of ${total}`).waitFor();
    assertEqual(await shared.getByRole('link', { name: 'Open in the full playground' }).getAttribute('href'), href, 'the shared embed links to the same scenario');
  },

  'a body edited in the embed is what gets sent': async ({ page, baseUrl }) => {
    const id = await firstLessonId(page, baseUrl);
    const frame = await docsPage(page, baseUrl, `${baseUrl}embed.html?lesson=${id}`);
    // the first request step's body
    const body = frame.locator('textarea.body').first();
    await body.waitFor();
    await body.fill('{ "Description": "edited in the docs" ');
    // Run all stops at the broken body and says why
    await frame.getByRole('button', { name: 'Run all' }).click();
    await frame.getByRole('alert').getByText(/is not valid JSON/).waitFor();
    await body.fill('{ "Description": "edited in the docs" }');
    await frame.getByRole('button', { name: 'Step', exact: true }).click();
    await frame.getByTestId('status-line').waitFor();
    const text = await frame.getByTestId('response-body').textContent();
    if ((await frame.locator('ol.steps li').first().locator('code').first().textContent()) === 'CreateKey') {
      assert(text.includes('edited in the docs'), `the edited body was sent: ${text.slice(0, 200)}`);
    }
  },

  'a body that uses an earlier response reads in words until that step ran, then shows what is sent': async ({ page, baseUrl }) => {
    const id = await firstLessonId(page, baseUrl);
    const frame = await docsPage(page, baseUrl, `${baseUrl}embed.html?lesson=${id}`);
    await frame.getByTestId('embed-progress').getByText(/^Next: step 1 of \d+$/).waitFor();
    const stepsList = frame.locator('ol.steps');
    // before anything ran: no template syntax anywhere, the reference reads as words
    const template = stepsList.getByTestId('body-template').first();
    await template.waitFor();
    const chip = template.locator('.ref').first();
    const label = await chip.textContent();
    const m = /^«([\w.]+) from step (\d+)»$/.exec(label);
    assert(m, `a reference reads «Member from step N»: ${label}`);
    const [, member, from] = m;
    assert(!(await stepsList.innerText()).includes('{{'), 'no {{…}} is shown to the reader');
    const tag = await template.evaluate((el) => el.closest('li').querySelector('h2').textContent);

    // run up to and including the referenced step
    for (let i = 0; i < Number(from); i++) await frame.getByRole('button', { name: 'Step', exact: true }).click();
    await frame.getByTestId('embed-progress').getByText(`Next: step ${Number(from) + 1} of`, { exact: false }).waitFor();
    const response = JSON.parse(await frame.getByTestId('response-body').textContent());
    const value = member.split('.').reduce((o, k) => o?.[k], response);
    assert(typeof value === 'string' && value.length > 0, `the referenced response has ${member}: ${JSON.stringify(response).slice(0, 200)}`);

    // the step that used it now shows the value that will be sent, editable
    const card = stepsList.locator('li', { has: frame.locator('h2', { hasText: tag }) });
    const body = card.locator('textarea.body');
    await body.waitFor();
    const text = await body.inputValue();
    assert(text.includes(JSON.stringify(value)), `the body holds the resolved ${member}: ${text}`);
    assert(!text.includes('{{'), `no template left in the body: ${text}`);
    await card.getByTestId('body-filled').waitFor();
    // and Step sends it: the step's check passes (with the template sent as is, KMS would refuse the KeyId)
    while (!(await card.getAttribute('aria-current'))) await frame.getByRole('button', { name: 'Step', exact: true }).click();
    await frame.getByRole('button', { name: 'Step', exact: true }).click();
    const verdict = await card.locator('p.ok, p.bad').textContent();
    assert(verdict.startsWith('✓'), `the step with the filled-in body passes its check: ${verdict}`);
  },

  'no axe violations in the embed, after a run and on an error': async ({ page, baseUrl }) => {
    const id = await firstLessonId(page, baseUrl);
    await page.goto(`${baseUrl}embed.html?lesson=${id}`);
    // before a run: bodies with references shown in words
    await page.getByTestId('body-template').first().waitFor();
    let v = await axe(page);
    assert(v.length === 0, `embed before a run: ${JSON.stringify(v, null, 1)}`);
    await page.getByRole('button', { name: 'Run all' }).click();
    await page.getByTestId('embed-progress').getByText(/^All \d+ steps ran\.$/).waitFor();
    v = await axe(page);
    assert(v.length === 0, `embed: ${JSON.stringify(v, null, 1)}`);
    await page.goto(`${baseUrl}embed.html#s=v2.broken!`);
    await page.getByTestId('embed-error').waitFor();
    v = await axe(page);
    assert(v.length === 0, `embed error: ${JSON.stringify(v, null, 1)}`);
  },

  'a broken link shows its typed error inline': async ({ page, baseUrl, consoleErrors }) => {
    const frame = await docsPage(page, baseUrl, `${baseUrl}embed.html#s=v2.not-a-scenario!!`);
    const error = frame.getByTestId('embed-error');
    await error.waitFor();
    assertEqual(await error.getAttribute('data-error'), 'bad-encoding', 'typed error');
    const frame2 = await docsPage(page, baseUrl, `${baseUrl}embed.html#s=v99.AAAA`);
    await frame2.getByTestId('embed-error').waitFor();
    assertEqual(await frame2.getByTestId('embed-error').getAttribute('data-error'), 'unknown-version', 'typed error');
    assertEqual(consoleErrors.length, 0, 'no console errors');
  },
};
