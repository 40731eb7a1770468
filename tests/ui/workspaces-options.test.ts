/**
 * A workspace's stored options are input (a database written by an older version, or by hand):
 * the simulator runs on the store's checked copy, and so do the Session's settings and the
 * History's replay.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';
import { createMemoryPlaygroundStore, type WorkspaceOptions } from '../../src/store/index';
import { CURRENT_SETTING } from '../../src/ui/workspaces/WorkspaceApp.svelte';
import { APP, OPTIONS, bootApp } from '../store/app-helpers';

describe('a workspace with stored options the check rewrites', () => {
  it('gives the Session and the History replay the checked options, as the simulator has', async () => {
    const storage = createMemoryPlaygroundStore({ name: 'options-test' });
    // a principal with a member the check drops
    const raw = { ...OPTIONS, principals: [{ arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01', stray: 'x' }] } as unknown as WorkspaceOptions;
    const ws = await storage.createWorkspace('Raw', raw);
    await storage.setSetting(CURRENT_SETTING, ws.id);
    const scratched: WorkspaceOptions[] = [];
    const app = await bootApp(storage, {
      scratch: (o) => {
        scratched.push(o);
        return createSimulator({ ...o });
      },
    });
    expect(app.current?.id).toBe(ws.id);
    expect(app.session.config.principals).toEqual([{ arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01' }]);
    expect(scratched.length).toBeGreaterThan(0);
    for (const o of scratched) expect(JSON.stringify(o)).not.toContain('stray');
  });
});
