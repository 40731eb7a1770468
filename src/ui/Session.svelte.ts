/**
 * The playground session: owns the simulator, the request being edited, the history, the virtual
 * clock as the UI shows it, and the state browser's picture of the account. UI state lives in
 * private `$state.raw` fields behind getters (svelte.dev's Workspace.svelte.ts is the model); every
 * change goes through a method, so the components stay thin.
 *
 * Everything reaches the engine through its public contract: `sim.fetch` (as the selected caller),
 * `sim.peek` (the state browser's reads as the account root: no log entry, no event),
 * `sim.clock`, `sim.events`, `sim.subscribe`, and for time travel `sim.seek`, `sim.horizon`,
 * `sim.fork`, `sim.log`.
 *
 * Time travel: `travelTo(t)` shows the world as it was at t (the engine replays its input log).
 * What happened after t is the kept future: history entries after t are shown as such, moving
 * forward (play, step, advance, the scrubber) replays them, and sending a request while in the
 * past forks: the kept future is dropped (the UI says so first: `forkWarning`).
 */
import type { PrincipalConfig, Simulator } from '../kms/api';
import type { SimEvent } from '../kms/events';
import { configuredCallers } from '../scenario/callers';
import { EventIndex, type TimelineItem } from './eventIndex';
import type { OperationGroup } from './operations';
import { summarize } from './describe';
import { plural } from './format';
import { type Recent, templateBody, withGrantToken, TAKES_GRANT_TOKENS } from './templates';
import { buildRequest, captureResponse, type Caller, type WireResponse, shortPrincipal, errorType, isServiceName } from './wire';
import { EMPTY_WORLD, type AliasView, type GrantView, type WorldView, aliasFromEntry, grantFromEntry, keyFromMetadata } from './world';
import { isTimeTravelSimulator, type TimeTravelSimulator } from './deferredSimulator';
import { clampTravel, earliest, forkWarning, keptFuture, nextLoggedRequestAt, previousStop, putKeyPolicyBody, travelAnnouncement } from './timeline/travel';

export interface SessionConfig {
  seed: number;
  region: string;
  accountId: string;
  hosts: number;
  startTime: number;
  principals: readonly PrincipalConfig[];
  /** every operation the simulator speaks, grouped for the X-Amz-Target picker (may come later: setEngineInfo) */
  operationGroups?: readonly OperationGroup[];
  /** required input members per operation (from the API model), for generic templates */
  requiredMembers?: (operation: string) => readonly string[] | undefined;
  /** the most entries `history` holds (the latest; older ones are dropped): none by default */
  historyLimit?: number;
}

/** what the engine's modules tell the UI once they have loaded */
export interface EngineInfo {
  operationGroups: readonly OperationGroup[];
  requiredMembers?: (operation: string) => readonly string[] | undefined;
}

export interface SentRequest {
  operation: string;
  callerArn: string;
  body: string;
  /** the host the request was pinned to, if any */
  host?: number;
  /** aws:SourceArn the request carried (service callers only) */
  sourceArn?: string;
}

/** the request being edited, as kept per workspace across reloads (WorkspaceApp saves and restores it) */
export interface Draft {
  target: string;
  body: string;
  callerArn: string;
  /** the host the request is pinned to ("Served by"), if any */
  host?: number;
  /** aws:SourceArn for a service caller ('' for none) */
  sourceArn: string;
}

export interface HistoryEntry extends SentRequest {
  /**
   * 1-based number of the request in the whole history, kept when earlier entries are dropped
   * (historyLimit) or were never restored (`restoreHistory`'s `earlier`)
   */
  readonly n: number;
  /** virtual time at which it was sent */
  readonly sentAt: number;
  readonly response?: WireResponse;
  /** the simulator threw instead of answering: a playground bug, shown as such */
  readonly failure?: string;
  /** not sent, and not in the history: why (SendGuard; also shown as the session's notice) */
  readonly refused?: string;
}

/** where a request goes instead of this session's simulator (SendGuard) */
export type SendRedirect =
  /** send it there instead (the session that replaced this one) */
  | { session: Session }
  /** it was sent again elsewhere, and this is what is shown for it (its saved answer) */
  | { entry: HistoryEntry }
  /** not sent, or not shown: why, in plain words */
  | { refused: string };

/**
 * A Session's link to the store's side (WorkspaceApp gives one to each session it shows): a
 * request is answered only by a simulator whose workspace may take it, and shown only once it
 * was saved. Without a guard every answer is shown.
 */
export interface SendGuard {
  /** just before a request goes to the simulator (nothing is awaited between the two): undefined to send it, else where it goes */
  before(): Promise<SendRedirect> | undefined;
  /** once the simulator answered it: undefined when it was saved (show it), else what to show instead */
  after(): Promise<SendRedirect> | undefined;
}

const MUTATING = /^(Create|Delete|Update|Put|Enable|Disable|Schedule|Cancel|Retire|Revoke|Tag|Untag|Import|Replicate|Rotate|Connect|Disconnect)/;

/** the state browser reads a list in pages of PAGE, at most READ_PAGES of them (10,000 entries) */
const PAGE = 100;
const READ_PAGES = 100;
/** more grant changes on one key than this since the last read: its whole grant list is read again */
const STALE_GRANTS_READ_ONE_BY_ONE = 50;
/** how often (real ms) a playing clock commits its time to the simulator when nothing is due */
const COMMIT_EVERY_MS = 1000;
/** the live region speaks at most this often (real ms) */
const ANNOUNCE_EVERY_MS = 1200;

