/**
 * The Content-Security-Policy (issue 8 §2) holds for the built app: every page carries it before
 * any script, Monaco works under it (workers, codicon font, injected styles: completion list,
 * hover, diagnostics), requests and the timeline run without a single violation, and code from
 * strings (eval, new Function, string timers, inline scripts) is refused by the page's policy.
 */
import { assert, assertEqual, chooseTarget, openApp, send, setBody, waitForMonaco } from './helpers.mjs';

/** records every violation the page reports, from its very first script on */
function recordViolations() {
  globalThis.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    globalThis.__cspViolations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample });
  });
}

/** violations the page reported, and CSP messages the console printed */
function watch(page) {
  const consoleCsp = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) consoleCsp.push(m.text());
  });
  return {
    consoleCsp,
    violations: () => page.evaluate(() => globalThis.__cspViolations.splice(0)),
  };
}

const policyOf = (html) => [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)].map((m) => m[1]);

export default {
  'every page carries the policy before any script: no inline script, no eval, workers from self': async ({ page, baseUrl }) => {
    const sw = await (await fetch(new URL('sw.js', baseUrl))).text();
    const pages = JSON.parse(/const ASSETS = (\[[^\]]*\])/.exec(sw)[1]).filter((a) => a.endsWith('.html'));
    assert(pages.includes('index.html'), 'index.html is built');
    let first;
    for (const p of pages) {
      const html = await (await fetch(new URL(p, baseUrl))).text();
      const policies = policyOf(html);
      assertEqual(policies.length, 1, `${p}: one Content-Security-Policy meta`);
      const policy = policies[0];
      first ??= policy;
      assertEqual(policy, first, `${p}: the same policy as ${pages[0]}`);
      const directives = Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      assertEqual(directives['script-src']?.join(' '), "'self'", `${p}: script-src 'self' only`);
      assertEqual(directives['worker-src']?.join(' '), "'self'", `${p}: worker-src 'self'`);
      assertEqual(directives['object-src']?.join(' '), "'none'", `${p}: object-src 'none'`);
      assert(!policy.includes('unsafe-eval') && !/script-src[^;]*unsafe-inline/.test(policy), `${p}: no unsafe-eval, no inline script`);
      const metaAt = html.search(/<meta\s+http-equiv="Content-Security-Policy"/i);
      const scriptAt = html.search(/<script|<link\s[^>]*rel="(stylesheet|modulepreload)"/i);
      assert(scriptAt < 0 || metaAt < scriptAt, `${p}: the policy comes before the first script or stylesheet`);
      assert(!/<script(?![^>]*\ssrc=)[^>]*>/i.test(html), `${p}: no inline <script>`);
      // the page itself loads with the policy in force
      await page.goto(new URL(p, baseUrl).href);
      const live = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'));
      assertEqual(live, policy, `${p}: the policy is in the live page`);
    }
  },

  'Monaco, requests and the timeline run with zero violations; eval and inline script are refused': async ({ page, baseUrl, consoleErrors }) => {
    await page.setViewportSize({ width: 1280, height: 1100 });
    await page.addInitScript(recordViolations);
    const { consoleCsp, violations } = watch(page);
    await openApp(page, baseUrl, 'e2e=1');
    await waitForMonaco(page);

    // completion list (worker + suggest widget + codicons)
    await chooseTarget(page, 'CreateKey');
    await setBody(page, '{\n  "\n}');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await page.keyboard.press('Control+Space');
    await page.locator('.monaco-editor .suggest-widget .monaco-list-row').filter({ hasText: 'Description' }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Escape');
    // hover (our markdown docs rendered by Monaco)
    await setBody(page, '{\n  "Description": "under the policy"\n}');
    await page.keyboard.press('ControlOrMeta+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ControlOrMeta+K');
    await page.keyboard.press('ControlOrMeta+I');
    await page.locator('.monaco-hover-content').filter({ hasText: 'Description' }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Escape');
    // a diagnostic
    await setBody(page, '{\n  "KeySpec": "NOT_A_SPEC",\n}');
    await page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning').first().waitFor({ timeout: 20_000 });
    // the codicon font loaded (it is a font file from self)
    const codicon = await page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts].some((f) => /codicon/i.test(f.family) && f.status === 'loaded');
    });
    assert(codicon, 'the codicon font is loaded');

    // requests and the timeline
    await setBody(page, '{\n  "Description": "csp"\n}');
    const key = await send(page);
    assert(key.status.startsWith('HTTP/1.1 200'), `CreateKey: ${key.status}`);
    await chooseTarget(page, 'CreateGrant');
    await setBody(page, JSON.stringify({ KeyId: key.json.KeyMetadata.KeyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/App', Operations: ['Encrypt'] }, null, 2));
    const grant = await send(page);
    assert(grant.status.startsWith('HTTP/1.1 200'), `CreateGrant: ${grant.status}`);
    await page.getByRole('button', { name: 'Play' }).click();
    await page.getByRole('button', { name: 'Settle' }).click();
    if (await page.getByRole('button', { name: 'Pause' }).count()) await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Fit all' }).click();
    await page.getByText(/Events as a table/).click();
    await page.locator('details.events tbody tr').first().waitFor();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

    const seen = await violations();
    assertEqual(JSON.stringify(seen), '[]', 'no CSP violation while using the app');
    assertEqual(consoleCsp.join('\n'), '', 'no CSP message in the console');

    // code from strings is refused by the page's own policy: each attempt runs in a task of the
    // page (a timer callback, a script element, an attribute handler), not in the test's own
    // evaluation, and the page reports each refusal as a violation
    const refused = await page.evaluate(async () => {
      const attempt = (f) => {
        try {
          f();
          return 'ran';
        } catch (e) {
          return e?.name ?? String(e);
        }
      };
      globalThis.__ran = [];
       
      const viaEval = await new Promise((r) => setTimeout(() => r(attempt(() => globalThis.eval('globalThis.__ran.push("eval")'))), 0));
      const viaFunction = await new Promise((r) => setTimeout(() => r(attempt(() => new Function('globalThis.__ran.push("Function")')())), 0));
      setTimeout('globalThis.__ran.push("setTimeout string")', 0);
      const s = document.createElement('script');
      s.textContent = 'globalThis.__ran.push("inline script")';
      document.head.append(s);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'globalThis.__ran.push("inline handler")');
      img.src = 'data:,not-an-image';
      document.body.append(img);
      await new Promise((r) => setTimeout(r, 200));
      img.remove();
      s.remove();
      return { viaEval, viaFunction, ran: globalThis.__ran };
    });
    assertEqual(refused.viaEval, 'EvalError', 'eval() throws EvalError');
    assertEqual(refused.viaFunction, 'EvalError', 'new Function() throws EvalError');
    assertEqual(refused.ran.join(), '', 'no string of code ran');
    const reported = await violations();
    const directives = reported.map((v) => `${v.directive} ${v.blocked}`);
    assert(directives.filter((d) => d === 'script-src eval').length >= 3, `eval, new Function and setTimeout(string) reported: ${directives.join(', ')}`);
    assert(directives.some((d) => d.startsWith('script-src-elem inline')), `inline script reported: ${directives.join(', ')}`);
    assert(directives.some((d) => d.startsWith('script-src-attr inline')), `inline handler reported: ${directives.join(', ')}`);
    // the browser prints the refusals it just made: expected here, and only these
    const unexpected = consoleErrors.filter((m) => !/Content Security Policy/i.test(m));
    consoleErrors.splice(0, consoleErrors.length, ...unexpected);
  },
};
