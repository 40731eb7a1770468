/**
 * Wildcard matching for the policy language: `*` matches any run of characters (none included),
 * `?` exactly one, every other character itself, compared by UTF-16 code unit and case-sensitively
 * (callers lower-case both sides where IAM ignores case, as for actions). There is no escape:
 * a `*` or `?` in a pattern is always a wildcard.
 *
 * No RegExp and no backtracking. A pattern is split at its stars into a head (before the first
 * star), a tail (after the last) and middle segments. The head must match at the start, the
 * tail at the end, and each middle segment is found at its leftmost place after the previous one
 * (leftmost is always right: it leaves the most room for what follows). A segment without `?` is
 * found with Knuth-Morris-Pratt, one with `?` by bit-parallel shift-and; neither ever looks back,
 * so every character of the value is read at most twice per 32 pattern characters. A match of a
 * pattern of m characters against a value of n takes O(n·⌈m/32⌉ + m) steps, and never more than
 * CALL_STEPS + 3·(n+1)·(m+1) (CALL_STEPS for the call itself).
 *
 * Every step is counted (stepsTaken), and a caller can cap them (withStepBudget): the policy
 * evaluator does, so no policy and no request can keep the page busy for long.
 *
 * Pure: no clock, no randomness. Besides the step counter, the only state is what a compiled
 * pattern caches for itself on first use (mask tables), which changes no answer.
 */

const QMARK = 63; // '?'
/** a scan charges its steps every CHUNK characters, so a budget stops a long one midway */
const CHUNK = 4096;

/** a fixed-length part (the head or the tail): its characters, `?` matching any one */
interface Fixed {
  text: string;
  wild: boolean;
}

/** a middle segment, found by the search that suits it */
type Segment =
  | { k: 'kmp'; text: string; fail: Int32Array }
  | { k: 'skip'; len: number }
  /**
   * up to 32 characters with a `?`: bit i of a character's mask is set when position i accepts
   * it. `ascii` (masks of codes 0-127) is built on the first long scan (until then it is empty);
   * other codes use `masks`.
   */
  | { k: 'and'; len: number; accept: number; masks: Map<number, number>; any: number; ascii: Int32Array }
  /**
   * longer: the masks are `words` 32-bit words each; ascii holds codes 0-127, 128 masks in a row.
   * Other codes keep only their positions (`at`); their masks are built on first use into `masks`
   * while the cache holds fewer than MASK_CACHE_WORDS words, and into `scratch` after that, so a
   * pattern of n distinct characters costs O(n) memory, never O(n²/32).
   */
  | { k: 'wide'; len: number; words: number; accept: number; masks: Map<number, Int32Array>; at: Map<number, number[]>; cached: number; scratch: Int32Array; any: Int32Array; ascii: Int32Array };

/** the most mask words a 'wide' segment caches for non-ASCII codes (1 MiB) */
const MASK_CACHE_WORDS = 1 << 18;

/** scans at least this long build the ASCII mask table of an 'and' segment */
const TABLE_AFTER = 16;
const NO_TABLE = new Int32Array(0);
/**
 * what one call costs besides reading characters (calls, set-up), in steps: about what reading
 * this many characters costs, so that many calls on short values are charged what they cost
 */
export const CALL_STEPS = 32;

export interface Glob {
  /** the pattern as written */
  readonly source: string;
  /** 'any': "*"; 'exact': no wildcard at all; 'general': everything else */
  readonly kind: 'any' | 'exact' | 'general';
  /** the part before the first star (the whole pattern when there is no star) */
  readonly head: Fixed;
  /** the part after the last star, when there is a star */
  readonly tail: Fixed | null;
  readonly middle: readonly Segment[];
  /** the fewest characters a matching value has */
  readonly minLength: number;
}

/**
 * s.startsWith(p): lastIndexOf from 0 looks at the start only, and V8 answers it several times
 * faster than startsWith (request paths test prefixes on every statement)
 */
