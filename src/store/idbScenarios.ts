/** Saved scenarios (checked with parseScenario on the way in and out) and settings on IndexedDB. */
import { parseScenario } from '../scenario/format';
import type { IdbContext } from './idbConnection';
import type { SavedScenario } from './schema';
import type { PlaygroundStore } from './types';
import { checkName, newScenarioId } from './util';

export type ScenarioMethods = Pick<PlaygroundStore, 'listScenarios' | 'saveScenario' | 'deleteScenario' | 'getSetting' | 'setSetting'>;

export function scenarioMethods(ctx: IdbContext): ScenarioMethods {
  const { clock } = ctx;
  return {
    async listScenarios() {
      const rows = await ctx.db().getAllFromIndex('scenarios', 'by-updated');
      const out: SavedScenario[] = [];
      for (const r of rows.reverse()) {
        const p = parseScenario(r.scenario);
        if (p.ok) out.push({ ...r, scenario: p.scenario });
      }
      return out;
    },

    async saveScenario(s) {
      const p = parseScenario(s.scenario);
      if (!p.ok) throw new TypeError(`Not a valid scenario: ${p.detail}`);
      checkName(s.name);
      const tx = ctx.db().transaction('scenarios', 'readwrite', { durability: 'strict' });
      const id = s.id ?? newScenarioId();
      const before = s.id === undefined ? undefined : await tx.store.get(id);
      const now = clock();
      const row: SavedScenario = { id, name: s.name, created: before?.created ?? now, updated: now, scenario: p.scenario };
      await Promise.all([tx.store.put(row), tx.done]);
      return row;
    },

    async deleteScenario(id) {
      await ctx.db().delete('scenarios', id);
    },

    async getSetting<T>(key: string) {
      return (await ctx.db().get('settings', key))?.value as T | undefined;
    },

    async setSetting(key, value) {
      await ctx.db().put('settings', { key, value });
    },
  };
}
