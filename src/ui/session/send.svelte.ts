/**
 * Sending: the request in the editor (or a past one again) goes to the simulator through the
 * session's guard (SendGuard: the store's side may send it elsewhere, or refuse it), at the
 * shown time. While the past is shown, sending forks history there: the kept future is dropped.
 */
import { captureResponse, loadSigner } from '../wire';
import type { DraftEditor } from './draft.svelte';
import type { Engine } from './engine.svelte';
import type { RequestHistory } from './history.svelte';
import { accountChanges } from './mutating';
import type { StateReader } from './stateReader.svelte';
import type { TimeTravel } from './travel.svelte';
import type { HistoryEntry, SendGuard, SendRedirect, SentRequest } from './types';

export class Sender {
  readonly #engine: Engine;
  readonly #editor: DraftEditor;
  readonly #history: RequestHistory;
  readonly #travel: TimeTravel;
  readonly #reader: StateReader;
  #guard: SendGuard | undefined;
  #sending = $state.raw(false);
  /** does a successful call change the account (then the state browser reads it again)? */
  #changesAccount: (operation: string) => boolean;

  constructor(engine: Engine, editor: DraftEditor, history: RequestHistory, travel: TimeTravel, reader: StateReader) {
    this.#changesAccount = accountChanges(engine.config.mutating);
    this.#engine = engine;
    this.#editor = editor;
    this.#history = history;
    this.#travel = travel;
    this.#reader = reader;
  }

  /** the engine's word on which operations change the account, once it has loaded (session/mutating.ts) */
  describe(mutating: ((operation: string) => boolean) | undefined): void {
    if (mutating) this.#changesAccount = mutating;
  }

  get sending(): boolean {
    return this.#sending;
  }

  /** sets (or removes) the guard requests pass through (SendGuard) */
  guard(g: SendGuard | undefined): void {
    this.#guard = g;
  }

  /** sends the request in the editor */
  send(): Promise<HistoryEntry> {
    const editor = this.#editor;
    const req: SentRequest = { operation: editor.target, callerArn: editor.callerArn, body: editor.body, host: editor.pinnedHost };
    if (editor.callerIsService && editor.sourceArn) req.sourceArn = editor.sourceArn;
    return this.run(req);
  }

  /** sends a past request again, as it was (its caller, body, pinned host and source ARN) */
  rerun(entry: HistoryEntry): Promise<HistoryEntry> {
    const req: SentRequest = { operation: entry.operation, callerArn: entry.callerArn, body: entry.body, host: entry.host };
    if (entry.sourceArn !== undefined) req.sourceArn = entry.sourceArn;
    return this.run(req);
  }

  /** sends `req` (`hops`: how many sessions redirected it here already) */
  async run(req: SentRequest, hops = 0): Promise<HistoryEntry> {
    const engine = this.#engine;
    this.#sending = true;
    this.#editor.notice = '';
    try {
      // the signer loads with the engine; this is the first Send's wait for it (instant after)
      await loadSigner();
      const outcome = await engine.exclusive(async (): Promise<{ entry: HistoryEntry } | { redirect: Promise<SendRedirect> }> => {
        // held (another tab's change is being loaded): nothing is done here
        const held = this.#guard?.before();
        if (held) return { redirect: held };
        // in the past: bring the engine to the shown time, then fork there
        if (engine.tt && (engine.hasKeptFuture() || engine.now < engine.sim.clock.now())) await this.#travel.fork();
        else engine.commitClock();
        // asked again right before the fetch, with nothing awaited in between
        const late = this.#guard?.before();
        if (late) return { redirect: late };
        const sentAt = engine.sim.clock.now();
        try {
          const res = await engine.sim.fetch(engine.request(req));
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
      const numbered = this.#history.append(outcome.entry);
      engine.sync();
      if (numbered.response && numbered.response.status < 400 && this.#changesAccount(numbered.operation)) await this.#reader.refresh(false);
      return numbered;
    } finally {
      this.#sending = false;
    }
  }

  /** a request the guard sent elsewhere, or refused */
  async #redirected(req: SentRequest, r: SendRedirect, hops: number): Promise<HistoryEntry> {
    if ('entry' in r) return r.entry;
    if ('session' in r && hops < 3) return r.session.sender.run(req, hops + 1);
    const refused = 'refused' in r ? r.refused : 'This request was not sent: the workspace kept changing in another tab. Send it again.';
    this.#editor.notice = refused;
    return { ...req, n: 0, sentAt: this.#engine.sim.clock.now(), refused };
  }
}
