/**
 * The name an imported workspace gets. Loaded with the first import of a file (WorkspaceApp
 * imports it then), not with the page.
 */
import { LIMITS } from '../../scenario/limits';

/** the workspace name a workspace file carries, if any */
export function fileWorkspaceName(doc: unknown): string | undefined {
  const ws = doc && typeof doc === 'object' ? (doc as { workspace?: unknown }).workspace : undefined;
  const name = ws && typeof ws === 'object' ? (ws as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.trim() ? name.trim() : undefined;
}

/**
 * The name an imported workspace gets: the file's own, unless a workspace has it already; then
 * "<name> (imported)", then "<name> (imported) 2", 3, … (a file without a name: "Imported workspace").
 */
export function importedName(name: string | undefined, taken: ReadonlySet<string>): string {
  const base = name ?? 'Imported workspace';
  if (!taken.has(base)) return base;
  // a name is at most NAME_MAX characters: the base gives way to the suffix
  const withSuffix = (suffix: string) => `${base.slice(0, NAME_MAX - suffix.length).trimEnd()}${suffix}`;
  const imported = withSuffix(' (imported)');
  if (!taken.has(imported)) return imported;
  for (let i = 2; ; i++) {
    const next = withSuffix(` (imported) ${i}`);
    if (!taken.has(next)) return next;
  }
}

/** the longest workspace name the store takes (a shared title's limit) */
const NAME_MAX = LIMITS.titleLength;