export function startsWith(s: string, p: string): boolean {
  return s.lastIndexOf(p, 0) === 0;
}

/** thrown by a matcher when a budget set by withStepBudget runs out */
class StepBudgetExceeded extends Error {
  constructor(readonly budget: number) {
    super(`pattern matching took more than ${budget} steps`);
  }
}

/** steps counted since `retired` was last moved up (kept small, so it stays a small integer) */
let taken = 0;
/** the steps counted before that */
let retired = 0;
let limit = Infinity;
let budgetSet = Infinity;

/** steps taken by every matcher since the module loaded (only ever grows) */
export function stepsTaken(): number {
  return retired + taken;
}

/**
 * Counts `n` steps of work done on the matchers' behalf (the policy evaluator charges its other
 * value tests here, e.g. lower-casing a value); throws StepBudgetExceeded past the budget.
 */
export function chargeSteps(n: number): void {
  taken += n;
  if (taken > limit) throw new StepBudgetExceeded(budgetSet);
}

/**
 * Runs `fn` with at most `budget` steps of matching: `{ ok: true, value }`, or `{ ok: false }`
 * when it ran out (fn was stopped by StepBudgetExceeded). Budgets do not nest: an inner one
 * replaces the outer until it ends.
 */
export function withStepBudget<T>(budget: number, fn: () => T): { ok: true; value: T; steps: number } | { ok: false; steps: number } {
  if (limit === Infinity && taken > 0x10000000) {
    // no budget is running: move the count to `retired` before it outgrows a small integer
    retired += taken;
    taken = 0;
  }
  const outerLimit = limit;
  const outerBudget = budgetSet;
  const start = taken;
  limit = taken + budget;
  budgetSet = budget;
  try {
    return { ok: true, value: fn(), steps: taken - start };
  } catch (e) {
    if (e instanceof StepBudgetExceeded) return { ok: false, steps: taken - start };
    throw e;
  } finally {
    limit = outerLimit;
    budgetSet = outerBudget;
  }
}

function fixed(text: string): Fixed {
  return { text, wild: text.includes('?') };
}

function segment(text: string): Segment {
  const len = text.length;
  if (!text.includes('?')) {
    // KMP failure function: fail[i] = length of the longest proper border of text[0..i]
    const fail = new Int32Array(len);
    for (let i = 1, j = 0; i < len; i++) {
      while (j > 0 && text.charCodeAt(i) !== text.charCodeAt(j)) j = fail[j - 1];
      if (text.charCodeAt(i) === text.charCodeAt(j)) j++;
      fail[i] = j;
    }
    return { k: 'kmp', text, fail };
  }
  let allQ = true;
  for (let i = 0; i < len; i++) if (text.charCodeAt(i) !== QMARK) allQ = false;
  if (allQ) return { k: 'skip', len };
  if (len <= 32) {
    // bit i of masks[c] is set when pattern position i accepts c; `?` positions accept anything
    let any = 0;
    for (let i = 0; i < len; i++) if (text.charCodeAt(i) === QMARK) any |= 1 << i;
    const masks = new Map<number, number>();
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c !== QMARK) masks.set(c, (masks.get(c) ?? any) | (1 << i));
    }
    return { k: 'and', len, accept: 1 << (len - 1), masks, any, ascii: NO_TABLE };
  }
  const words = (len + 31) >>> 5;
  const any = new Int32Array(words);
  for (let i = 0; i < len; i++) if (text.charCodeAt(i) === QMARK) any[i >>> 5] |= 1 << (i & 31);
  const at = new Map<number, number[]>();
  const ascii = new Int32Array(128 * words);
  for (let c = 0; c < 128; c++) ascii.set(any, c * words);
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === QMARK) continue;
    if (c < 128) ascii[c * words + (i >>> 5)] |= 1 << (i & 31);
    else {
      const list = at.get(c);
      if (list) list.push(i);
      else at.set(c, [i]);
    }
  }
  return { k: 'wide', len, words, accept: 1 << ((len - 1) & 31), masks: new Map(), at, cached: 0, scratch: new Int32Array(words), any, ascii };
}

