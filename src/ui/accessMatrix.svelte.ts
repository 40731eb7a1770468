/**
 * The access matrix's state and words: which key, which encryption context, the last matrix the
 * simulator computed (sim.accessMatrix: no log entry, no event, nothing drawn), recomputed when
 * the clock or the world moves, at most a few times a second; and loading a cell's request into
 * the editor. The engine's types only: the engine itself arrives as its own chunk.
 */
import type { AccessMatrix, AccessMatrixOptions, MatrixCell } from '../kms/accessMatrix';
import type { Session } from './Session.svelte';
import { formatRelative } from './format';
import { shortGrantId, shortPrincipal } from './wire';

export type { AccessMatrix, MatrixCell };

interface MatrixSource {
  accessMatrix(keyId: string, opts?: AccessMatrixOptions): Promise<AccessMatrix>;
}

function hasMatrix(x: unknown): x is MatrixSource {
  return !!x && typeof (x as Partial<MatrixSource>).accessMatrix === 'function';
}

/** the simulator that computes matrices: the session's own, or the one a deferred simulator loads */
async function matrixSource(sim: unknown): Promise<MatrixSource | undefined> {
  if (hasMatrix(sim)) return sim;
  const loaded = (sim as { whenLoaded?: Promise<unknown> } | undefined)?.whenLoaded;
  if (loaded) {
    const real = await loaded;
    if (hasMatrix(real)) return real;
  }
  return undefined;
}

/** real ms between two computations while the clock plays */
const MATRIX_EVERY_MS = 250;

/** the operations shown unless "All operations" is chosen: the key's crypto, and grants */
const MANAGEMENT = new Set(['GetKeyPolicy', 'PutKeyPolicy', 'DisableKey', 'EnableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion', 'UpdateKeyDescription', 'ListKeyPolicies']);
export const isManagement = (op: string) => MANAGEMENT.has(op);

/** one host's answer in one glyph: ✓ would run, · denied, ! refused by something else (key state, ...) */
export function mark(c: MatrixCell): string {
  if (c.status === 200) return '✓';
  if (c.errorType === 'AccessDeniedException') return '·';
  return '!';
}

/** one host's answer in words */
export function verdict(c: { status: number; errorType?: string; allowed?: boolean }): string {
  if (c.status === 200) return 'allowed';
  if (c.errorType === 'AccessDeniedException') return 'denied';
  if (c.allowed) return `allowed, but ${c.errorType}`;
  return `refused: ${c.errorType ?? c.status}`;
}

/** what will change a host's answer, and when, in words ('' when nothing pending does) */
export function changeText(c: MatrixCell, startTime: number): string {
  const n = c.next;
  if (!n) return '';
  const when = formatRelative(n.at - startTime);
  const what =
    n.cause.kind === 'key-deletion'
      ? `the key is deleted at ${when} on the clock`
      : n.cause.change === 'create'
        ? `grant ${shortGrantId(n.cause.grantId)} on its way: arrives at ${when} on the clock`
        : `the ${n.cause.change === 'retire' ? 'retirement' : 'revocation'} of grant ${shortGrantId(n.cause.grantId)} arrives at ${when} on the clock`;
  return `${what}; then ${verdict(n)}`;
}

/** what decided a host's answer, in a line */
export function decidedBy(c: MatrixCell): string {
  return c.decision?.summary ?? (c.message ? `${c.errorType}: ${c.message}` : (c.errorType ?? String(c.status)));
}

export class MatrixController {
  /** the key chosen ('' for the default: the key last used, else the newest) */
  keyId = $state('');
  /** the encryption context the requests carry, as JSON text ('' for none) */
  ecText = $state('');
  /** every operation, key management included */
  showAll = $state(false);
  #matrix = $state.raw<AccessMatrix | undefined>(undefined);
  #error = $state('');
  #computing = $state(false);
  #source: MatrixSource | undefined;
  #busy = false;
  #dirty = false;
  /** when the last computation ended, and how long it took (real ms) */
  #last = -Infinity;
  #took = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(readonly session: Session) {}

  get matrix(): AccessMatrix | undefined {
    return this.#matrix;
  }

  get error(): string {
    return this.#error;
  }

  get computing(): boolean {
    return this.#computing;
  }

