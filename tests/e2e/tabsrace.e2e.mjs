/**
 * Two pages of one origin on one workspace, in Chromium on real IndexedDB: no answered request is
 * lost. Page B's workspace loads are slowed down (its IndexedDB getAll answers late), so a Send
 * in B lands while B loads page A's change: it is saved on top of A's work, and what B shows for
 * it is what the database holds. A Send into a workspace page A deleted is refused before it is
 * answered, with a plain message.
 */
import { assert, assertEqual, chooseTarget, openApp, send, setBody } from './helpers.mjs';

const QUERY = 'e2e=1&store=idb&editor=plain';

/** in page B: while globalThis.__slowLoads is set, every getAll answers `ms` late (and is counted) */
function slowLoads(ms) {
  globalThis.__loads = 0;
  const getAll = IDBObjectStore.prototype.getAll;
  IDBObjectStore.prototype.getAll = function (...args) {
    const req = getAll.apply(this, args);
    if (!globalThis.__slowLoads) return req;
    globalThis.__loads++;
    const add = req.addEventListener.bind(req);
    req.addEventListener = (type, listener, opts) => add(type, type === 'success' ? (e) => setTimeout(() => listener.call(req, e), ms) : listener, opts);
    return req;
  };
}

/** what the page's History holds: operation, description sent, status, key id answered */
function historyOf(page) {
  return page.evaluate(() =>
    globalThis.__kmsPlayground.session.history.map((e) => {
      const body = JSON.parse(e.body || '{}');
      let keyId = '';
      try {
        keyId = JSON.parse(e.response?.body || '{}').KeyMetadata?.KeyId ?? '';
      } catch {
        /* not JSON */
      }
      return { op: e.operation, description: body.Description ?? '', status: e.response?.status, keyId };
    }),
  );
}

/** the keys the database holds for the workspace (read in `page` straight from IndexedDB) */
function storedKeys(page, ws) {
  return page.evaluate(
    (id) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('kms-playground');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('keys').objectStore('keys').getAll(IDBKeyRange.bound([id], [id, []]));
          all.onsuccess = () => {
            resolve(all.result.map((r) => ({ keyId: r.record.keyId, description: r.record.description })));
            db.close();
          };
          all.onerror = () => reject(all.error);
        };
      }),
    ws,
  );
}

async function twoPages(context, page, baseUrl) {
  await openApp(page, baseUrl, QUERY);
  const other = await context.newPage();
  await other.addInitScript(slowLoads, 1_500);
  await openApp(other, baseUrl, QUERY);
  const ids = await Promise.all([page, other].map((p) => p.evaluate(() => globalThis.__kmsPlayground.app.current?.id)));
  assert(ids[0] && ids[0] === ids[1], `both pages show one workspace (${ids.join(', ')})`);
  return { other, ws: ids[0] };
}

export default {
  'a Send while the other tab’s change loads is saved on top of it, and shown as saved': async ({ context, page, baseUrl }) => {
    const { other, ws } = await twoPages(context, page, baseUrl);
    // B has its request ready; its next workspace load is slow
    await chooseTarget(other, 'CreateKey');
    await setBody(other, JSON.stringify({ Description: 'from B' }));
    await other.evaluate(() => {
      globalThis.__loads = 0;
      globalThis.__slowLoads = true;
    });
    await chooseTarget(page, 'CreateKey');
    await setBody(page, JSON.stringify({ Description: 'from A' }));
    await send(page);
    // B heard of A's change and is loading the workspace again: Send now
    await other.waitForFunction(() => globalThis.__loads > 0, undefined, { timeout: 10_000 });
    await other.getByRole('button', { name: 'Send', exact: true }).click();
    await other.waitForFunction(() => globalThis.__kmsPlayground.session.history.some((e) => e.body.includes('from B')) && !globalThis.__kmsPlayground.app.working, undefined, {
      timeout: 30_000,
    });
    await other.evaluate(() => (globalThis.__slowLoads = false));
    await other.evaluate(() => globalThis.__kmsPlayground.app.simulator.flush());

    const shown = await historyOf(other);
    const stored = await storedKeys(page, ws);
    assertEqual(stored.map((k) => k.description).sort().join(', '), 'from A, from B', 'both pages’ keys are saved');
    const fromB = shown.find((e) => e.description === 'from B');
    assertEqual(fromB?.status, 200, 'B’s request was answered');
    for (const e of shown.filter((x) => x.op === 'CreateKey')) {
      assert(
        stored.some((k) => k.keyId === e.keyId),
        `the key B shows for “${e.description}” (${e.keyId}) is the saved one`,
      );
    }
    // and the state browser agrees
    await other.waitForFunction(() => document.querySelectorAll('.area-state article.key').length === 2, undefined, { timeout: 10_000 });
    await other.close();
  },

  'a Send into a workspace deleted in another tab is refused before it is answered': async ({ context, page, baseUrl }) => {
    const { other, ws } = await twoPages(context, page, baseUrl);
    await chooseTarget(other, 'CreateKey');
    await setBody(other, JSON.stringify({ Description: 'into the void' }));
    await page.evaluate((id) => globalThis.__kmsPlayground.app.delete(id), ws);
    await other.getByRole('status').filter({ hasText: /deleted in another tab/ }).first().waitFor({ timeout: 10_000 });
    const before = (await historyOf(other)).length;
    await other.getByRole('button', { name: 'Send', exact: true }).click();
    await other.locator('.area-request').getByText(/This request was not sent: this workspace was deleted in another tab/).waitFor({ timeout: 10_000 });
    assertEqual((await historyOf(other)).length, before, 'nothing is shown as answered');
    const logged = await other.evaluate(() => globalThis.__kmsPlayground.app.simulator.log.filter((e) => e.kind === 'request').length);
    assertEqual(logged, 0, 'nothing was sent to the simulator');
    await other.close();
  },
};
