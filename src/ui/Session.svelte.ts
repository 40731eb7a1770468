/**
 * The playground session: owns the simulator, the request being edited, the history, the virtual
 * clock as the UI shows it, and the state browser's picture of the account. UI state lives in
 * private `$state.raw` fields behind getters (svelte.dev's Workspace.svelte.ts is the model); every
 * change goes through a method, so the components stay thin.
 *
 * Everything reaches the engine through its public contract: `sim.fetch` (as the selected caller,
 * or as the account root for the state browser's reads), `sim.clock`, `sim.events`, `sim.subscribe`.
 */
import type { PrincipalConfig, Simulator } from '../kms/api';
import type { SimEvent } from '../kms/events';
import { EventIndex, type TimelineItem } from './eventIndex';
import type { OperationGroup } from './operations';
import { summarize } from './describe';
import { plural } from './format';
import { type Recent, templateBody, withGrantToken, TAKES_GRANT_TOKENS } from './templates';
import { buildRequest, captureResponse, type Caller, type WireResponse, shortPrincipal, errorType } from './wire';
import { EMPTY_WORLD, type AliasView, type GrantView, type WorldView, aliasFromEntry, grantFromEntry, keyFromMetadata } from './world';

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
}

export interface HistoryEntry extends SentRequest {
  /** 1-based position in the history */
  readonly n: number;
  /** virtual time at which it was sent */
  readonly sentAt: number;
  readonly response?: WireResponse;
  /** the simulator threw instead of answering: a playground bug, shown as such */
  readonly failure?: string;
}