  /** the key the matrix is for: the chosen one while it exists at the shown time, else the default */
  get effectiveKeyId(): string {
    const keys = this.session.world.keys;
    if (keys.some((k) => k.keyId === this.keyId)) return this.keyId;
    const recent = this.session.recent.keyId;
    return keys.find((k) => k.keyId === recent || k.arn === recent)?.keyId ?? keys[keys.length - 1]?.keyId ?? '';
  }

  /** the encryption context typed, or why it cannot be used */
  get encryptionContext(): { value?: Record<string, string>; error?: string } {
    const text = this.ecText.trim();
    if (!text) return {};
    try {
      const v: unknown = JSON.parse(text);
      if (!v || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
        return { error: 'An encryption context is a JSON object of strings, e.g. {"dept": "sales"}.' };
      }
      return { value: v as Record<string, string> };
    } catch {
      return { error: 'Not JSON yet: an encryption context is a JSON object of strings, e.g. {"dept": "sales"}.' };
    }
  }

  /** the principal's name as the Caller menu shows it */
  label(arn: string): string {
    return this.session.callers.find((c) => c.arn === arn)?.label ?? shortPrincipal(arn);
  }

  /** what the last matrix was computed from, but the time */
  #basis: { version: number; world: unknown; keyId: string; ec: string } | undefined;

  /**
   * whether the matrix shown still holds at the shown time: computed from the same events, world
   * and choices, and the clock is between its time and the first time an answer may change
   */
  get current(): boolean {
    const m = this.#matrix;
    const s = this.session;
    if (!m || this.outdated || s.travelling) return false;
    return s.now >= m.at && s.now < (m.stableUntil ?? Infinity);
  }

  /** the matrix shown was computed from other events, world or choices (a new one is on its way) */
  get outdated(): boolean {
    const b = this.#basis;
    const s = this.session;
    if (!this.#matrix || !b) return false;
    return b.version !== s.version || b.world !== s.world || b.keyId !== this.effectiveKeyId || b.ec !== this.ecText;
  }

  /** the time the answers shown hold at: the clock's, while the matrix still holds */
  get shownAt(): number | undefined {
    return this.current ? this.session.now : this.#matrix?.at;
  }

  /**
   * asks for a fresh matrix, unless the one shown still holds: now, or once MATRIX_EVERY_MS (or
   * twice as long as the last computation took, up to a second) has passed since the last one ended
   */
  request(): void {
    if (this.#disposed) return;
    if (this.#busy) {
      this.#dirty = true;
      return;
    }
    if (this.current) return;
    const wait = this.#last + Math.max(MATRIX_EVERY_MS, Math.min(2 * this.#took, 1000)) - Date.now();
    if (wait > 0) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.request();
      }, wait);
      return;
    }
    void this.#run();
  }

  async #run(): Promise<void> {
    this.#busy = true;
    const started = Date.now();
    this.#computing = true;
    try {
      await this.#compute();
    } finally {
      this.#last = Date.now();
      this.#took = this.#last - started;
      this.#busy = false;
      this.#computing = false;
      if (this.#dirty) {
        this.#dirty = false;
        this.request();
      }
    }
  }

  async #compute(): Promise<void> {
    const s = this.session;
    // a time travel on its way: its end asks again
    if (s.travelling) return;
    const keyId = this.effectiveKeyId;
    if (!keyId) {
      this.#matrix = undefined;
      this.#error = '';
      return;
    }
    this.#source ??= await matrixSource(s.sim);
    if (!this.#source) {
      this.#error = 'This simulator cannot compute access matrices.';
      return;
    }
    const ec = this.encryptionContext;
    const basis = { version: s.version, world: s.world, keyId, ec: this.ecText };
    try {
      this.#matrix = await this.#source.accessMatrix(keyId, { at: s.now, encryptionContext: ec.value });
      this.#basis = basis;
      this.#error = '';
    } catch (e) {
      // the key is gone at the shown time (time travel to before it, a deletion): say so
      this.#matrix = undefined;
      this.#basis = undefined;
      this.#error = e instanceof Error ? e.message.replace(/^accessMatrix: /, '') : String(e);
    }
  }

  /** loads cell (principal p, operation o, host h)'s request into the editor; false when it cannot */
  load(p: number, o: number, h: number): boolean {
    const m = this.#matrix;
    if (!m) return false;
    const s = this.session;
    const op = m.operations[o];
    s.setTarget(op);
    if (s.target !== op) return false;
    s.body = JSON.stringify(JSON.parse(m.bodies[p][o]), null, 2);
    s.callerArn = m.principals[p];
    s.pinnedHost = h;
    return true;
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#timer);
  }
}