/** compiles a wildcard pattern (cheap: linear in its length) */
export function compileGlob(pattern: string): Glob {
  if (pattern === '*') return { source: pattern, kind: 'any', head: fixed(''), tail: null, middle: [], minLength: 0 };
  const parts = pattern.split('*');
  if (parts.length === 1) {
    const head = fixed(pattern);
    return { source: pattern, kind: head.wild ? 'general' : 'exact', head, tail: null, middle: [], minLength: pattern.length };
  }
  const head = fixed(parts[0]);
  const tail = fixed(parts[parts.length - 1]);
  const middle: Segment[] = [];
  let minLength = head.text.length + tail.text.length;
  for (let i = 1; i < parts.length - 1; i++) {
    if (parts[i] === '') continue; // "**" is "*"
    middle.push(segment(parts[i]));
    minLength += parts[i].length;
  }
  return { source: pattern, kind: 'general', head, tail, middle, minLength };
}

/** does `p` match s at `at` (s is long enough)? (its steps are charged by the caller) */
function fixedAt(p: Fixed, s: string, at: number): boolean {
  const t = p.text;
  const len = t.length;
  if (len === 0) return true;
  if (!p.wild) return at === 0 ? startsWith(s, t) : s.startsWith(t, at);
  for (let i = 0; i < len; i++) {
    const c = t.charCodeAt(i);
    if (c !== QMARK && c !== s.charCodeAt(at + i)) return false;
  }
  return true;
}

/** the end of the leftmost occurrence of `seg` in s[from, end), or -1; counts its steps */
function find(seg: Segment, s: string, from: number, end: number): number {
  switch (seg.k) {
    case 'skip':
      chargeSteps(1);
      return from + seg.len <= end ? from + seg.len : -1;
    case 'kmp':
      return findKmp(seg, s, from, end);
    case 'and':
      return findAnd(seg, s, from, end);
    case 'wide':
      return findWide(seg, s, from, end);
  }
}

/** Knuth-Morris-Pratt: a segment without `?` */
function findKmp(seg: Extract<Segment, { k: 'kmp' }>, s: string, from: number, end: number): number {
  const { text, fail } = seg;
  const len = text.length;
  const first = text.charCodeAt(0);
  let steps = 1;
  let j = 0;
  let found = -1;
  let checkpoint = from + CHUNK;
  // stop as soon as what is left of s is too short for what is left of the segment
  for (let i = from; end - i >= len - j; i++) {
    if (i >= checkpoint) {
      // a long scan is charged as it goes, so that a budget stops it midway
      chargeSteps(steps);
      steps = 0;
      checkpoint += CHUNK;
    }
    let c = s.charCodeAt(i);
    if (j === 0 && c !== first) {
      // nothing matched yet: skip to the next occurrence of the first character
      const stop = Math.min(end - len + 1, checkpoint);
      const start = i;
      while (++i < stop && s.charCodeAt(i) !== first);
      steps += i - start;
      if (i >= stop) {
        if (i >= end - len + 1) break;
        i--;
        continue;
      }
      c = first;
    }
    steps++;
    while (j > 0 && text.charCodeAt(j) !== c) {
      j = fail[j - 1];
      steps++;
    }
    if (text.charCodeAt(j) === c && ++j === len) {
      found = i + 1;
      break;
    }
  }
  chargeSteps(steps);
  return found;
}

