/**
 * A workspace at the quota of grants per key (50,000) makes the whole round trip in the UI:
 * exported as a file, imported into a page that keeps it in IndexedDB, opened (History, the
 * timeline, the state browser), and loaded again after a reload. Loading it once said every one
 * of its 250,000 events to the live region in one call with an argument per line, which overflowed
 * the stack ("Maximum call stack size exceeded"), and the imported workspace could not be opened.
 */
import { assert, assertEqual, openApp } from './helpers.mjs';

/** filling, exporting, importing and reloading a 134 MB workspace takes about a minute here */
export const timeoutMs = 300_000;

export default {
  'a workspace at the quota (50,000 grants on a key) is exported, imported, opened and reloaded whole': async ({ page, context, baseUrl }) => {
    const GRANTS = 50_000;
    // the file is made in a page that keeps its workspace in memory (50,000 commits to IndexedDB
    // would take a quarter of an hour), then imported in a page that keeps it in IndexedDB
    const target = await context.newPage();
    await openApp(target, baseUrl, 'e2e=1&store=idb&editor=plain');
    await target.evaluate(() => {
      globalThis.__file = new Promise((resolve) => {
        const ch = new BroadcastChannel('e2e-quota-file');
        ch.onmessage = (e) => {
          ch.close();
          resolve(e.data);
        };
      });
    });
    await openApp(page, baseUrl, 'e2e=1&editor=plain');
    await page.waitForFunction(() => globalThis.__kmsPlayground !== undefined);
    const made = await page.evaluate(async (count) => {
      const { session, app } = globalThis.__kmsPlayground;
      session.setTarget('CreateKey');
      session.body = '{}';
      const keyId = JSON.parse((await session.send()).response.body).KeyMetadata.KeyId;
      const sim = await globalThis.__kmsPlayground.sim;
      const post = (body) =>
        sim.fetch(
          new Request('https://kms.us-east-1.amazonaws.com/', {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.CreateGrant' },
            body: JSON.stringify(body),
          }),
        );
      let ok = 0;
      for (let i = 0; i < count; i += 500) {
        const batch = [];
        for (let j = i; j < Math.min(count, i + 500); j++) batch.push(post({ KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/App', Operations: ['Encrypt'] }));
        for (const r of await Promise.all(batch)) if (r.status === 200) ok++;
        sim.clock.advance(1000);
      }
      // one more is over the quota
      const over = await post({ KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/App', Operations: ['Encrypt'] });
      sim.clock.settle();
      const { text } = await app.exportFile(app.current.id);
      new BroadcastChannel('e2e-quota-file').postMessage(text);
      return { ok, over: over.status, overType: (await over.json()).__type, events: sim.events.length, log: sim.log.length, bytes: text.length };
    }, GRANTS);
    assertEqual(made.ok, GRANTS, 'every grant up to the quota was made');
    assertEqual(`${made.over} ${made.overType}`, '400 LimitExceededException', 'one more is over the quota');
    console.log(`    a workspace of ${made.log} requests and ${made.events} events: a file of ${(made.bytes / 1e6).toFixed(0)} MB`);
    await page.close();

    const opened = async () =>
      target.evaluate(async () => {
        const { app } = globalThis.__kmsPlayground;
        while (app.working || !app.ready) await new Promise((r) => setTimeout(r, 50));
        const { session } = globalThis.__kmsPlayground;
        await session.refreshWorld();
        return {
          id: app.current?.id,
          name: app.current?.name,
          errors: app.notices.filter((n) => n.kind !== 'info').map((n) => n.text),
          notices: app.notices.map((n) => n.text),
          requests: session.historyTotal,
          events: session.sim.events.length,
          indexed: session.index.items.length,
          grants: session.world.keys.reduce((n, k) => n + k.grants.length, 0),
          header: document.querySelector('#history-h + span')?.textContent,
        };
      });
    const imported = await target.evaluate((async () => {
      const text = await globalThis.__file;
      return globalThis.__kmsPlayground.app.importFile(text);
    }));
    assert(imported.ok, `imported: ${JSON.stringify(imported)}`);
    const after = await opened();
    assertEqual(after.errors.join(' | '), '', 'no warning or error: the imported workspace opened');
    assert(after.notices.some((t) => t.includes(`latest 2,000 of this workspace’s ${(GRANTS + 2).toLocaleString('en-US')} requests`)), `History says it shows the latest 2,000: ${after.notices.join(' | ')}`);
    assertEqual(after.id, imported.id, 'the imported workspace is the one shown');
    assertEqual(after.events, made.events, 'every event came back');
    assert(after.indexed > 4 * GRANTS, `the timeline indexed them: ${after.indexed}`);
    // the key, the grants, and the one over the quota (the log also holds the clock's moves)
    assertEqual(after.requests, GRANTS + 2, 'History counts every request');
    assert(after.header?.startsWith(`${GRANTS + 2} requests`), `the History header says so: ${after.header}`);
    assertEqual(after.grants, 10_000, 'the state browser shows its cap of grants');

    // reloaded, the workspace comes back from IndexedDB as it was
    await target.reload();
    await target.getByRole('combobox', { name: 'X-Amz-Target' }).waitFor();
    await target.waitForFunction(() => globalThis.__kmsPlayground !== undefined);
    const reloaded = await opened();
    assertEqual(reloaded.errors.join(' | '), '', 'no warning or error after the reload');
    assertEqual(reloaded.id, imported.id, 'the imported workspace is still the one shown');
    assertEqual(`${reloaded.events} ${reloaded.requests}`, `${made.events} ${GRANTS + 2}`, 'every event and request after the reload');
  },
};
