/**
 * The requests sent in a session, oldest first (at most `historyLimit` of them, numbered in the
 * whole history), the one chosen for the Response pane, and what their answers taught the
 * templates and completions (the latest key id, grant token, ciphertext…).
 *
 * While the past is shown, the entries sent after the shown time are the kept future.
 */
import { type Recent } from '../templates';
import { keptFuture } from '../timeline/travel';
import type { Engine } from './engine.svelte';
import type { HistoryEntry } from './types';

export class RequestHistory {
  readonly #engine: Engine;
  #entries = $state.raw<readonly HistoryEntry[]>([]);
  /** requests before entries[0] that it does not hold (entries[i].n === #dropped + i + 1) */
  #dropped = $state.raw(0);
  readonly #limit: number;
  /** the entry chosen (sent, loaded, selected); undefined: the latest one sent by the shown time */
  #selected = $state.raw<number | undefined>(undefined);
  #recent = $state.raw<Recent>({});
  #tokens = $state.raw<readonly string[]>([]);

  constructor(engine: Engine, limit: number | undefined) {
    this.#engine = engine;
    this.#limit = Math.max(1, limit ?? Infinity);
  }

  /** the latest requests sent (at most the limit), oldest first */
  get entries(): readonly HistoryEntry[] {
    return this.#entries;
  }

  /** every request of the history, those `entries` no longer holds included */
  get total(): number {
    return this.#dropped + this.#entries.length;
  }

  /** entries after the shown time: undone for now, replayed by moving forward, dropped by sending */
  get keptFuture(): readonly HistoryEntry[] {
    return this.#engine.inPast ? keptFuture(this.#entries, this.#engine.now) : [];
  }

  /** the entry numbered n, while `entries` holds it */
  #entry(n: number | undefined): HistoryEntry | undefined {
    return n === undefined ? undefined : this.#entries[n - this.#dropped - 1];
  }

  /** sets the history to `all` (numbered from `dropped` + 1), dropping the oldest beyond the limit */
  #set(all: readonly HistoryEntry[], dropped: number): void {
    const excess = Math.max(0, all.length - this.#limit);
    this.#entries = excess ? all.slice(excess) : all;
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
    const shown = this.#entries.length - this.keptFuture.length;
    if (chosen && chosen.n - this.#dropped <= shown) return chosen;
    return shown > 0 ? this.#entries[shown - 1] : undefined;
  });

  select(n: number): void {
    if (this.#entry(n)) this.#selected = n;
  }

  /** chooses entry n even when `entries` no longer holds it (a request put back into the editor) */
  choose(n: number): void {
    this.#selected = n;
  }

  /** the entry shown follows the clock again (the latest one sent by the shown time) */
  unselect(): void {
    this.#selected = undefined;
  }

  /** adds an answered request (numbered next), chooses it and learns from it */
  append(entry: HistoryEntry): HistoryEntry {
    const numbered: HistoryEntry = { ...entry, n: this.total + 1 };
    this.#set([...this.#entries, numbered], this.#dropped);
    this.#selected = numbered.n;
    this.learn(numbered);
    return numbered;
  }

  /** after a fork at `now`: the entries that were in the kept future are gone; how many */
  dropAfter(now: number): number {
    const dropped = keptFuture(this.#entries, now).length;
    if (dropped > 0) {
      this.#entries = this.#entries.slice(0, this.#entries.length - dropped);
      if (this.#selected !== undefined && this.#selected > this.total) this.#selected = undefined;
    }
    return dropped;
  }

  /**
   * Puts back the history of a reloaded workspace (entries rebuilt from its stored log, the
   * latest of them when `earlier` more came before), before whatever was sent meanwhile;
   * remembers their ids and tokens for templates and completions.
   */
  restore(entries: readonly Omit<HistoryEntry, 'n'>[], earlier = 0): void {
    if (!entries.length) return;
    const selected = this.#selected;
    const shift = earlier + entries.length - this.#dropped;
    const all = [...entries, ...this.#entries].map((e, i) => ({ ...e, n: earlier + i + 1 }));
    this.#set(all, earlier);
    for (const e of this.#entries) this.learn(e);
    this.#selected = selected !== undefined ? selected + shift : this.total;
  }

  /** the latest ids, tokens and blobs the answers held (templates fill them in) */
  get recent(): Recent {
    return this.#recent;
  }

  /** the key the next template aims at (the state browser's quick actions, "Edit policy") */
  aimAt(keyId: string): void {
    this.#recent = { ...this.#recent, keyId };
  }

  /** every grant token a CreateGrant returned in this session, oldest first */
  get grantTokens(): readonly string[] {
    return this.#tokens;
  }

  /** remembers ids, tokens and blobs from a response, for templates and completions */
  learn(entry: HistoryEntry): void {
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
}