/** shift-and in one 32-bit word */
function findAnd(seg: Extract<Segment, { k: 'and' }>, s: string, from: number, end: number): number {
  const { masks, any, accept } = seg;
  if (seg.ascii === NO_TABLE && end - from >= TABLE_AFTER) {
    const table = new Int32Array(128).fill(any);
    for (const [c, m] of masks) if (c < 128) table[c] = m;
    seg.ascii = table;
  }
  const ascii = seg.ascii;
  let d = 0;
  let i = from;
  let found = -1;
  let charged = from;
  for (; i < end; i++) {
    if (i - charged === CHUNK) {
      chargeSteps(CHUNK);
      charged = i;
    }
    const c = s.charCodeAt(i);
    d = ((d << 1) | 1) & (c < ascii.length ? ascii[c] : (masks.get(c) ?? any));
    if ((d & accept) !== 0) {
      found = i + 1;
      break;
    }
  }
  // (a bit reaches `accept` only after len characters, so the occurrence starts at or after from)
  chargeSteps(i - charged + 1);
  return found;
}

/** shift-and in several words */
function findWide(seg: Extract<Segment, { k: 'wide' }>, s: string, from: number, end: number): number {
  const { masks, any, accept, words, ascii } = seg;
  const d = new Int32Array(words);
  // a chunk is CHUNK steps: CHUNK / words characters
  const perChunk = Math.max(1, Math.floor(CHUNK / words));
  const last = words - 1;
  let found = -1;
  let i = from;
  let charged = from;
  for (; i < end; i++) {
    if (i - charged === perChunk) {
      chargeSteps(perChunk * words);
      charged = i;
    }
    const c = s.charCodeAt(i);
    let m = any;
    let at = 0;
    if (c < 128) {
      m = ascii;
      at = c * words;
    } else {
      const x = masks.get(c) ?? wideMask(seg, c);
      if (x !== undefined) m = x;
    }
    let carry = 1;
    for (let w = 0; w < words; w++) {
      const x = d[w];
      d[w] = ((x << 1) | carry) & m[at + w];
      carry = x >>> 31;
    }
    if ((d[last] & accept) !== 0) {
      found = i + 1;
      break;
    }
  }
  chargeSteps((i - charged + 1) * words);
  return found;
}

/**
 * The mask of a non-ASCII code in a 'wide' segment (undefined: the code is not in the pattern, so
 * only `?` positions accept it), built from its positions and charged as the work it is.
 */
function wideMask(seg: Extract<Segment, { k: 'wide' }>, c: number): Int32Array | undefined {
  const positions = seg.at.get(c);
  if (positions === undefined) return undefined;
  chargeSteps(seg.words + positions.length);
  const cache = seg.cached + seg.words <= MASK_CACHE_WORDS;
  const m = cache ? seg.any.slice() : seg.scratch;
  if (!cache) m.set(seg.any);
  for (const i of positions) m[i >>> 5] |= 1 << (i & 31);
  if (cache) {
    seg.masks.set(c, m);
    seg.cached += seg.words;
  }
  return m;
}

/** does the whole of `s` match the pattern? */
export function matchGlob(g: Glob, s: string): boolean {
  if (g.kind === 'any') {
    chargeSteps(CALL_STEPS);
    return true;
  }
  const n = s.length;
  if (g.kind === 'exact') {
    chargeSteps(CALL_STEPS + Math.min(n, g.minLength));
    return s === g.head.text;
  }
  const { head, tail, middle } = g;
  if (n < g.minLength) {
    chargeSteps(CALL_STEPS);
    return false;
  }
  // the head and the tail: at most their lengths, charged up front
  chargeSteps(CALL_STEPS + head.text.length + (tail === null ? 0 : tail.text.length));
  if (tail === null) return n === head.text.length && fixedAt(head, s, 0);
  if (!fixedAt(head, s, 0)) return false;
  const end = n - tail.text.length;
  if (!fixedAt(tail, s, end)) return false;
  let from = head.text.length;
  for (let k = 0; k < middle.length; k++) {
    from = find(middle[k], s, from, end);
    if (from < 0) return false;
  }
  return true;
}

/** matches and reports the steps taken: a pure function, for tests and benchmarks */
export function globMatchSteps(pattern: string | Glob, s: string): { matched: boolean; steps: number } {
  const g = typeof pattern === 'string' ? compileGlob(pattern) : pattern;
  const before = taken;
  const matched = matchGlob(g, s);
  return { matched, steps: taken - before };
}
