/** Names for what a shared link creates (kept apart from scenario.ts so the shell does not load the codec). */
import type { Scenario } from '../../scenario/format';

/** "Shared scenario 2026-12-01" (the receiver's date) when a scenario has no title */
export function sharedWorkspaceName(scenario: Scenario, today: Date): string {
  const title = scenario.title?.trim();
  if (title) return title;
  const d = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  return `Shared scenario ${d}`;
}
