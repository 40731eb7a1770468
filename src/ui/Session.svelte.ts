/**
 * The playground session: a simulator and the UI state around it, composed of small rune
 * classes (src/ui/session/), each exposed for what needs it directly:
 *
 * - `engine`: the link to the simulator (shown time, event index, one-at-a-time queue);
 * - `editor`: the request being edited (DraftEditor);
 * - `requests`: the history of requests sent (RequestHistory), and `sender`, which sends them;
 * - `clock`: the virtual clock as the UI moves it (Clock; Playback plays it);
 * - `travel`: time travel (TimeTravel);
 * - `announcer`: the live region (Announcer);
 * - `reader`: the state browser's picture of the account (StateReader).
 *
 * The Session's own members are that surface in one place for the components (session.body,
 * session.send(), session.travelTo(t)…). Everything reaches the engine through its public
 * contract: `sim.fetch` (as the selected caller), `sim.peek` (the state browser's reads as the
 * account root: no log entry, no event), `sim.clock`, `sim.events`, `sim.subscribe`, and for
 * time travel `sim.seek`, `sim.horizon`, `sim.fork`, `sim.log`.
 */
import type { Simulator } from '../kms/api';
import type { SimEvent } from '../kms/events';
import { configuredCallers } from '../scenario/callers';
import type { EventIndex, TimelineItem } from './eventIndex';
import type { OperationGroup } from './operations';
import { summarize } from './describe';
import type { Recent } from './templates';
import { type Caller, shortPrincipal, isServiceName } from './wire';
import type { WorldView } from './world';
import { Announcer, SAID_IN_FULL } from './session/announcer.svelte';
import { Clock } from './session/clock.svelte';
import { DraftEditor } from './session/draft.svelte';
import { Engine } from './session/engine.svelte';
import { RequestHistory } from './session/history.svelte';
import { Sender } from './session/send.svelte';
import { StateReader } from './session/stateReader.svelte';
import { TimeTravel } from './session/travel.svelte';
import type { Draft, EngineInfo, HistoryEntry, SendGuard, SessionConfig } from './session/types';

export type { Draft, EngineInfo, HistoryEntry, SendGuard, SendRedirect, SentRequest, SessionConfig } from './session/types';

export class Session {
  readonly engine: Engine;
  readonly announcer = new Announcer();
  readonly reader: StateReader;
  readonly requests: RequestHistory;
  readonly travel: TimeTravel;
  readonly clock: Clock;
  readonly editor: DraftEditor;
  readonly sender: Sender;
  #ready = $state.raw(true);

  constructor(sim: Simulator, config: SessionConfig) {
    const rootArn = `arn:aws:iam::${config.accountId}:root`;
    // the root once: a principal entry naming the account root configures the root (its key,
    // its policy) rather than adding a caller, and an ARN listed twice is one caller (unique keys)
    const callers: Caller[] = [
      { arn: rootArn, label: 'Account root' },
      ...configuredCallers(config.accountId, config.principals).map((p) =>
        isServiceName(p.arn)
          ? { arn: p.arn, accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey, label: `service ${p.arn}`, service: true }
          : { arn: p.arn, accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey, label: shortPrincipal(p.arn) },
      ),
    ];
    const engine = new Engine(sim, config, callers, rootArn);
    this.engine = engine;
    this.reader = new StateReader(engine, () => this.travel.pending);
    this.requests = new RequestHistory(engine, config.historyLimit);
    this.travel = new TimeTravel(engine, this.requests, this.announcer, this.reader, (t) => this.clock.seek(t));
    this.clock = new Clock(engine, this.travel);
    engine.start({
      indexed: (added) => this.#indexed(added),
      reindexed: () => this.reader.markAllStale(),
    });
    this.editor = new DraftEditor(engine, this.reader, this.requests);
    this.sender = new Sender(engine, this.editor, this.requests, this.travel, this.reader);
  }

