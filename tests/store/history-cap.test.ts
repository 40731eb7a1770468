/**
 * The History pane's cap: a workspace with more requests than HISTORY_LIMIT shows the latest
 * HISTORY_LIMIT of them, and keeps showing at most that many as more are sent; each entry keeps
 * the number it has in the workspace's whole history.
 */
import './helpers';
import { describe, expect, it } from 'vitest';
import { createMemoryPlaygroundStore, openWorkspaceSimulator } from '../../src/store/index';
import { HISTORY_LIMIT } from '../../src/ui/workspaces/history';
import { bootApp, kmsRequest, OPTIONS, sendAs } from './app-helpers';

describe('the History cap', () => {
  it('never shows more than HISTORY_LIMIT entries, also after a send', async () => {
    const storage = createMemoryPlaygroundStore({ reason: 'test' });
    const ws = await storage.createWorkspace('Big', OPTIONS);
    const sim = await openWorkspaceSimulator(storage, ws.id);
    for (let i = 0; i < HISTORY_LIMIT + 1; i++) await sim.fetch(kmsRequest('ListKeys', {}));
    await sim.flush();
    await storage.setSetting('current-workspace', ws.id);

    const app = await bootApp(storage);
    const s = app.session;
    expect(s.history).toHaveLength(HISTORY_LIMIT);
    expect(s.history[0].n, 'numbered as in the whole workspace').toBe(2);
    expect(s.historyTotal).toBe(HISTORY_LIMIT + 1);
    expect(app.notices.find((n) => n.key === 'history')?.text).toMatch(/latest 2,000 of this workspace’s 2,001/);

    const sent = await sendAs(s, 'ListKeys', {});
    expect(s.history.length, 'the cap holds after a send').toBe(HISTORY_LIMIT);
    expect(sent.n).toBe(HISTORY_LIMIT + 2);
    expect(s.history.at(-1)).toBe(sent);
    expect(s.selected).toBe(sent);
    expect(s.historyTotal).toBe(HISTORY_LIMIT + 2);
    // selecting by number still works with the oldest entries gone
    s.select(3);
    expect(s.selected?.n).toBe(3);
    s.select(1);
    expect(s.selected?.n, 'a dropped entry cannot be selected').toBe(3);
  });
});