export class Session {
  readonly sim: Simulator;
  readonly config: SessionConfig;
  readonly rootArn: string;
  readonly callers: readonly Caller[];
  /** the incremental index over sim.events; read it after reading `version` */
  index: EventIndex;

  #groups = $state.raw<readonly OperationGroup[]>([]);
  #ready = $state.raw(true);
  #requiredMembers: SessionConfig['requiredMembers'];
  #target = $state.raw('CreateKey');
  #drafts = $state.raw<Readonly<Record<string, string>>>({});
  #callerArn = $state.raw('');
  #pinnedHost = $state.raw<number | undefined>(undefined);
  #sourceArn = $state.raw('');
  #history = $state.raw<readonly HistoryEntry[]>([]);
  /** requests before history[0] that it does not hold (history[i].n === #dropped + i + 1) */
  #dropped = $state.raw(0);
  readonly #historyLimit: number;
  /** the entry chosen (sent, loaded, selected); undefined: the latest one sent by the shown time */
  #selected = $state.raw<number | undefined>(undefined);
  #sending = $state.raw(false);
  #now = $state.raw(0);
  #version = $state.raw(0);
  #world = $state.raw<WorldView>(EMPTY_WORLD);
  #recent = $state.raw<Recent>({});
  #tokens = $state.raw<readonly string[]>([]);
  #announcement = $state.raw('');
  #notice = $state.raw('');
  /** the latest time history reaches (sim.horizon); later than `now` while showing the past */
  #horizon = $state.raw(0);
  #travelling = $state.raw(false);

  /** the simulator's time-travel side (undefined for a plain Simulator: no travel, reads via fetch) */
  readonly #tt: TimeTravelSimulator | undefined;
  /** the latest requested travel target not yet reached (drags coalesce into it) */
  #travelTarget: number | undefined;
  #travelRun: Promise<void> | undefined;
  #travelQuiet = true;
  #travelFrom = 0;

  /** true while the state browser's own reads run: their request events are hidden */
  #internal = false;
  #guard: SendGuard | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #busy = 0;
  #syncScheduled = false;
  #refreshQueued = false;
  /** the queued re-read of the world reads every key's grants (not only the changed ones) */
  #refreshAll = true;
  /**
   * grant changes (events) since the world was last read, per key ARN: the grant ids, or
   * undefined for too many of them (that key's whole list is read again)
   */
  #staleGrants = new Map<string, Set<string> | undefined>();
  #lastCommit = 0;
  #pendingAnnouncements: string[] = [];
  #announceTimer: ReturnType<typeof setTimeout> | undefined;
  #lastAnnounce = 0;
  #unsubscribe: () => void;

  constructor(sim: Simulator, config: SessionConfig) {
    this.sim = sim;
    this.config = config;
    this.#groups = config.operationGroups ?? [];
    this.#requiredMembers = config.requiredMembers;
    this.#historyLimit = Math.max(1, config.historyLimit ?? Infinity);
    this.rootArn = `arn:aws:iam::${config.accountId}:root`;
    // the root once: a principal entry naming the account root configures the root (its key,
    // its policy) rather than adding a caller, and an ARN listed twice is one caller (unique keys)
    this.callers = [
      { arn: this.rootArn, label: 'Account root' },
      ...configuredCallers(config.accountId, config.principals).map((p) =>
        isServiceName(p.arn)
          ? { arn: p.arn, accessKeyId: p.accessKeyId, label: `service ${p.arn}`, service: true }
          : { arn: p.arn, accessKeyId: p.accessKeyId, label: shortPrincipal(p.arn) },
      ),
    ];
    this.#callerArn = this.rootArn;
    this.#tt = isTimeTravelSimulator(sim) ? sim : undefined;
    this.#now = sim.clock.now();
    this.#horizon = this.#tt ? this.#tt.horizon : this.#now;
    this.index = new EventIndex(config.hosts);
    this.#unsubscribe = sim.subscribe((e) => this.#onEvent(e));
    this.#sync();
    this.#drafts = { [this.#target]: this.templateFor(this.#target) };
    this.#pristine = JSON.stringify(this.draft);
  }

  /** the draft as the session started (to tell whether anyone has edited it since) */
  readonly #pristine: string;

