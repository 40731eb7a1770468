/**
 * Which grant operations a key can carry (docs/sources.md, Grants, from the Developer Guide's grant
 * concepts and key-type tables): "you cannot create a grant for a symmetric encryption KMS key
 * that allows the Sign operation, or a grant for an asymmetric KMS key that allows the
 * GenerateDataKey operation. If you try, KMS returns a ValidationError exception."
 */
import type { KeyRecord, GrantRecord, GrantConstraints } from '../../world';
import { containsPairs, lowerCaseKeys, ownStringMap } from '../maps';
import { decodeBase64Lenient, encodeBase64, latin1Bytes, latin1Text } from '../../util/base64';

const ALWAYS = ['DescribeKey', 'CreateGrant', 'RetireGrant'];
const CRYPT = ['Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo'];
const DATA_KEYS = ['GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext'];

/** keySpec -> keyUsage -> operations (no key string to build on every CreateGrant) */
const cache = new Map<string, Map<string, ReadonlySet<string>>>();

export function grantOperationsFor(key: Pick<KeyRecord, 'keySpec' | 'keyUsage'>): ReadonlySet<string> {
  let byUsage = cache.get(key.keySpec);
  if (!byUsage) cache.set(key.keySpec, (byUsage = new Map()));
  let set = byUsage.get(key.keyUsage);
  if (!set) byUsage.set(key.keyUsage, (set = computeGrantOperations(key)));
  return set;
}

function computeGrantOperations(key: Pick<KeyRecord, 'keySpec' | 'keyUsage'>): ReadonlySet<string> {
  const ops = [...ALWAYS];
  const symmetric = key.keySpec === 'SYMMETRIC_DEFAULT';
  switch (key.keyUsage) {
    case 'ENCRYPT_DECRYPT':
      ops.push(...CRYPT);
      if (symmetric) ops.push(...DATA_KEYS);
      else ops.push('GetPublicKey');
      break;
    case 'SIGN_VERIFY':
      ops.push('Sign', 'Verify', 'GetPublicKey');
      break;
    case 'GENERATE_VERIFY_MAC':
      ops.push('GenerateMac', 'VerifyMac');
      break;
    case 'KEY_AGREEMENT':
      ops.push('DeriveSharedSecret', 'GetPublicKey');
      break;
    case 'ENCAPSULATE_DECAPSULATE':
      ops.push('Encapsulate', 'Decapsulate', 'GetPublicKey');
      break;
  }
  return new Set(ops);
}

/** Name idempotency compares "the same properties as an existing grant, including the name" */
export function sameGrantParameters(
  g: GrantRecord,
  p: { grantee?: string; granteeService?: string; retiring?: string; retiringService?: string; operations: string[]; constraints?: GrantConstraints },
): boolean {
  if (g.granteePrincipal !== p.grantee || g.granteeServicePrincipal !== p.granteeService) return false;
  if (g.retiringPrincipal !== p.retiring || g.retiringServicePrincipal !== p.retiringService) return false;
  const a = new Set(g.operations);
  const b = new Set(p.operations);
  if (a.size !== b.size || [...a].some((o) => !b.has(o))) return false;
  return canonical(g.constraints) === canonical(p.constraints);
}

export function canonical(c: GrantConstraints | undefined): string {
  if (!c) return '';
  // pairs, not an object: a JSON array keeps a `__proto__` key as it keeps any other
  const sort = (m?: Record<string, string>) => (m ? Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : null);
  return JSON.stringify([sort(c.EncryptionContextEquals), sort(c.EncryptionContextSubset), c.SourceArn ?? null]);
}

/**
 * A grantee that holds CreateGrant through a grant may pass on only a subset of its
 * operations, with constraints as strict or stricter: it may add pairs to a Subset, or turn
 * a Subset into an Equals that contains it, but not the reverse (Developer Guide,
 * create-grant-overview, "Granting CreateGrant permission").
 */
export function childExceedsParent(parent: GrantRecord, ops: string[], c: GrantConstraints | undefined): string | null {
  const extra = ops.filter((o) => !parent.operations.includes(o));
  if (extra.length) return `the parent grant does not allow ${extra.join(', ')}`;
  const pc = parent.constraints;
  if (!pc) return null;
  const lower = lowerCaseKeys;
  const contains = (big: Record<string, string>, small: Record<string, string>) => containsPairs(lower(big), lower(small));
  if (pc.EncryptionContextEquals) {
    if (!c?.EncryptionContextEquals || canonical({ EncryptionContextEquals: lower(c.EncryptionContextEquals) }) !== canonical({ EncryptionContextEquals: lower(pc.EncryptionContextEquals) })) {
      return 'the parent grant requires EncryptionContextEquals ' + JSON.stringify(pc.EncryptionContextEquals);
    }
  }
  if (pc.EncryptionContextSubset) {
    const cm = c?.EncryptionContextEquals ?? c?.EncryptionContextSubset;
    if (!cm || !contains(cm, pc.EncryptionContextSubset)) {
      return 'the parent grant requires an encryption context containing ' + JSON.stringify(pc.EncryptionContextSubset);
    }
  }
  if (pc.SourceArn && c?.SourceArn !== pc.SourceArn) return `the parent grant requires SourceArn ${pc.SourceArn}`;
  return null;
}

export function grantListEntry(g: GrantRecord): Record<string, unknown> {
  const e: Record<string, unknown> = {
    KeyId: g.keyArn,
    GrantId: g.grantId,
    Name: g.name,
    CreationDate: g.created / 1000,
  };
  if (g.granteePrincipal !== undefined) e.GranteePrincipal = g.granteePrincipal;
  if (g.retiringPrincipal !== undefined) e.RetiringPrincipal = g.retiringPrincipal;
  e.IssuingAccount = g.issuingAccount;
  e.Operations = g.operations;
  if (g.constraints) e.Constraints = listedConstraints(g.constraints);
  if (g.granteeServicePrincipal !== undefined) e.GranteeServicePrincipal = g.granteeServicePrincipal;
  if (g.retiringServicePrincipal !== undefined) e.RetiringServicePrincipal = g.retiringServicePrincipal;
  return e;
}

/** a grant's constraints as a listing shows them: a copy, so a caller cannot change the grant */
function listedConstraints(c: GrantConstraints): GrantConstraints {
  const out: GrantConstraints = {};
  if (c.EncryptionContextSubset) out.EncryptionContextSubset = ownStringMap(c.EncryptionContextSubset);
  if (c.EncryptionContextEquals) out.EncryptionContextEquals = ownStringMap(c.EncryptionContextEquals);
  if (c.SourceArn !== undefined) out.SourceArn = c.SourceArn;
  return out;
}

/** ListGrants markers are opaque to callers; ours carry the last grant id returned */
const MARKER_PREFIX = 'kmsplay-grants:';
export function encodeMarker(lastId: string): string {
  return base64(MARKER_PREFIX + lastId);
}
export function decodeMarker(m: string): string | null {
  const s = unbase64(m);
  if (!s || !s.startsWith(MARKER_PREFIX)) return null;
  const id = s.slice(MARKER_PREFIX.length);
  return id.length > 0 && id.length <= 128 ? id : null;
}

/** standard base64 of an ASCII string (grant ids are hex) */
function base64(ascii: string): string {
  return encodeBase64(latin1Bytes(ascii));
}
/** a marker decoded as atob would (callers may hand back any padded base64); null when invalid */
function unbase64(s: string): string | null {
  const bytes = decodeBase64Lenient(s);
  return bytes && latin1Text(bytes);
}
