/**
 * The seeded generator behind every id, token, IV, key and propagation delay.
 * Counter-based: its whole state is `{ seed, counter }`, plain data that a checkpoint or a
 * store captures, so seek and reload stay exact (docs/architecture.md, The engine).
 */
export interface RngState {
  seed: number;
  counter: number;
}

function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** char codes of the hex digits, and a scratch buffer: String.fromCharCode over it gives a flat string */
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const CODES: number[] = [];

export class Rng {
  #mixed: number;
  /** the words behind the last hex() text of up to 64 characters (a grant id), and that text */
  #lastWords = new Uint32Array(8);
  #lastHex: string | undefined;
  readonly seed: number;
  counter: number;

  constructor(state: RngState) {
    this.seed = state.seed >>> 0;
    this.counter = state.counter;
    this.#mixed = fmix32(this.seed ^ 0x5bd1e995);
  }

  state(): RngState {
    return { seed: this.seed, counter: this.counter };
  }

  /** a uniformly distributed unsigned 32-bit integer */
  u32(): number {
    this.counter++;
    return fmix32((this.#mixed + Math.imul(this.counter, 0x9e3779b9)) | 0);
  }

  /** a float in [0, 1) with 32 bits of randomness */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** an integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.u32();
      out[i] = v & 0xff;
      if (i + 1 < n) out[i + 1] = (v >>> 8) & 0xff;
      if (i + 2 < n) out[i + 2] = (v >>> 16) & 0xff;
      if (i + 3 < n) out[i + 3] = v >>> 24;
    }
    return out;
  }

  /** n lower-case hex characters (n even) */
  hex(n: number): string {
    // long strings in pieces of whole words (same draws, same text), under the argument limit
    if (n > 8_192) {
      let s = '';
      for (let i = 0; i < n; i += 8_192) s += this.hex(Math.min(8_192, n - i));
      return s;
    }
    // one flat string, not a rope of two-character pieces (ids become map keys and compare often)
    const codes = CODES;
    codes.length = n;
    const words = this.#lastWords;
    for (let i = 0; i < n; i += 8) {
      const v = this.u32();
      if (i < 64) words[i >>> 3] = v;
      for (let j = 0; j < 8 && i + j < n; j++) codes[i + j] = HEX_CODES[(v >>> (28 - 4 * j)) & 15];
    }
    const text = String.fromCharCode.apply(null, codes);
    this.#lastHex = n <= 64 && n % 8 === 0 ? text : undefined;
    return text;
  }


  /**
   * Writes the bytes that `text` spells in hex into `out` at `at`, if `text` is what the last
   * hex() call returned (so the bytes are at hand without parsing); false otherwise.
   */
  lastHexBytes(text: string, out: Uint8Array, at: number): boolean {
    if (text !== this.#lastHex) return false;
    const words = this.#lastWords;
    for (let i = 0, o = at; i < text.length >>> 3; i++, o += 4) {
      const v = words[i];
      out[o] = v >>> 24;
      out[o + 1] = v >>> 16;
      out[o + 2] = v >>> 8;
      out[o + 3] = v;
    }
    return true;
  }

  /** a random (version 4) UUID, lower case, as KMS key ids are */
  uuid(): string {
    const h = this.hex(32);
    const variant = '89ab'[parseInt(h[16], 16) & 3];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