const MUTATING = /^(Create|Delete|Update|Put|Enable|Disable|Schedule|Cancel|Retire|Revoke|Tag|Untag|Import|Replicate|Rotate|Connect|Disconnect)/;

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
  #history = $state.raw<readonly HistoryEntry[]>([]);
  #selected = $state.raw<number | undefined>(undefined);
  #sending = $state.raw(false);
  #now = $state.raw(0);
  #version = $state.raw(0);
  #world = $state.raw<WorldView>(EMPTY_WORLD);
  #recent = $state.raw<Recent>({});
  #tokens = $state.raw<readonly string[]>([]);
  #announcement = $state.raw('');
  #notice = $state.raw('');

  /** true while the state browser's own reads run: their request events are hidden */
  #internal = false;
  #queue: Promise<unknown> = Promise.resolve();
  #busy = 0;
  #syncScheduled = false;
  #refreshQueued = false;
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
    this.rootArn = `arn:aws:iam::${config.accountId}:root`;
    this.callers = [
      { arn: this.rootArn, label: 'Account root' },
      ...config.principals.map((p) => ({ arn: p.arn, accessKeyId: p.accessKeyId, label: shortPrincipal(p.arn) })),
    ];
    this.#callerArn = this.rootArn;
    this.#now = sim.clock.now();
    this.index = new EventIndex(config.hosts);
    this.#unsubscribe = sim.subscribe((e) => this.#onEvent(e));
    this.#sync();
    this.#drafts = { [this.#target]: this.templateFor(this.#target) };
  }

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
      principals: this.config.principals.map((p) => p.arn),
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

  /** the host requests are pinned to (x-playground-host), or undefined for the simulator's routing */
  get pinnedHost(): number | undefined {
    return this.#pinnedHost;
  }

  set pinnedHost(h: number | undefined) {
    this.#pinnedHost = h === undefined || (Number.isInteger(h) && h >= 0 && h < this.config.hosts) ? h : undefined;
  }

  get sending(): boolean {
    return this.#sending;
  }

  /** a short message about the last editor action that could not be done */
  get notice(): string {
    return this.#notice;
  }

  // ---- sending, history ------------------------------------------------------------------

  get history(): readonly HistoryEntry[] {
    return this.#history;
  }

  get selected(): HistoryEntry | undefined {
    const n = this.#selected;
    return n === undefined ? undefined : this.#history[n - 1];
  }

  select(n: number): void {
    if (n >= 1 && n <= this.#history.length) this.#selected = n;
  }

  /** sends the request in the editor */
  send(): Promise<HistoryEntry> {
    return this.#run({ operation: this.#target, callerArn: this.#callerArn, body: this.body, host: this.#pinnedHost });
  }

  /** puts a past request back into the editor */
  load(entry: HistoryEntry): void {
    this.#target = entry.operation;
    this.#drafts = { ...this.#drafts, [entry.operation]: entry.body };
    this.#callerArn = entry.callerArn;
    this.#pinnedHost = entry.host;
    this.#selected = entry.n;
  }

  /** sends a past request again, as it was (its caller, body and pinned host) */
  rerun(entry: HistoryEntry): Promise<HistoryEntry> {
    return this.#run({ operation: entry.operation, callerArn: entry.callerArn, body: entry.body, host: entry.host });
  }

  async #run(req: SentRequest): Promise<HistoryEntry> {
    this.#sending = true;
    this.#notice = '';
    try {
      const entry = await this.#exclusive(async () => {
        this.#commitClock();
        const sentAt = this.sim.clock.now();
        try {
          const res = await this.sim.fetch(this.#request(req));
          const response = await captureResponse(res);
          return { ...req, n: 0, sentAt, response } satisfies HistoryEntry;
        } catch (err) {
          return { ...req, n: 0, sentAt, failure: err instanceof Error ? `${err.name}: ${err.message}` : String(err) } satisfies HistoryEntry;
        }
      });
      const numbered: HistoryEntry = { ...entry, n: this.#history.length + 1 };
      this.#history = [...this.#history, numbered];
      this.#selected = numbered.n;
      this.#learn(numbered);
      this.#sync();
      if (numbered.response && numbered.response.status < 400 && MUTATING.test(numbered.operation)) await this.refreshWorld();
      return numbered;
    } finally {
      this.#sending = false;
    }
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

  /** moves the clock forward by `ms` (>= 0) */
  advance(ms: number): void {
    if (!(ms > 0)) return;
    this.#clockOp(() => {
      this.#commitClock();
      this.sim.clock.advance(ms);
    });
  }

  /** moves the clock to the moment every pending grant change has reached every host */
  settle(): void {
    this.#clockOp(() => {
      this.#commitClock();
      this.sim.clock.settle();
    });
  }

  /** advances to the next scheduled arrival; false when nothing is pending */
  stepToNext(): boolean {
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

  /** the next scheduled arrival after now, if any */
  get nextPendingAt(): number | undefined {
    void this.#version;
    return this.index.nextPendingAt(this.#now);
  }

  /**
   * Playback: move the shown time to `t`. The simulator is only advanced when an arrival is due,
   * or once a second, so a playing clock does not flood the event stream with clock ticks.
   */
  playTo(t: number, realNow: number): void {
    if (t <= this.#now) return;
    this.#now = t;
    if (this.#busy > 0) return;
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
    this.#commitClock();
    this.#sync();
  }

  /**
   * Time travel seam. Moving forward works today. The engine can already rebuild the past
   * (`seek(t)` on the simulator createSimulator returns: checkpoints plus replay), so going back is:
   * `await sim.seek(t)`, then `this.index = EventIndex.rebuild(hosts, sim.events, hiddenRequests)`,
   * then mark later history entries as "undone". What blocks it: the state browser reads through
   * sim.fetch, and any request after a seek forks (drops) the kept future. It needs a read path
   * that is not an input (e.g. a request header the engine does not log), or the state browser
   * must stop reading while the user scrubs. Until then this returns false for a time in the past.
   */
  get canTravelBack(): boolean {
    return false;
  }

  seek(t: number): boolean {
    if (t >= this.#now) {
      this.advance(t - this.#now);
      return true;
    }
    return false;
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
    if (simNow > this.#now) this.#now = simNow;
    if (this.index.cursor === this.sim.events.length) return;
    const added = this.index.sync(this.sim.events);
    this.#version++;
    if (added.length) this.#queueAnnouncements(added);
    if (!this.#internal && this.#busy === 0 && added.some((i) => i.kind === 'key')) void this.refreshWorld();
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

  /** re-reads keys, aliases and grants through the KMS API as the account root */
  refreshWorld(): Promise<void> {
    if (this.#refreshQueued) return this.#queue.then(() => undefined);
    this.#refreshQueued = true;
    return this.#exclusive(async () => {
      this.#refreshQueued = false;
      this.#internal = true;
      try {
        const aliases: AliasView[] = (await this.#readAll('ListAliases', 'Aliases')).map(aliasFromEntry);
        const keyEntries = await this.#readAll('ListKeys', 'Keys');
        const keys = [];
        for (const entry of keyEntries) {
          const keyId = typeof entry.KeyId === 'string' ? entry.KeyId : '';
          const described = await this.#read('DescribeKey', { KeyId: keyId });
          const meta = (described.KeyMetadata ?? {}) as Record<string, unknown>;
          const grants: GrantView[] = (await this.#readAll('ListGrants', 'Grants', { KeyId: keyId })).map(grantFromEntry);
          keys.push(keyFromMetadata(meta, aliases, grants));
        }
        this.#world = { loaded: true, keys, aliases };
      } catch (err) {
        this.#world = { ...this.#world, loaded: true, error: err instanceof Error ? err.message : String(err) };
      } finally {
        this.#internal = false;
        this.#sync();
      }
    });
  }

  async #read(operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    // pinned to host 0 so these reads never touch the simulator's routing choices
    const res = await this.sim.fetch(this.#request({ operation, callerArn: this.rootArn, body: JSON.stringify(body), host: 0 }));
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
    for (let page = 0; page < 100; page++) {
      const res = await this.#read(operation, { ...body, Limit: 100, ...(marker ? { Marker: marker } : {}) });
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