  dispose(): void {
    this.#unsubscribe();
    clearTimeout(this.#announceTimer);
  }

  // ---- the engine ------------------------------------------------------------------------

  /**
   * Waits for a simulator that loads asynchronously (its own chunk, or a saved workspace), then
   * takes the operation list and model facts it brings and catches up with its events.
   */
  async attach(loaded: Promise<EngineInfo>): Promise<void> {
    this.#ready = false;
    try {
      const info = await loaded;
      this.#groups = info.operationGroups;
      this.#requiredMembers = info.requiredMembers ?? this.#requiredMembers;
      this.#sync();
      this.#now = this.sim.clock.now();
    } finally {
      this.#ready = true;
    }
  }

  /** false while the engine is still loading */
  get ready(): boolean {
    return this.#ready;
  }

  /** the X-Amz-Target picker's groups */
  get operationGroups(): readonly OperationGroup[] {
    return this.#groups;
  }

  /** every operation the picker offers */
  get operations(): readonly string[] {
    return this.#groups.flatMap((g) => g.operations);
  }

  // ---- request editor -------------------------------------------------------------------

  get target(): string {
    return this.#target;
  }

  /** switches the X-Amz-Target; an operation without a draft starts from its template */
  setTarget(operation: string): void {
    if (!this.operations.includes(operation)) return;
    this.#target = operation;
    if (this.#drafts[operation] === undefined) this.#drafts = { ...this.#drafts, [operation]: this.templateFor(operation) };
  }

  get body(): string {
    return this.#drafts[this.#target] ?? '';
  }

  set body(text: string) {
    if (this.#drafts[this.#target] !== text) this.#drafts = { ...this.#drafts, [this.#target]: text };
  }

  templateFor(operation: string): string {
    return templateBody(operation, {
      world: this.#world,
      principals: this.callers.slice(1).map((c) => c.arn),
      rootArn: this.rootArn,
      recent: this.#recent,
      required: this.#requiredMembers,
    });
  }

  /** replaces the body with a fresh template (current keys, grants, token) */
  resetToTemplate(operation = this.#target): void {
    this.setTarget(operation);
    this.#drafts = { ...this.#drafts, [operation]: this.templateFor(operation) };
  }

  /**
   * "Edit policy": loads a PutKeyPolicy request carrying the key's current policy into the editor,
   * so the change goes through the simulated API (authorized, logged, in the history).
   */
  editKeyPolicy(keyId: string): boolean {
    const key = this.#world.keys.find((k) => k.keyId === keyId);
    if (!key?.policy || !this.operations.includes('PutKeyPolicy')) return false;
    this.#recent = { ...this.#recent, keyId };
    this.#target = 'PutKeyPolicy';
    this.#drafts = { ...this.#drafts, PutKeyPolicy: putKeyPolicyBody(keyId, key.policy) };
    this.#notice = '';
    return true;
  }

  /** loads a fresh template for `operation` aimed at `keyId` (the state browser's quick actions) */
  startWith(operation: string, keyId?: string): void {
    if (keyId) this.#recent = { ...this.#recent, keyId };
    this.resetToTemplate(operation);
  }

  /** can the current body take the last grant token? */
  get canInsertGrantToken(): boolean {
    return this.#recent.grantToken !== undefined && TAKES_GRANT_TOKENS.has(this.#target);
  }

  /** adds the last grant token to GrantTokens; false when the body is not a JSON object */
  insertGrantToken(): boolean {
    const token = this.#recent.grantToken;
    if (!token) return false;
    const next = withGrantToken(this.body, token);
    if (next === undefined) {
      this.#notice = 'The body is not a JSON object yet, so the grant token could not be added.';
      return false;
    }
    this.body = next;
    this.#notice = '';
    return true;
  }

  get callerArn(): string {
    return this.#callerArn;
  }

  set callerArn(arn: string) {
    if (this.callers.some((c) => c.arn === arn)) this.#callerArn = arn;
  }

  /** is the selected caller an AWS service principal (then a source ARN may go with its requests)? */
  get callerIsService(): boolean {
    return this.callers.some((c) => c.arn === this.#callerArn && c.service === true);
  }

  /** the source ARN (aws:SourceArn) sent with a service caller's requests; '' for none */
  get sourceArn(): string {
    return this.#sourceArn;
  }

  set sourceArn(arn: string) {
    // a header value: printable ASCII without spaces, as an ARN is
    this.#sourceArn = arn.replace(/[^\x21-\x7e]/g, '');
  }

  /** the host requests are pinned to (x-playground-host), or undefined for the simulator's routing */
  get pinnedHost(): number | undefined {
    return this.#pinnedHost;
  }

  set pinnedHost(h: number | undefined) {
    this.#pinnedHost = h === undefined || (Number.isInteger(h) && h >= 0 && h < this.config.hosts) ? h : undefined;
  }

  /** the request being edited: target, body, caller, pinned host, source ARN */
  get draft(): Draft {
    const d: Draft = { target: this.#target, body: this.body, callerArn: this.#callerArn, sourceArn: this.#sourceArn };
    if (this.#pinnedHost !== undefined) d.host = this.#pinnedHost;
    return d;
  }

  /** true once the draft differs from the one the session started with */
  get draftEdited(): boolean {
    return JSON.stringify(this.draft) !== this.#pristine;
  }

  /**
   * Puts a saved draft back into the editor (a reload, opening the workspace again). Anything that
   * no longer fits (an unknown operation or caller, a host the workspace does not have) is left as
   * it is; false when `saved` is not a draft at all.
   */
  restoreDraft(saved: unknown): boolean {
    if (!saved || typeof saved !== 'object') return false;
    const d = saved as Partial<Record<keyof Draft, unknown>>;
    if (typeof d.target !== 'string' || typeof d.body !== 'string') return false;
    // before the engine has loaded there is no operation list to check against: the draft is our own
    const ops = this.operations;
    if (ops.length && !ops.includes(d.target)) return false;
    this.#target = d.target;
    this.#drafts = { ...this.#drafts, [d.target]: d.body };
    if (typeof d.callerArn === 'string') this.callerArn = d.callerArn;
    this.pinnedHost = typeof d.host === 'number' ? d.host : undefined;
    this.sourceArn = typeof d.sourceArn === 'string' ? d.sourceArn : '';
    this.#notice = '';
    return true;
  }

  get sending(): boolean {
    return this.#sending;
  }

  /**
   * A short message shown next to Send: the last editor action that could not be done, or, while
   * the past is shown, what sending would do to the kept future ("Sending now replaces 2 later requests").
   */
  get notice(): string {
    return this.#notice || (this.forkWarning ?? '');
  }

  // ---- sending, history ------------------------------------------------------------------

  /** the latest requests sent (at most config.historyLimit of them), oldest first */
  get history(): readonly HistoryEntry[] {
    return this.#history;
  }

  /** every request of the history, those `history` no longer holds included */
  get historyTotal(): number {
    return this.#dropped + this.#history.length;
  }

  /** the entry numbered n, while `history` holds it */
  #entry(n: number | undefined): HistoryEntry | undefined {
    return n === undefined ? undefined : this.#history[n - this.#dropped - 1];
  }

  /** sets the history to `all` (numbered from `dropped` + 1), dropping the oldest beyond the limit */
  #setHistory(all: readonly HistoryEntry[], dropped: number): void {
    const excess = Math.max(0, all.length - this.#historyLimit);
    this.#history = excess ? all.slice(excess) : all;
    this.#dropped = dropped + excess;
  }

  /**
   * The entry the Response pane shows and the History pane marks: the one chosen, unless the past
   * is shown and it lies in the kept future (or none was chosen since the last time travel); then
   * the latest one sent by the shown time (undefined when none had been sent by then).
   */
  get selected(): HistoryEntry | undefined {
    return this.#selectedEntry;
  }
  /**
   * Derived, so what reads `selected` (every History row) re-runs when the entry changes, not
   * on every clock tick that the kept future depends on.
   */
  #selectedEntry = $derived.by((): HistoryEntry | undefined => {
    const chosen = this.#entry(this.#selected);
    const shown = this.#history.length - this.keptFuture.length;
    if (chosen && chosen.n - this.#dropped <= shown) return chosen;
    return shown > 0 ? this.#history[shown - 1] : undefined;
  });

  select(n: number): void {
    if (this.#entry(n)) this.#selected = n;
  }

  /**
   * Puts back the history of a reloaded workspace (entries rebuilt from its stored log, the
   * latest of them when `earlier` more came before), before whatever was sent meanwhile;
   * remembers their ids and tokens for templates and completions.
   */
  restoreHistory(entries: readonly Omit<HistoryEntry, 'n'>[], earlier = 0): void {
    if (!entries.length) return;
    const selected = this.#selected;
    const shift = earlier + entries.length - this.#dropped;
    const all = [...entries, ...this.#history].map((e, i) => ({ ...e, n: earlier + i + 1 }));
    this.#setHistory(all, earlier);
    for (const e of this.#history) this.#learn(e);
    this.#selected = selected !== undefined ? selected + shift : this.historyTotal;
  }

  /** sets (or removes) the guard requests pass through (SendGuard) */
  guard(g: SendGuard | undefined): void {
    this.#guard = g;
  }

  /** sends the request in the editor */
  send(): Promise<HistoryEntry> {
    const req: SentRequest = { operation: this.#target, callerArn: this.#callerArn, body: this.body, host: this.#pinnedHost };
    if (this.callerIsService && this.#sourceArn) req.sourceArn = this.#sourceArn;
    return this.#run(req);
  }

  /** puts a past request back into the editor */
  load(entry: HistoryEntry): void {
    this.#target = entry.operation;
    this.#drafts = { ...this.#drafts, [entry.operation]: entry.body };
    this.#callerArn = entry.callerArn;
    this.#pinnedHost = entry.host;
    if (entry.sourceArn !== undefined || this.callerIsService) this.#sourceArn = entry.sourceArn ?? '';
    this.#selected = entry.n;
  }

  /** sends a past request again, as it was (its caller, body, pinned host and source ARN) */
  rerun(entry: HistoryEntry): Promise<HistoryEntry> {
    const req: SentRequest = { operation: entry.operation, callerArn: entry.callerArn, body: entry.body, host: entry.host };
    if (entry.sourceArn !== undefined) req.sourceArn = entry.sourceArn;
    return this.#run(req);
  }

  async #run(req: SentRequest, hops = 0): Promise<HistoryEntry> {
    this.#sending = true;
    this.#notice = '';
    try {
      const outcome = await this.#exclusive(async (): Promise<{ entry: HistoryEntry } | { redirect: Promise<SendRedirect> }> => {
        // held (another tab's change is being loaded): nothing is done here
        const held = this.#guard?.before();
        if (held) return { redirect: held };
        if (this.#tt && (this.#hasKeptFuture() || this.#now < this.sim.clock.now())) {
          // in the past: bring the engine to the shown time, then fork there
          await this.#goTo(this.#now);
          this.#tt.fork();
          this.#dropKeptFuture();
        } else this.#commitClock();
        // asked again right before the fetch, with nothing awaited in between
        const late = this.#guard?.before();
        if (late) return { redirect: late };
        const sentAt = this.sim.clock.now();
        try {
          const res = await this.sim.fetch(this.#request(req));
          const response = await captureResponse(res);
          // an answer that was not saved is not shown here (the guard says what is)
          const unsaved = this.#guard?.after();
          if (unsaved) return { redirect: unsaved };
          return { entry: { ...req, n: 0, sentAt, response } satisfies HistoryEntry };
        } catch (err) {
          return { entry: { ...req, n: 0, sentAt, failure: err instanceof Error ? `${err.name}: ${err.message}` : String(err) } satisfies HistoryEntry };
        }
      });
      if ('redirect' in outcome) return await this.#redirected(req, await outcome.redirect, hops);
      const entry = outcome.entry;
      const numbered: HistoryEntry = { ...entry, n: this.historyTotal + 1 };
      this.#setHistory([...this.#history, numbered], this.#dropped);
      this.#selected = numbered.n;
      this.#learn(numbered);
      this.#sync();
      if (numbered.response && numbered.response.status < 400 && MUTATING.test(numbered.operation)) await this.#refresh(false);
      return numbered;
    } finally {
      this.#sending = false;
    }
  }

  /** a request the guard sent elsewhere, or refused */
  async #redirected(req: SentRequest, r: SendRedirect, hops: number): Promise<HistoryEntry> {
    if ('entry' in r) return r.entry;
    if ('session' in r && hops < 3) return r.session.#run(req, hops + 1);
    const refused = 'refused' in r ? r.refused : 'This request was not sent: the workspace kept changing in another tab. Send it again.';
    this.#notice = refused;
    return { ...req, n: 0, sentAt: this.sim.clock.now(), refused };
  }

  #request(req: SentRequest): Request {
    return buildRequest(req, { region: this.config.region, callers: this.callers, now: this.sim.clock.now() });
  }

  /** remembers ids, tokens and blobs from a response, for templates and completions */
  #learn(entry: HistoryEntry): void {
    const res = entry.response;
    if (!res || res.status >= 400) return;
    let reqBody: Record<string, unknown> = {};
    let resBody: Record<string, unknown> = {};
    try {
      reqBody = JSON.parse(entry.body || '{}') as Record<string, unknown>;
    } catch {
      /* keep {} */
    }
    try {
      resBody = res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
    } catch {
      /* keep {} */
    }
    const s = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const next: Recent = { ...this.#recent };
    const keyId = s(reqBody.KeyId) ?? s((resBody.KeyMetadata as Record<string, unknown> | undefined)?.KeyId);
    if (keyId && !keyId.startsWith('alias/')) next.keyId = keyId;
    switch (entry.operation) {
      case 'CreateGrant':
        next.grantToken = s(resBody.GrantToken) ?? next.grantToken;
        next.grantId = s(resBody.GrantId) ?? next.grantId;
        next.grantKeyId = s(reqBody.KeyId) ?? next.grantKeyId;
        if (next.grantToken && !this.#tokens.includes(next.grantToken)) this.#tokens = [...this.#tokens, next.grantToken];
        break;
      case 'Encrypt':
      case 'ReEncrypt':
      case 'GenerateDataKey':
      case 'GenerateDataKeyWithoutPlaintext':
        next.ciphertext = s(resBody.CiphertextBlob) ?? next.ciphertext;
        break;
      case 'Sign':
        next.signature = s(resBody.Signature) ?? next.signature;
        next.signedMessage = s(reqBody.Message) ?? next.signedMessage;
        break;
      case 'GenerateMac':
        next.mac = s(resBody.Mac) ?? next.mac;
        next.macMessage = s(reqBody.Message) ?? next.macMessage;
        break;
    }
    this.#recent = next;
  }

  get recent(): Recent {
    return this.#recent;
  }

  /** every grant token a CreateGrant returned in this session, oldest first */
  get grantTokens(): readonly string[] {
    return this.#tokens;
  }

  // ---- the virtual clock -------------------------------------------------------------------

  /** the virtual time the UI shows (during play it may run ahead of the simulator until committed) */
  get now(): number {
    return this.#now;
  }

  /** ms since the scenario started */
  get elapsed(): number {
    return this.#now - this.config.startTime;
  }

  /** moves the clock forward by `ms` (>= 0); in the past, through the kept future first */
  advance(ms: number): void {
    if (!(ms > 0)) return;
    if (this.#travelling || this.#hasKeptFuture()) {
      void this.travelTo(this.#now + ms);
      return;
    }
    this.#clockOp(() => {
      this.#commitClock();
      this.sim.clock.advance(ms);
    });
  }

  /** moves the clock to the moment every pending grant change has reached every host */
  settle(): void {
    if (this.#travelling || this.#hasKeptFuture()) {
      // in the past: to the moment the changes in flight at the shown time have all arrived
      const last = this.index.lastPendingAt();
      if (last !== undefined && last > this.#now) void this.travelTo(last);
      return;
    }
    this.#clockOp(() => {
      this.#commitClock();
      this.sim.clock.settle();
    });
  }

  /** advances to the next scheduled arrival; false when nothing is pending */
  stepToNext(): boolean {
    if (this.#travelling || this.#hasKeptFuture()) {
      // in the past: to the next arrival, or the next request of the kept future
      const next = this.#nextStop(this.#now);
      if (next === undefined) return false;
      void this.travelTo(next);
      return true;
    }
    if (this.index.nextPendingAt(Math.max(this.#now, this.sim.clock.now())) === undefined) return false;
    this.#clockOp(() => {
      this.#commitClock();
      this.#sync();
      const now = this.sim.clock.now();
      const next = this.index.nextPendingAt(now);
      if (next !== undefined) this.sim.clock.advance(Math.max(0, next - now));
    });
    return true;
  }

  /** runs a clock change now, or after the request in flight (clock moves never overlap a request) */
  #clockOp(fn: () => void): void {
    const run = () => {
      fn();
      this.#now = this.sim.clock.now();
      this.#sync();
    };
    if (this.#busy === 0) run();
    else void this.#exclusive(async () => run());
  }

  /** the next scheduled arrival after now (in the past: or the next kept request), if any */
  get nextPendingAt(): number | undefined {
    void this.#version;
    if (this.#horizon > this.#now) return this.#nextStop(this.#now);
    return this.index.nextPendingAt(this.#now);
  }

  #nextStop(now: number): number | undefined {
    return earliest(this.index.nextPendingAt(now), this.#tt ? nextLoggedRequestAt(this.#tt.log, now) : undefined);
  }

  /**
   * Playback: move the shown time to `t`. The simulator is only advanced when an arrival is due,
   * or once a second, so a playing clock does not flood the event stream with clock ticks.
   */
  playTo(t: number, realNow: number): void {
    if (t <= this.#now) return;
    this.#now = t;
    if (this.#busy > 0 || this.#travelling) return;
    if (this.#hasKeptFuture()) {
      // playing through the kept future replays it (seek forward), never forks it
      const due = this.#nextStop(this.sim.clock.now());
      if ((due !== undefined && due <= t) || realNow - this.#lastCommit >= COMMIT_EVERY_MS) {
        this.#lastCommit = realNow;
        void this.travelTo(t, { quiet: true });
      }
      return;
    }
    const next = this.index.nextPendingAt(this.sim.clock.now());
    if ((next !== undefined && next <= t) || realNow - this.#lastCommit >= COMMIT_EVERY_MS) {
      this.#lastCommit = realNow;
      this.#commitClock();
      this.#sync();
    }
  }

  /** brings the simulator's clock up to the shown time */
  commit(): void {
    if (this.#busy > 0) return;
    if (this.#hasKeptFuture()) {
      if (this.#now !== this.sim.clock.now()) void this.travelTo(this.#now, { quiet: true });
      return;
    }
    this.#commitClock();
    this.#sync();
  }

  /** true when the simulator can rebuild the past (seek) and read it without forking it (peek) */
  get canTravelBack(): boolean {
    return this.#tt !== undefined;
  }

  /** moves the shown time to `t` (past or future); false when that cannot be done */
  seek(t: number): boolean {
    if (!this.#tt) {
      if (t < this.#now) return false;
      this.advance(t - this.#now);
      return true;
    }
    void this.travelTo(t);
    return true;
  }

  /** the latest time history reaches; later than `now` while the past is shown */
  get horizon(): number {
    return Math.max(this.#horizon, this.#now);
  }

  /** true while an earlier time than the latest is shown (there is a kept future) */
  get inPast(): boolean {
    return this.#horizon > this.#now;
  }

  /** true while the engine is rebuilding another time */
  get travelling(): boolean {
    return this.#travelling;
  }

  /** history entries after the shown time: undone for now, replayed by moving forward, dropped by sending */
  get keptFuture(): readonly HistoryEntry[] {
    return this.inPast ? keptFuture(this.#history, this.#now) : [];
  }

  /** said before a request would fork history (undefined at the present) */
  get forkWarning(): string | undefined {
    if (!this.inPast) return undefined;
    return forkWarning(this.keptFuture.length, this.#now, this.#horizon, this.config.startTime);
  }

  /** back to the latest time history reaches (replays the kept future) */
  returnToPresent(): Promise<void> {
    return this.travelTo(this.horizon);
  }

  /** to the moment of the latest event before the shown time (or the start) */
  stepBack(): boolean {
    const t = previousStop(this.index.lanes, this.#now, this.config.startTime);
    if (t === undefined || !this.#tt) return false;
    void this.travelTo(t);
    return true;
  }

  /** is there anything before the shown time to step back to? */
  get canStepBack(): boolean {
    return this.#tt !== undefined && this.#now > this.config.startTime;
  }

  /**
   * Shows the world at virtual time `t`: the engine replays its log to t (`sim.seek`), or moves its
   * clock on past the horizon. Calls made while one is running coalesce into its last target, so a
   * dragged scrubber never queues a replay per pixel. Resolves once the state browser has caught up.
   */
  travelTo(t: number, opts: { quiet?: boolean } = {}): Promise<void> {
    if (!this.#tt) {
      this.seek(t);
      return Promise.resolve();
    }
    const target = clampTravel(t, this.config.startTime);
    if (!this.#travelling) {
      this.#travelFrom = this.#now;
      this.#travelQuiet = true;
    }
    this.#travelQuiet &&= opts.quiet === true;
    // the response shown follows the clock: the latest one sent by the time travelled to
    this.#selected = undefined;
    this.#travelTarget = target;
    this.#now = target;
    this.#travelling = true;
    if (this.#travelRun) return this.#travelRun;
    const run = this.#exclusive(async () => {
      try {
        while (this.#travelTarget !== undefined) {
          const next = this.#travelTarget;
          this.#travelTarget = undefined;
          await this.#goTo(next);
        }
      } finally {
        this.#travelRun = undefined;
        this.#travelling = false;
        const simNow = this.sim.clock.now();
        // playback may have moved the shown time on meanwhile; never show a time the engine is not at
        if (this.#now < simNow) this.#now = simNow;
        this.#horizon = this.#tt?.horizon ?? this.#horizon;
      }
    }).then(async () => {
      this.#announceTravel();
      await this.refreshWorld();
    });
    this.#travelRun = run;
    return run;
  }

  #announceTravel(): void {
    const to = this.#now;
    const horizon = this.horizon;
    const reachedPresent = to >= horizon && this.#travelFrom < horizon;
    if (this.#travelQuiet && !reachedPresent) return;
    if (to === this.#travelFrom) return;
    const text = travelAnnouncement({ from: this.#travelFrom, to, horizon, start: this.config.startTime, kept: this.keptFuture.length });
    // where the clock now is replaces whatever was waiting to be said; a drag speaks at most every ANNOUNCE_EVERY_MS
    this.#pendingAnnouncements = [text.replace(/\.$/, '')];
    if (this.#announceTimer !== undefined) return;
    const wait = Math.max(0, this.#lastAnnounce + ANNOUNCE_EVERY_MS - Date.now());
    this.#announceTimer = setTimeout(() => this.#flushAnnouncements(), wait);
  }

  /** brings the engine to `target` (inside #exclusive): replay for the past and the kept future, clock moves beyond */
  async #goTo(target: number): Promise<void> {
    const tt = this.#tt;
    if (!tt) return;
    const t = clampTravel(target, this.config.startTime);
    const simNow = tt.clock.now();
    if (t === simNow) return;
    const horizon = tt.horizon;
    if (t < simNow || horizon > simNow) {
      await tt.seek(Math.min(t, horizon));
      this.#reindex();
    }
    const at = tt.clock.now();
    // beyond the horizon there is nothing to replay: the present moves on
    if (t > at) tt.clock.advance(t - at);
    this.#horizon = tt.horizon;
    this.#sync();
  }

  /** does the engine hold inputs later than its clock (a kept future)? */
  #hasKeptFuture(): boolean {
    return this.#tt !== undefined && this.#tt.horizon > this.sim.clock.now();
  }

  /** after a fork: the history entries that were in the kept future are gone */
  #dropKeptFuture(): void {
    const now = this.sim.clock.now();
    const dropped = keptFuture(this.#history, now).length;
    if (dropped > 0) {
      this.#history = this.#history.slice(0, this.#history.length - dropped);
      if (this.#selected !== undefined && this.#selected > this.historyTotal) this.#selected = undefined;
      this.#pendingAnnouncements.push(`${plural(dropped, 'later request')} replaced`);
    }
    this.#horizon = this.#tt?.horizon ?? now;
  }

  /** a fresh index over the engine's events (they were rebuilt by a seek) */
  #reindex(): void {
    this.index = EventIndex.rebuild(this.config.hosts, this.sim.events, this.index.hiddenRequests);
    this.#version++;
    // another past: the next read of the world reads all of it
    this.#refreshAll = true;
  }

  #commitClock(): void {
    const simNow = this.sim.clock.now();
    if (this.#now > simNow) this.sim.clock.advance(this.#now - simNow);
    this.#now = this.sim.clock.now();
  }

  // ---- events ----------------------------------------------------------------------------

  /** bumps whenever new events were indexed; read it to re-derive from `index` */
  get version(): number {
    return this.#version;
  }

  get events(): readonly SimEvent[] {
    void this.#version;
    return this.sim.events;
  }

  /** the text of the aria-live region (new events, batched) */
  get announcement(): string {
    return this.#announcement;
  }

  #onEvent(e: SimEvent): void {
    if (this.#internal && e.type === '@kms.request') this.index.hiddenRequests.add(e.requestId);
    if (!this.#syncScheduled) {
      this.#syncScheduled = true;
      queueMicrotask(() => this.#sync());
    }
  }

  #sync(): void {
    this.#syncScheduled = false;
    // the clock may also have been moved by someone else (a scenario runner, a test's setup)
    const simNow = this.sim.clock.now();
    if (simNow > this.#now && !this.#travelling) this.#now = simNow;
    if (this.#tt) this.#horizon = this.#tt.horizon;
    // someone else rebuilt the engine's past (sim.seek): start the index over
    if (this.index.cursor > this.sim.events.length) this.#reindex();
    if (this.index.cursor === this.sim.events.length) return;
    const added = this.index.sync(this.sim.events);
    this.#version++;
    for (const item of added) if (item.lane === 0 && item.kind !== 'key') this.#grantChanged(this.sim.events[item.ev]);
    if (added.length) this.#queueAnnouncements(added);
    if (!this.#internal && this.#busy === 0 && added.some((i) => i.kind === 'key')) void this.#refresh(false);
  }

  /** a grant change: its key's listing changed (listings are immediate), for the next read of the world */
  #grantChanged(e: SimEvent | undefined): void {
    if (e?.type !== '@kms.grant.changed') return;
    if (!this.#staleGrants.has(e.keyArn)) this.#staleGrants.set(e.keyArn, new Set());
    const ids = this.#staleGrants.get(e.keyArn);
    if (!ids) return;
    ids.add(e.grantId);
    if (ids.size > STALE_GRANTS_READ_ONE_BY_ONE) this.#staleGrants.set(e.keyArn, undefined);
  }

  #queueAnnouncements(items: readonly TimelineItem[]): void {
    const ctx = { start: this.config.startTime, index: this.index };
    for (const item of items) this.#pendingAnnouncements.push(summarize(this.sim.events[item.ev], ctx));
    if (this.#announceTimer !== undefined) return;
    const wait = Math.max(0, this.#lastAnnounce + ANNOUNCE_EVERY_MS - Date.now());
    this.#announceTimer = setTimeout(() => this.#flushAnnouncements(), wait);
  }

  #flushAnnouncements(): void {
    this.#announceTimer = undefined;
    const lines = this.#pendingAnnouncements;
    this.#pendingAnnouncements = [];
    if (!lines.length) return;
    this.#lastAnnounce = Date.now();
    this.#announcement = lines.length <= 3 ? lines.join('. ') + '.' : `${plural(lines.length, 'new event')}; latest: ${lines[lines.length - 1]}.`;
  }

  // ---- the state browser's reads -----------------------------------------------------------

  get world(): WorldView {
    return this.#world;
  }

  /** re-reads keys (with their policies), aliases and grants through the KMS API as the account root, with peek: no trace */
  refreshWorld(): Promise<void> {
    return this.#refresh(true);
  }

  /**
   * Re-reads the world. `all`: every key's grants too; else (after a Send, a key event) the grants
   * of a key are read only when they changed since the last read (grant events say which), and
   * one by one when only a few did: a key with 50,000 grants is not listed again for one CreateGrant.
   */
  #refresh(all: boolean): Promise<void> {
    if (all) this.#refreshAll = true;
    if (this.#refreshQueued) return this.#queue.then(() => undefined);
    this.#refreshQueued = true;
    return this.#exclusive(async () => {
      this.#refreshQueued = false;
      // another time travel is on its way (a drag): it re-reads when it gets there
      if (this.#travelTarget !== undefined) return;
      const everything = this.#refreshAll || !this.#world.loaded || this.#world.error !== undefined;
      const stale = this.#staleGrants;
      this.#refreshAll = false;
      this.#staleGrants = new Map();
      const before = new Map(this.#world.keys.map((k) => [k.arn, k]));
      this.#internal = true;
      try {
        const aliases: AliasView[] = (await this.#readAll('ListAliases', 'Aliases')).map(aliasFromEntry);
        const keyEntries = await this.#readAll('ListKeys', 'Keys');
        const keys = [];
        for (const entry of keyEntries) {
          const keyId = typeof entry.KeyId === 'string' ? entry.KeyId : '';
          const described = await this.#read('DescribeKey', { KeyId: keyId });
          const meta = (described.KeyMetadata ?? {}) as Record<string, unknown>;
          const arn = typeof meta.Arn === 'string' ? meta.Arn : '';
          const known = everything ? undefined : before.get(arn);
          const changed = stale.get(arn);
          const grants: GrantView[] =
            known && !stale.has(arn)
              ? known.grants
              : known && changed
                ? await this.#readGrants(keyId, known.grants, changed)
                : (await this.#readAll('ListGrants', 'Grants', { KeyId: keyId })).map(grantFromEntry);
          let policy: string | undefined;
          try {
            const p = (await this.#read('GetKeyPolicy', { KeyId: keyId, PolicyName: 'default' })).Policy;
            policy = typeof p === 'string' ? p : undefined;
          } catch {
            /* shown as "could not be read" */
          }
          keys.push({ ...keyFromMetadata(meta, aliases, grants), policy });
        }
        this.#world = { loaded: true, keys, aliases };
      } catch (err) {
        this.#world = { ...this.#world, loaded: true, error: err instanceof Error ? err.message : String(err) };
        this.#refreshAll = true;
      } finally {
        this.#internal = false;
        this.#sync();
      }
    });
  }

  /**
   * A key's grants with those named in `ids` read again (ListGrants with GrantId): gone ones
   * dropped, new ones put in their place (ListGrants lists in ascending GrantId).
   */
  async #readGrants(keyId: string, grants: readonly GrantView[], ids: ReadonlySet<string>): Promise<GrantView[]> {
    const fresh: GrantView[] = [];
    for (const grantId of ids) fresh.push(...(await this.#readAll('ListGrants', 'Grants', { KeyId: keyId, GrantId: grantId })).map(grantFromEntry));
    const out = grants.filter((g) => !ids.has(g.grantId));
    // a list read in full stops at READ_PAGES pages: a grant after its last one is not in it either
    const capped = grants.length >= READ_PAGES * PAGE;
    for (const g of fresh) {
      let lo = 0;
      let hi = out.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (out[mid].grantId < g.grantId) lo = mid + 1;
        else hi = mid;
      }
      if (!(capped && lo === out.length)) out.splice(lo, 0, g);
    }
    if (capped && out.length > READ_PAGES * PAGE) out.length = READ_PAGES * PAGE;
    return out;
  }

  async #read(operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    // pinned to host 0 so these reads never touch the simulator's routing choices; peek leaves no
    // trace (no log entry, so reading the past never forks it; no event on the timeline)
    const request = this.#request({ operation, callerArn: this.rootArn, body: JSON.stringify(body), host: 0 });
    const res = this.#tt ? await this.#tt.peek(request) : await this.sim.fetch(request);
    const text = await res.text();
    if (res.status >= 400) {
      const code = errorType({ status: res.status, body: text });
      throw new Error(`${operation} failed: ${code ?? res.status}`);
    }
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  async #readAll(operation: string, member: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let marker: string | undefined;
    for (let page = 0; page < READ_PAGES; page++) {
      const res = await this.#read(operation, { ...body, Limit: PAGE, ...(marker ? { Marker: marker } : {}) });
      const list = res[member];
      if (Array.isArray(list)) out.push(...(list as Record<string, unknown>[]));
      marker = res.Truncated === true && typeof res.NextMarker === 'string' ? res.NextMarker : undefined;
      if (!marker) break;
    }
    return out;
  }

  /** runs engine work one piece at a time, so hidden reads and user requests never interleave */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = async () => {
      this.#busy++;
      try {
        return await fn();
      } finally {
        this.#busy--;
      }
    };
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => undefined);
    return p;
  }
}
