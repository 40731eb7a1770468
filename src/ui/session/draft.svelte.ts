/**
 * The request being edited: its X-Amz-Target (each operation keeps its own draft body), the
 * caller, the host it is pinned to and a service caller's source ARN, plus the short notice next
 * to Send when an editor action could not be done. Templates are filled from the state browser's
 * world and what earlier answers taught the history (`recent`).
 */
import type { OperationGroup } from '../operations';
import { templateBody, withGrantToken, TAKES_GRANT_TOKENS } from '../templates';
import { putKeyPolicyBody } from '../timeline/travel';
import type { Engine } from './engine.svelte';
import type { RequestHistory } from './history.svelte';
import type { StateReader } from './stateReader.svelte';
import type { Draft, HistoryEntry, SessionConfig } from './types';

export class DraftEditor {
  readonly #engine: Engine;
  readonly #reader: StateReader;
  readonly #history: RequestHistory;
  #groups = $state.raw<readonly OperationGroup[]>([]);
  #requiredMembers: SessionConfig['requiredMembers'];
  #target = $state.raw('CreateKey');
  #drafts = $state.raw<Readonly<Record<string, string>>>({});
  #callerArn = $state.raw('');
  #pinnedHost = $state.raw<number | undefined>(undefined);
  #sourceArn = $state.raw('');
  #notice = $state.raw('');
  /** the draft as the session started (to tell whether anyone has edited it since) */
  readonly #pristine: string;

  constructor(engine: Engine, reader: StateReader, history: RequestHistory) {
    this.#engine = engine;
    this.#reader = reader;
    this.#history = history;
    this.#groups = engine.config.operationGroups ?? [];
    this.#requiredMembers = engine.config.requiredMembers;
    this.#callerArn = engine.rootArn;
    this.#drafts = { [this.#target]: this.templateFor(this.#target) };
    this.#pristine = JSON.stringify(this.draft);
  }

  /** the operation list and model facts a late-loading engine brings */
  setEngineInfo(groups: readonly OperationGroup[], requiredMembers: SessionConfig['requiredMembers']): void {
    this.#groups = groups;
    this.#requiredMembers = requiredMembers ?? this.#requiredMembers;
  }

  /** the X-Amz-Target picker's groups */
  get operationGroups(): readonly OperationGroup[] {
    return this.#groups;
  }

  /** every operation the picker offers */
  get operations(): readonly string[] {
    return this.#groups.flatMap((g) => g.operations);
  }

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
    const engine = this.#engine;
    return templateBody(operation, {
      world: this.#reader.world,
      principals: engine.callers.slice(1).map((c) => c.arn),
      rootArn: engine.rootArn,
      recent: this.#history.recent,
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
    const key = this.#reader.world.keys.find((k) => k.keyId === keyId);
    if (!key?.policy || !this.operations.includes('PutKeyPolicy')) return false;
    this.#history.aimAt(keyId);
    this.#target = 'PutKeyPolicy';
    this.#drafts = { ...this.#drafts, PutKeyPolicy: putKeyPolicyBody(keyId, key.policy) };
    this.#notice = '';
    return true;
  }

  /** loads a fresh template for `operation` aimed at `keyId` (the state browser's quick actions) */
  startWith(operation: string, keyId?: string): void {
    if (keyId) this.#history.aimAt(keyId);
    this.resetToTemplate(operation);
  }

  /** can the current body take the last grant token? */
  get canInsertGrantToken(): boolean {
    return this.#history.recent.grantToken !== undefined && TAKES_GRANT_TOKENS.has(this.#target);
  }

  /** adds the last grant token to GrantTokens; false when the body is not a JSON object */
  insertGrantToken(): boolean {
    const token = this.#history.recent.grantToken;
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
    if (this.#engine.callers.some((c) => c.arn === arn)) this.#callerArn = arn;
  }

  /** is the selected caller an AWS service principal (then a source ARN may go with its requests)? */
  get callerIsService(): boolean {
    return this.#engine.callers.some((c) => c.arn === this.#callerArn && c.service === true);
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
    this.#pinnedHost = h === undefined || (Number.isInteger(h) && h >= 0 && h < this.#engine.config.hosts) ? h : undefined;
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

  /** puts a past request back into the editor, as it was sent */
  load(entry: HistoryEntry): void {
    this.#target = entry.operation;
    this.#drafts = { ...this.#drafts, [entry.operation]: entry.body };
    this.#callerArn = entry.callerArn;
    this.#pinnedHost = entry.host;
    if (entry.sourceArn !== undefined || this.callerIsService) this.#sourceArn = entry.sourceArn ?? '';
  }

  /** the last editor action that could not be done, or why a request was refused ('' for none) */
  get notice(): string {
    return this.#notice;
  }

  set notice(text: string) {
    this.#notice = text;
  }
}
