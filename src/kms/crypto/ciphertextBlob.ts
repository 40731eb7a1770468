/**
 * The symmetric CiphertextBlob format (ours; AWS's is undocumented) and the canonical encryption
 * context that, with the blob's header, forms the AES-GCM additional data.
 *
 * Blob layout (all integers big-endian):
 *   [0]      0x01               format version ("magic")
 *   [1]      flags              bits 0-1: key id form (0 = UUID as 16 bytes, 1 = "mrk-" + 32 hex as
 *                               16 bytes, 2 = UTF-8 string with a 1-byte length prefix);
 *                               bit 2: a 32-byte key material id follows the key id
 *   [2..]    key id             16 bytes, or 1-byte length + UTF-8
 *   [..]     key material id    32 bytes, only if flags bit 2
 *   [..]     IV                 12 bytes from `random`
 *   [..]     AES-GCM ciphertext || 16-byte tag
 * AES-GCM additional data = header (everything before the IV) || canonical(encryption context),
 * so a blob whose key id is edited, or a wrong context, fails authentication.
 */
import { bytesToHex, concat, concatAll, hexToBytes, utf8 } from './bytes';

const BLOB_VERSION = 0x01;
export const IV_LEN = 12;
const TAG_LEN = 16;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MRK_RE = /^mrk-[0-9a-f]{32}$/;

export function encodeHeader(keyId: string, keyMaterialId?: string): Uint8Array {
  let form: number;
  let idBytes: Uint8Array;
  if (UUID_RE.test(keyId)) {
    form = 0;
    idBytes = hexToBytes(keyId.replace(/-/g, ''));
  } else if (MRK_RE.test(keyId)) {
    form = 1;
    idBytes = hexToBytes(keyId.slice(4));
  } else {
    form = 2;
    const u = utf8(keyId);
    if (u.length > 255) throw new RangeError('key id too long for the ciphertext blob');
    idBytes = concat(Uint8Array.of(u.length), u);
  }
  let flags = form;
  let mat: Uint8Array = new Uint8Array(0);
  if (keyMaterialId !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(keyMaterialId)) throw new RangeError('keyMaterialId must be 64 lower-case hex');
    flags |= 4;
    mat = hexToBytes(keyMaterialId);
  }
  return concat(Uint8Array.of(BLOB_VERSION, flags), idBytes, mat);
}

export interface ParsedBlob {
  keyId: string;
  keyMaterialId?: string;
  header: Uint8Array;
  iv: Uint8Array;
  body: Uint8Array;
}

export function parseBlob(blob: Uint8Array): ParsedBlob | null {
  if (blob.length < 2 || blob[0] !== BLOB_VERSION || blob[1] & ~7) return null;
  const form = blob[1] & 3;
  let off = 2;
  let keyId: string;
  if (form === 0 || form === 1) {
    if (blob.length < off + 16) return null;
    const hex = bytesToHex(blob.subarray(off, off + 16));
    keyId =
      form === 0
        ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
        : `mrk-${hex}`;
    off += 16;
  } else if (form === 2) {
    const len = blob[off];
    if (len === undefined || blob.length < off + 1 + len) return null;
    try {
      keyId = new TextDecoder('utf-8', { fatal: true }).decode(blob.subarray(off + 1, off + 1 + len));
    } catch {
      return null;
    }
    off += 1 + len;
  } else return null;
  let keyMaterialId: string | undefined;
  if (blob[1] & 4) {
    if (blob.length < off + 32) return null;
    keyMaterialId = bytesToHex(blob.subarray(off, off + 32));
    off += 32;
  }
  if (blob.length < off + IV_LEN + TAG_LEN) return null;
  return {
    keyId,
    ...(keyMaterialId !== undefined ? { keyMaterialId } : {}),
    header: blob.subarray(0, off),
    iv: blob.subarray(off, off + IV_LEN),
    body: blob.subarray(off + IV_LEN),
  };
}

/**
 * Canonical encryption context: pairs sorted by key (UTF-16 code unit order, case-sensitive),
 * each as u32 length + UTF-8 key, u32 length + UTF-8 value; preceded by the pair count.
 * An absent and an empty context are the same.
 */
export function canonicalEncryptionContext(ctx: Record<string, string> | undefined): Uint8Array {
  const keys = Object.keys(ctx ?? {}).sort();
  const parts: Uint8Array[] = [u32(keys.length)];
  for (const k of keys) {
    const kb = utf8(k);
    const vb = utf8(ctx![k]);
    parts.push(u32(kb.length), kb, u32(vb.length), vb);
  }
  return concatAll(parts);
}

function u32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

/** The key id (and key material id, if recorded) of a blob made by symmetricEncrypt; null if it is not one. */
export function parseCiphertextBlob(blob: Uint8Array): { keyId: string; keyMaterialId?: string } | null {
  const p = parseBlob(blob);
  if (!p) return null;
  return p.keyMaterialId !== undefined ? { keyId: p.keyId, keyMaterialId: p.keyMaterialId } : { keyId: p.keyId };
}
