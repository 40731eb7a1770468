/** Shared steps for the e2e tests: they act as a user would (roles, names, keyboard, clipboard). */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = join(root, 'docs/screenshots');

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

export function assertEqual(actual, expected, message) {
  if (actual !== expected) throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** opens the app and waits for the state browser's first read */
export async function openApp(page, baseUrl, query = '') {
  await page.goto(baseUrl + (query ? `?${query}` : ''));
  await page.getByRole('combobox', { name: 'X-Amz-Target' }).waitFor();
  await page.getByText('Create a key to begin.').first().waitFor();
}

/** waits until Monaco has replaced the textarea */
export async function waitForMonaco(page) {
  await page.locator('[data-editor="monaco"] .monaco-editor').waitFor({ timeout: 30_000 });
}

/** chooses an operation in the X-Amz-Target combobox by typing its name */
export async function chooseTarget(page, operation) {
  const box = page.getByRole('combobox', { name: 'X-Amz-Target' });
  await box.click();
  await box.fill(operation);
  await page.getByRole('option', { name: operation, exact: true }).waitFor();
  await box.press('Enter');
  await assertValue(box, operation);
}

export async function assertValue(locator, expected) {
  const v = await locator.inputValue();
  if (v !== expected) throw new Error(`expected value ${expected}, got ${v}`);
}

export async function chooseCaller(page, label) {
  await page.getByRole('combobox', { name: 'Caller' }).selectOption({ label });
}

/**
 * Replaces the body. In Monaco: select all and paste from the clipboard (exact for multi-line
 * JSON, docs/architecture.md, Tests); in the plain editor: fill the textarea.
 */
export async function setBody(page, text) {
  const monaco = page.locator('[data-editor="monaco"] .monaco-editor');
  if (await monaco.count()) {
    await monaco.click();
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+V');
  } else {
    await page.getByRole('textbox', { name: 'Request body (JSON)' }).fill(text);
  }
}

/** clicks Send and waits for the response of history entry n */
export async function send(page) {
  const before = await historyCount(page);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await waitForHistory(page, before + 1);
  return readResponse(page);
}

export async function historyCount(page) {
  const text = await page.locator('#history-h + span').textContent();
  return Number.parseInt(text ?? '0', 10) || 0;
}

export async function waitForHistory(page, n) {
  await page.waitForFunction((want) => {
    const el = document.querySelector('#history-h + span');
    return el && Number.parseInt(el.textContent ?? '0', 10) >= want;
  }, n);
}

/** the response pane as text: status line, body (raw), decision */
export async function readResponse(page) {
  const status = (await page.getByTestId('status-line').textContent())?.trim() ?? '';
  const bodyLoc = page.getByTestId('response-body');
  const body = (await bodyLoc.count()) ? ((await bodyLoc.textContent()) ?? '') : '';
  const decisionLoc = page.getByTestId('decision');
  const decision = (await decisionLoc.count()) ? ((await decisionLoc.textContent()) ?? '') : '';
  let json;
  try {
    json = body ? JSON.parse(body) : undefined;
  } catch {
    json = undefined;
  }
  return { status, body, json, decision };
}

export function shot(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}

/** runs axe-core in the page and returns its violations */
export async function axe(page, options = {}) {
  const source = readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  return page.evaluate(async (opts) => {
     
    const result = await window.axe.run(document, { resultTypes: ['violations'], ...opts });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} :: ${n.failureSummary}`) }));
  }, options);
}

/**
 * Frame gaps while something animates: the times between `frames` consecutive
 * requestAnimationFrame callbacks in the page, sorted, with their median, p95 and max (ms).
 * Used by the scale test and bench/ui.mjs; printed, never asserted against a time.
 */
export async function frameGaps(page, frames) {
  const times = await page.evaluate(
    (n) =>
      new Promise((resolve) => {
        const t = [];
        const tick = (now) => {
          t.push(now);
          if (t.length < n) requestAnimationFrame(tick);
          else resolve(t);
        };
        requestAnimationFrame(tick);
      }),
    frames,
  );
  const gaps = times
    .slice(1)
    .map((t, i) => t - times[i])
    .sort((a, b) => a - b);
  return { gaps, median: gaps[Math.floor(gaps.length / 2)], p95: gaps[Math.floor(gaps.length * 0.95)], max: gaps[gaps.length - 1] };
}

/**
 * On a page opened with ?e2e=1: 2,000 grants sent straight to the simulator through the setup
 * hook (5 events each: the request, the change, 3 arrivals), spread over virtual time and
 * settled; returns the number of events (just over 10,000). Shared by the scale test and bench/ui.
 */
export async function tenThousandEvents(page) {
  await page.waitForFunction(() => globalThis.__kmsPlayground !== undefined);
  return page.evaluate(async () => {
    const { session } = globalThis.__kmsPlayground;
    const sim = await globalThis.__kmsPlayground.sim;
    const post = (target, body) =>
      sim.fetch(
        new Request('https://kms.us-east-1.amazonaws.com/', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` },
          body: JSON.stringify(body),
        }),
      );
    const key = await (await post('CreateKey', {})).json();
    for (let i = 0; i < 2000; i++) {
      await post('CreateGrant', { KeyId: key.KeyMetadata.KeyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/App', Operations: ['Encrypt'] });
      if (i % 20 === 19) sim.clock.advance(1000);
    }
    sim.clock.settle();
    await new Promise((r) => setTimeout(r, 50));
    session.commit();
    return sim.events.length;
  });
}