  /** what the index gained: the state reader learns which grants changed, the live region says it */
  #indexed(added: readonly TimelineItem[]): void {
    const engine = this.engine;
    const events = engine.sim.events;
    for (const item of added) if (item.lane === 0 && item.kind !== 'key') this.reader.grantChanged(events[item.ev]);
    if (added.length) {
      // only the latest lines are said (a workspace loaded at once adds every event it has)
      const ctx = { start: engine.config.startTime, index: engine.index };
      const from = Math.max(0, added.length - SAID_IN_FULL);
      this.announcer.say(
        added.slice(from).map((item) => summarize(events[item.ev], ctx)),
        from,
      );
    }
    if (!engine.internal && engine.busy === 0 && added.some((i) => i.kind === 'key')) void this.reader.refresh(false);
  }

  dispose(): void {
    this.engine.dispose();
    this.announcer.dispose();
  }

  // ---- the engine ------------------------------------------------------------------------

  get sim(): Simulator {
    return this.engine.sim;
  }

  get config(): SessionConfig {
    return this.engine.config;
  }

  get rootArn(): string {
    return this.engine.rootArn;
  }

  get callers(): readonly Caller[] {
    return this.engine.callers;
  }

  /** the incremental index over sim.events; read it after reading `version` */
  get index(): EventIndex {
    return this.engine.index;
  }

  /** bumps whenever new events were indexed; read it to re-derive from `index` */
  get version(): number {
    return this.engine.version;
  }

  get events(): readonly SimEvent[] {
    void this.engine.version;
    return this.engine.sim.events;
  }

  /**
   * Waits for a simulator that loads asynchronously (its own chunk, or a saved workspace), then
   * takes the operation list and model facts it brings and catches up with its events.
   */
  async attach(loaded: Promise<EngineInfo>): Promise<void> {
    this.#ready = false;
    try {
      const info = await loaded;
      this.editor.setEngineInfo(info.operationGroups, info.requiredMembers);
      this.sender.describe(info.mutating);
      this.engine.sync();
      this.engine.now = this.engine.sim.clock.now();
    } finally {
      this.#ready = true;
    }
  }

  /** false while the engine is still loading */
  get ready(): boolean {
    return this.#ready;
  }

  // ---- request editor (DraftEditor) ----------------------------------------------------------

  get operationGroups(): readonly OperationGroup[] {
    return this.editor.operationGroups;
  }
  get operations(): readonly string[] {
    return this.editor.operations;
  }
  get target(): string {
    return this.editor.target;
  }
  setTarget(operation: string): void {
    this.editor.setTarget(operation);
  }
  get body(): string {
    return this.editor.body;
  }
  set body(text: string) {
    this.editor.body = text;
  }
  templateFor(operation: string): string {
    return this.editor.templateFor(operation);
  }
  resetToTemplate(operation?: string): void {
    this.editor.resetToTemplate(operation);
  }
  editKeyPolicy(keyId: string): boolean {
    return this.editor.editKeyPolicy(keyId);
  }
  startWith(operation: string, keyId?: string): void {
    this.editor.startWith(operation, keyId);
  }
  get canInsertGrantToken(): boolean {
    return this.editor.canInsertGrantToken;
  }
  insertGrantToken(): boolean {
    return this.editor.insertGrantToken();
  }
  get callerArn(): string {
    return this.editor.callerArn;
  }
  set callerArn(arn: string) {
    this.editor.callerArn = arn;
  }
  get callerIsService(): boolean {
    return this.editor.callerIsService;
  }
  get sourceArn(): string {
    return this.editor.sourceArn;
  }
  set sourceArn(arn: string) {
    this.editor.sourceArn = arn;
  }
  get pinnedHost(): number | undefined {
    return this.editor.pinnedHost;
  }
  set pinnedHost(h: number | undefined) {
    this.editor.pinnedHost = h;
  }
  get draft(): Draft {
    return this.editor.draft;
  }
  get draftEdited(): boolean {
    return this.editor.draftEdited;
  }
  restoreDraft(saved: unknown): boolean {
    return this.editor.restoreDraft(saved);
  }

  /**
   * A short message shown next to Send: the last editor action that could not be done, or, while
   * the past is shown, what sending would do to the kept future ("Sending now replaces 2 later requests").
   */
  get notice(): string {
    return this.editor.notice || (this.travel.forkWarning ?? '');
  }

  // ---- sending, history (Sender, RequestHistory) -----------------------------------------------

  get sending(): boolean {
    return this.sender.sending;
  }
  guard(g: SendGuard | undefined): void {
    this.sender.guard(g);
  }
  send(): Promise<HistoryEntry> {
    return this.sender.send();
  }
  rerun(entry: HistoryEntry): Promise<HistoryEntry> {
    return this.sender.rerun(entry);
  }
  /** puts a past request back into the editor, and shows it */
  load(entry: HistoryEntry): void {
    this.editor.load(entry);
    this.requests.choose(entry.n);
  }
  /** the latest requests sent (at most config.historyLimit of them), oldest first */
  get history(): readonly HistoryEntry[] {
    return this.requests.entries;
  }
  /** every request of the history, those `history` no longer holds included */
  get historyTotal(): number {
    return this.requests.total;
  }
  get selected(): HistoryEntry | undefined {
    return this.requests.selected;
  }
  select(n: number): void {
    this.requests.select(n);
  }
  restoreHistory(entries: readonly Omit<HistoryEntry, 'n'>[], earlier = 0): void {
    this.requests.restore(entries, earlier);
  }
  get recent(): Recent {
    return this.requests.recent;
  }
  get grantTokens(): readonly string[] {
    return this.requests.grantTokens;
  }

  // ---- the virtual clock (Clock) -------------------------------------------------------------

  get now(): number {
    return this.engine.now;
  }
  get elapsed(): number {
    return this.clock.elapsed;
  }
  advance(ms: number): void {
    this.clock.advance(ms);
  }
  settle(): void {
    this.clock.settle();
  }
  stepToNext(): boolean {
    return this.clock.stepToNext();
  }
  get nextPendingAt(): number | undefined {
    return this.clock.nextPendingAt;
  }
  playTo(t: number, realNow: number): void {
    this.clock.playTo(t, realNow);
  }
  commit(): void {
    this.clock.commit();
  }
  seek(t: number): boolean {
    return this.clock.seek(t);
  }

  // ---- time travel (TimeTravel) --------------------------------------------------------------

  get canTravelBack(): boolean {
    return this.travel.canTravelBack;
  }
  get horizon(): number {
    return this.travel.horizon;
  }
  get inPast(): boolean {
    return this.engine.inPast;
  }
  get travelling(): boolean {
    return this.engine.travelling;
  }
  get keptFuture(): readonly HistoryEntry[] {
    return this.requests.keptFuture;
  }
  get forkWarning(): string | undefined {
    return this.travel.forkWarning;
  }
  returnToPresent(): Promise<void> {
    return this.travel.returnToPresent();
  }
  stepBack(): boolean {
    return this.travel.stepBack();
  }
  get canStepBack(): boolean {
    return this.travel.canStepBack;
  }
  travelTo(t: number, opts: { quiet?: boolean } = {}): Promise<void> {
    return this.travel.travelTo(t, opts);
  }

  // ---- announcements, the state browser (Announcer, StateReader) -------------------------------

  /** the text of the aria-live region (new events, batched) */
  get announcement(): string {
    return this.announcer.text;
  }
  get world(): WorldView {
    return this.reader.world;
  }
  /** re-reads keys (with their policies), aliases and grants through the KMS API as the account root, with peek: no trace */
  refreshWorld(): Promise<void> {
    return this.reader.refresh(true);
  }
}
