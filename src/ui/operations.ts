/** The X-Amz-Target picker's operation groups (keys, grants, cryptography, policies) and its filter. */

export interface OperationGroup {
  label: string;
  operations: readonly string[];
}

/** the engine's groups (a record keyed by label, in display order) as a list */
export function groupsFrom(record: Readonly<Record<string, readonly string[]>>): OperationGroup[] {
  return Object.entries(record).map(([label, operations]) => ({ label, operations }));
}

/** Does `name` match the user's filter text? Case-insensitive; also matches the "TrentService." form and initials ("cg" → CreateGrant). */
function matchesFilter(name: string, filter: string): boolean {
  const f = normalizeTarget(filter).toLowerCase();
  if (!f) return true;
  if (name.toLowerCase().includes(f)) return true;
  const initials = name.replace(/[a-z]/g, '').toLowerCase();
  return initials.startsWith(f);
}

/** "TrentService.CreateGrant " → "CreateGrant" */
export function normalizeTarget(text: string): string {
  return text.trim().replace(/^trentservice\./i, '');
}

export function filterGroups(groups: readonly OperationGroup[], filter: string): OperationGroup[] {
  return groups
    .map((g) => ({ label: g.label, operations: g.operations.filter((o) => matchesFilter(o, filter)) }))
    .filter((g) => g.operations.length > 0);
}

export function apiReferenceUrl(operation: string): string {
  return `https://docs.aws.amazon.com/kms/latest/APIReference/API_${operation}.html`;
}
