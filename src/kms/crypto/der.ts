/**
 * Minimal DER encoder/decoder: enough for PKCS#8, SubjectPublicKeyInfo, RSAPrivateKey,
 * ECPrivateKey (RFC 5915), ECDSA-Sig-Value and PKCS#1 DigestInfo.
 */
import { bigIntToBytes, bytesToBigInt, concat, concatAll } from './bytes';

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

function encodeLength(len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(len);
  const bytes: number[] = [];
  let n = len;
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>>= 8;
  }
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

function tlv(tag: number, content: Uint8Array): Uint8Array<ArrayBuffer> {
  return concat(Uint8Array.of(tag), encodeLength(content.length), content);
}

export function seq(...items: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return tlv(TAG.SEQUENCE, concatAll(items));
}

/** DER INTEGER from a non-negative bigint (minimal two's complement). */
export function int(n: bigint | number): Uint8Array<ArrayBuffer> {
  const v = typeof n === 'number' ? BigInt(n) : n;
  if (v < 0n) throw new Error('negative INTEGER not supported');
  let b = bigIntToBytes(v);
  if (b[0] & 0x80) b = concat(Uint8Array.of(0), b);
  return tlv(TAG.INTEGER, b);
}

export function octets(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return tlv(TAG.OCTET_STRING, b);
}

export function bitString(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return tlv(TAG.BIT_STRING, concat(Uint8Array.of(0), b));
}

export function nul(): Uint8Array<ArrayBuffer> {
  return Uint8Array.of(TAG.NULL, 0);
}

/** Context-specific, constructed (explicit) tag [n]. */
export function explicit(n: number, content: Uint8Array): Uint8Array<ArrayBuffer> {
  return tlv(0xa0 | n, content);
}

export function oid(dotted: string): Uint8Array<ArrayBuffer> {
  const parts = dotted.split('.').map((p) => BigInt(p));
  const out: number[] = [Number(parts[0] * 40n + parts[1])];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [];
    let v = p;
    chunk.unshift(Number(v & 0x7fn));
    v >>= 7n;
    while (v > 0n) {
      chunk.unshift(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    for (const c of chunk) out.push(c);
  }
  return tlv(TAG.OID, Uint8Array.from(out));
}

export function decodeOid(content: Uint8Array): string {
  if (content.length === 0) throw new Error('empty OID');
  const parts: bigint[] = [];
  let v = 0n;
  for (let i = 0; i < content.length; i++) {
    v = (v << 7n) | BigInt(content[i] & 0x7f);
    if (!(content[i] & 0x80)) {
      parts.push(v);
      v = 0n;
    }
  }
  const first = parts.shift()!;
  const a = first < 80n ? first / 40n : 2n;
  const b = first - a * 40n;
  return [a, b, ...parts].join('.');
}

export interface Node {
  tag: number;
  /** content bytes (a view into the input) */
  content: Uint8Array;
  /** total encoded length including header */
  size: number;
}

/** Read one TLV at `offset`; strict DER lengths (minimal, definite). Throws on malformed input. */
export function read(buf: Uint8Array, offset = 0): Node {
  if (offset + 2 > buf.length) throw new Error('DER: truncated');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: high tag numbers unsupported');
  let len = buf[offset + 1];
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: bad length');
    if (offset + 2 + n > buf.length) throw new Error('DER: truncated');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i];
    if (len < 0x80 || buf[offset + 2] === 0) throw new Error('DER: non-minimal length');
    hdr += n;
  }
  const start = offset + hdr;
  if (start + len > buf.length) throw new Error('DER: truncated');
  return { tag, content: buf.subarray(start, start + len), size: hdr + len };
}

/** Read a whole buffer as exactly one TLV. */
export function readExact(buf: Uint8Array): Node {
  const n = read(buf, 0);
  if (n.size !== buf.length) throw new Error('DER: trailing data');
  return n;
}

/** Children of a constructed node. */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  let off = 0;
  while (off < node.content.length) {
    const c = read(node.content, off);
    out.push(c);
    off += c.size;
  }
  return out;
}

export function expect(node: Node, tag: number): Node {
  if (node.tag !== tag) throw new Error(`DER: expected tag 0x${tag.toString(16)}, got 0x${node.tag.toString(16)}`);
  return node;
}

/** Non-negative INTEGER with a minimal encoding → bigint. */
export function readUInt(node: Node): bigint {
  expect(node, TAG.INTEGER);
  const c = node.content;
  if (c.length === 0) throw new Error('DER: empty INTEGER');
  if (c[0] & 0x80) throw new Error('DER: negative INTEGER');
  if (c.length > 1 && c[0] === 0 && !(c[1] & 0x80)) throw new Error('DER: non-minimal INTEGER');
  return bytesToBigInt(c);
}

export function readBitString(node: Node): Uint8Array {
  expect(node, TAG.BIT_STRING);
  if (node.content.length === 0 || node.content[0] !== 0) throw new Error('DER: unsupported BIT STRING');
  return node.content.subarray(1);
}
