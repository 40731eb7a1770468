/** How the X-Amz-Target picker groups the KMS operations. */

export type OperationGroup = 'keys' | 'grants' | 'cryptography' | 'policies';

export const GROUP_LABELS: Record<OperationGroup, string> = {
  keys: 'Keys',
  grants: 'Grants',
  cryptography: 'Cryptography',
  policies: 'Policies',
};

export const GROUP_ORDER: readonly OperationGroup[] = ['keys', 'grants', 'cryptography', 'policies'];

const CRYPTO = /^(Encrypt|Decrypt|ReEncrypt|GenerateDataKey|GenerateMac|GenerateRandom|Sign|Verify|DeriveSharedSecret|GetPublicKey|Encapsulate|Decapsulate)/;

export function groupOf(operation: string): OperationGroup {
  if (/Grant/.test(operation)) return 'grants';
  if (/Polic(y|ies)/.test(operation)) return 'policies';
  if (CRYPTO.test(operation)) return 'cryptography';
  return 'keys';
}

/** The first operations a learner needs come first in each group; the rest alphabetically. */
const PREFERRED = [
  'CreateKey',
  'DescribeKey',
  'ListKeys',
  'CreateAlias',
  'ListAliases',
  'EnableKey',
  'DisableKey',
  'ScheduleKeyDeletion',
  'CancelKeyDeletion',
  'CreateGrant',
  'ListGrants',
  'ListRetirableGrants',
  'RetireGrant',
  'RevokeGrant',
  'Encrypt',
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
];

export interface OperationOption {
  name: string;
  group: OperationGroup;
}

export function groupOperations(names: readonly string[]): { group: OperationGroup; label: string; options: OperationOption[] }[] {
  const rank = (n: string) => {
    const i = PREFERRED.indexOf(n);
    return i < 0 ? PREFERRED.length : i;
  };
  return GROUP_ORDER.map((group) => ({
    group,
    label: GROUP_LABELS[group],
    options: names
      .filter((n) => groupOf(n) === group)
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
      .map((name) => ({ name, group })),
  })).filter((g) => g.options.length > 0);
}

/** Does `name` match the user's filter text? Case-insensitive; also matches the "TrentService." form and initials ("cg" → CreateGrant). */
export function matchesFilter(name: string, filter: string): boolean {
  const f = filter.trim().toLowerCase().replace(/^trentservice\./, '');
  if (!f) return true;
  if (name.toLowerCase().includes(f)) return true;
  const initials = name.replace(/[a-z]/g, '').toLowerCase();
  return initials.startsWith(f);
}

export function apiReferenceUrl(operation: string): string {
  return `https://docs.aws.amazon.com/kms/latest/APIReference/API_${operation}.html`;
}
