/**
 * The playground's workspaces in the UI: which workspace is shown, its Session (and Playback),
 * the workspace list for the header menu, and the notices about storage.
 *
 * The in-memory simulator is the working copy; IndexedDB (through src/store) is the durable copy:
 * every request is committed before its response shows. A workspace opens as a simulator loaded
 * from the store; the History pane is rebuilt by replaying the stored log (history.ts).
 *
 * Other tabs: when another tab commits to the shown workspace (`storage.watch`), this tab loads
 * the workspace again and says so. When both wrote at once, this tab's commit fails with a
 * ConflictError (nothing of it landed): it loads the other tab's work and sends its own unsaved
 * inputs again on top (`reapplyInputs`), so both writes survive.
 *
 * No answered request is lost, and none is shown unsaved (each Session gets a SendGuard): from
 * the moment a reload of the shown simulator is decided, a Send waits for it and then goes to
 * the reloaded workspace's session; a Send that was answered but whose save met another tab's
 * change is not shown as answered by the old simulator: the reload sends it again on top of the
 * other tab's work, saves it, and that saved answer is what the Send returns and the History
 * shows. A Send into a workspace another tab deleted is refused before it is answered.
 *
 * The store and the engine are their own chunks: they arrive through `boot(backend)`, after the
 * shell has painted with a Session on a deferred simulator.
 */
import type { LogEntry, Simulator } from '../../kms/api';
import type { SimulatorWithEngine } from '../../kms/index';
import type { Scenario } from '../../scenario/format';
import type { ConnectionNotice, ImportResult, WorkspaceInfo, WorkspaceOptions } from '../../store/index';
import { Session, type Draft, type EngineInfo, type HistoryEntry, type SendGuard, type SendRedirect, type SessionConfig } from '../Session.svelte';
import { Playback } from '../session/playback.svelte';
import { deferredSimulator, type TimeTravelSimulator } from '../deferredSimulator';
import { plural } from '../format';
import { rebuildHistory } from './history';
import { sharedWorkspaceName } from '../share/names';
import { CURRENT_SETTING, DEFAULT_WORKSPACE_NAME, checkedOptions, configFor, isConflict, message, sameConfig, type Backend, type NoticeItem, type Reloaded } from './backend';
import { Drafts } from './drafts';

export { CURRENT_SETTING, DEFAULT_WORKSPACE_NAME, configFor, sameConfig, type Backend, type NoticeItem } from './backend';
export { draftSetting } from './drafts';

const DELETED_SEND = 'This request was not sent: this workspace was deleted in another tab. Switch to another workspace (or create one) to go on.';
const DELETED_NOTICE = 'This workspace was deleted in another tab. Requests can no longer be sent here: switch to another workspace, or create one.';
const RESENT_UNSHOWN = 'This request was sent again on top of another tab’s change and saved; the History pane shows only the latest requests.';
const SWITCHED_SEND = 'This request was not sent: the workspace shown was reset, switched or opened again meanwhile. Send it again.';

export class WorkspaceApp {
  #session = $state.raw() as Session;
  #playback = $state.raw() as Playback;
  #notices = $state.raw<readonly NoticeItem[]>([]);
  #list = $state.raw<readonly WorkspaceInfo[]>([]);
  #current = $state.raw<WorkspaceInfo | undefined>(undefined);
  #ready = $state.raw(false);
  #persistent = $state.raw(true);
  #storageNote = $state.raw('');
  #working = $state.raw(false);

  readonly #defaults: WorkspaceOptions;
  #backend: Backend | undefined;
  #sim: SimulatorWithEngine | undefined;
  #reported: Error | undefined;
  #unwatch: (() => void) | undefined;
  #unsubscribeSim: (() => void) | undefined;
  /** per simulator, its reload once decided (sends wait for it: SendGuard) */
  #reloads = new WeakMap<SimulatorWithEngine, Promise<Reloaded>>();
  /** simulators whose workspace another tab deleted */
  #gone = new WeakSet<SimulatorWithEngine>();
  #queue: Promise<unknown> = Promise.resolve();
  /** the request being edited, per workspace */
  #drafts = new Drafts();
  #resolveDeferred!: (sim: TimeTravelSimulator) => void;
  #resolveFirst!: (sim: SimulatorWithEngine) => void;
  /** the first workspace's simulator (what `?e2e=1`'s hook hands tests) */
  readonly firstSimulator: Promise<SimulatorWithEngine>;

  constructor(defaults: WorkspaceOptions) {
    this.#defaults = defaults;
    const config = configFor(defaults);
    this.firstSimulator = new Promise<SimulatorWithEngine>((resolve) => (this.#resolveFirst = resolve));
    const sim = deferredSimulator(new Promise<TimeTravelSimulator>((resolve) => (this.#resolveDeferred = resolve)), config.startTime);
    this.#session = new Session(sim, config);
    this.#playback = new Playback(this.#session);
  }

  get session(): Session {
    return this.#session;
  }
  get playback(): Playback {
    return this.#playback;
  }
  get notices(): readonly NoticeItem[] {
    return this.#notices;
  }
  get workspaces(): readonly WorkspaceInfo[] {
    return this.#list;
  }
  get current(): WorkspaceInfo | undefined {
    return this.#current;
  }
  /** false until storage is open and the first workspace is shown */
  get ready(): boolean {
    return this.#ready;
  }
  /** false when the workspaces live in memory only */
  get persistent(): boolean {
    return this.#persistent;
  }
  /** why storage is memory-only, when it is */
  get storageNote(): string {
    return this.#storageNote;
  }
  /** true while a workspace operation runs */
  get working(): boolean {
    return this.#working;
  }
  /** the simulator of the shown workspace (once loaded) */
  get simulator(): SimulatorWithEngine | undefined {
    return this.#sim;
  }

  // ---- notices -------------------------------------------------------------------------------

  notify(key: string, kind: NoticeItem['kind'], text: string): void {
    this.#notices = [...this.#notices.filter((n) => n.key !== key), { key, kind, text }];
  }

  dismiss(key: string): void {
    this.#notices = this.#notices.filter((n) => n.key !== key);
  }

  /** a connection notice of the store (blocked, blocking, terminated): its text, as is */
  connectionNotice(n: ConnectionNotice): void {
    if (n.kind === 'unblocked') this.notify('connection', 'info', n.message);
    else this.notify('connection', n.kind === 'blocked' ? 'warn' : 'error', n.message);
  }

  // ---- start ---------------------------------------------------------------------------------

  /**
   * Opens the storage's current workspace (or the one a `#s=` link brings) once the chunks have
   * loaded. `hash` is location.hash; `clearHash` removes it from the address bar.
   */
  async boot(loading: Promise<Backend>, opts: { hash: string; clearHash: () => void; quiet?: boolean }): Promise<void> {
    const initial = this.#session;
    let infoReady!: (info: EngineInfo) => void;
    const attached = initial.attach(new Promise<EngineInfo>((resolve) => (infoReady = resolve))).then(() => {
      if (this.#session === initial) return initial.refreshWorld();
    });
    let b: Backend;
    try {
      b = await loading;
    } catch (e) {
      this.notify('boot', 'error', `The simulator could not be loaded (${await message(e)}). Reload the page to try again.`);
      return;
    }
    this.#backend = b;
    this.#persistent = b.storage.persistent;
    if (!b.storage.persistent) {
      this.#storageNote = b.storage.reason ?? 'Your work is kept in memory only.';
      if (!opts.quiet) this.notify('storage', 'warn', this.#storageNote);
    }
    b.storage.watchWorkspaces(() => void this.refreshList());

    await this.#enqueue(async () => {
      let shared: { id: string; sim: SimulatorWithEngine } | undefined;
      const link = opts.hash ? b.fromHash(opts.hash) : null;
      if (link) {
        opts.clearHash();
        if (!link.ok) {
          this.notify('shared', 'error', `This shared link could not be opened (${link.error}: ${link.detail}). Nothing was changed: your workspaces are as they were.`);
        } else {
          shared = await this.#openShared(link.scenario);
        }
      }
      const id = shared?.id ?? (await this.#pickCurrent());
      // typed into before the workspace showed: that stays in the editor
      const typed = initial.draftEdited;
      const { session } = await this.#show(id, { sim: shared?.sim, first: { initial, infoReady } });
      // a shared link opens on the sharer's last request (not the CreateKey template)
      if (shared && !typed) this.#loadLastRequest(session);
    }).catch(async (e: unknown) => {
      this.notify('boot', 'error', `The workspace could not be opened (${await message(e)}). Reload the page to try again.`);
      infoReady(b.info);
    });
    this.#ready = true;
    await attached;
  }

  async #pickCurrent(): Promise<string> {
    const s = this.#backend!.storage;
    const remembered = await s.getSetting<string>(CURRENT_SETTING).catch(() => undefined);
    if (remembered && (await s.getWorkspace(remembered))) return remembered;
    const list = await s.listWorkspaces();
    if (list.length) return [...list].sort((a, b) => b.updated - a.updated)[0].id;
    return (await s.createWorkspace(DEFAULT_WORKSPACE_NAME, this.#defaults)).id;
  }

  /** puts the latest request of the session's history into its editor (and keeps it as the workspace's draft) */
  #loadLastRequest(session: Session): void {
    const last = session.history[session.history.length - 1];
    if (!last || session !== this.#session) return;
    session.load(last);
    this.saveDraft(session, session.draft);
  }

  /** a shared scenario, replayed into a new workspace named after it (never into an existing one) */
  async #openShared(scenario: Scenario): Promise<{ id: string; sim: SimulatorWithEngine } | undefined> {
    const b = this.#backend!;
    const name = sharedWorkspaceName(scenario, new Date());
    let ws;
    try {
      ws = await b.storage.createWorkspace(name, b.optionsOf(scenario));
    } catch (e) {
      this.notify('shared', 'error', `The shared scenario could not be opened: no new workspace could be created (${await message(e)}).`);
      return undefined;
    }
    let sim: SimulatorWithEngine;
    try {
      sim = await b.openSimulator(ws.id);
    } catch (e) {
      // never leave behind a workspace that fails on every later visit: remove what was just made
      await b.storage.deleteWorkspace(ws.id).catch(() => {});
      this.notify('shared', 'error', `The shared scenario could not be opened: ${await message(e)}. Your workspaces are untouched.`);
      return undefined;
    }
    try {
      await b.replayInto(sim, scenario);
      await sim.flush();
      this.notify('shared', 'info', `Opened shared scenario “${name}” in a new workspace; your other workspaces are untouched.`);
    } catch (e) {
      this.notify('shared', 'error', `Opened shared scenario “${name}” in a new workspace, but its replay stopped: ${await message(e)}. Your other workspaces are untouched.`);
    }
    return { id: ws.id, sim };
  }

  /** shows workspace `id`: its simulator (given, or loaded now), a Session on it, its History rebuilt */
  async #show(id: string, opts: { sim?: SimulatorWithEngine; first?: { initial: Session; infoReady: (i: EngineInfo) => void } } = {}): Promise<{ session: Session; total: number }> {
    const b = this.#backend!;
    const previous = this.#drafts.owner;
    this.#drafts.owner = undefined;
    const ws = await b.storage.getWorkspace(id);
    if (!ws) throw new Error(`There is no workspace ${id}.`);
    const sim = opts.sim ?? (await b.openSimulator(id));
    // the options the simulator runs with (the store's checked copy), not the raw stored ones
    const options = await checkedOptions(ws);
    const log = sim.log.slice();
    const config = configFor(options, b.info);
    let session: Session;
    if (opts.first) {
      // a performance mark (read by bench/ui.mjs): from here the first Send is answered
      performance.mark('kms:simulator');
      this.#resolveFirst(sim);
      if (sameConfig(opts.first.initial.config, config)) {
        this.#resolveDeferred(sim);
        session = opts.first.initial;
      } else {
        // the shell's session was made for other settings (its clock may even be later): it gets
        // a simulator of its own to finish anything sent early, and the workspace a new session
        this.#resolveDeferred(b.scratch(this.#defaults));
        session = this.#replaceSession(sim, config);
      }
      opts.first.infoReady(b.info);
    } else {
      session = this.#replaceSession(sim, config);
    }
    this.#attachSim(sim, id, session);
    await this.#drafts.restore(b.storage, session, id, previous, opts.first !== undefined);
    await b.storage.setSetting(CURRENT_SETTING, id).catch(() => undefined);
    // the list first, then the name: the menu never shows a workspace that was just deleted
    // next to the name of the one that replaced it
    await this.refreshList();
    this.#current = this.#list.find((w) => w.id === id) ?? ws;
    if (sim.storeError) this.#checkStore(sim);
    const { entries, total } = await rebuildHistory(log, options, b.scratch(options));
    session.restoreHistory(entries, total - entries.length);
    if (total > entries.length) this.notify('history', 'info', `The History pane shows the latest ${entries.length.toLocaleString('en-US')} of this workspace’s ${total.toLocaleString('en-US')} requests.`);
    else this.dismiss('history');
    return { session, total };
  }

  /**
   * Keeps `draft` as the shown workspace's unsent request (App calls it on every edit). Writes
   * coalesce: one at a time, the latest wins, none when nothing changed.
   */
  saveDraft(session: Session, draft: Draft): void {
    const storage = this.#backend?.storage;
    if (!storage || session !== this.#session) return;
    this.#drafts.save(storage, draft);
  }

  /** resolves once every draft handed to saveDraft is written */
  draftsSaved(): Promise<void> {
    return this.#drafts.saved();
  }

  #replaceSession(sim: Simulator, config: SessionConfig): Session {
    const old = this.#session;
    const next = new Session(sim, config);
    // the request being edited survives a reload or a switch
    if (next.operations.includes(old.target)) {
      next.setTarget(old.target);
      next.body = old.body;
    }
    next.callerArn = old.callerArn;
    this.#playback.dispose();
    old.dispose();
    this.#session = next;
    this.#playback = new Playback(next);
    void next.refreshWorld();
    return next;
  }

  #attachSim(sim: SimulatorWithEngine, id: string, session: Session): void {
    this.#unwatch?.();
    this.#unsubscribeSim?.();
    this.#sim = sim;
    this.#reported = undefined;
    session.guard(this.#guardFor(sim, id));
    let scheduled = false;
    this.#unsubscribeSim = sim.subscribe(() => {
      if (scheduled) return;
      scheduled = true;
      void sim.flush().then(() => {
        scheduled = false;
        this.#checkStore(sim);
      });
    });
    this.#unwatch = this.#backend!.storage.watch(id, (m) => void this.#reloadSoon(sim, id, m.cause));
  }

  /** where the shown session's requests go while its simulator is being reloaded or its workspace is gone */
  #guardFor(sim: SimulatorWithEngine, id: string): SendGuard {
    /** where in the log the request being sent goes */
    let at = 0;
    return {
      before: () => {
        if (this.#gone.has(sim)) return Promise.resolve({ refused: DELETED_SEND });
        const reload = this.#reloads.get(sim);
        if (reload) return reload.then((r): SendRedirect => ('refused' in r ? r : { session: r.session }));
        at = sim.log.length;
        return undefined;
      },
      after: () => {
        const err = sim.storeError;
        // other failures (a full disk) are said by a notice; the simulator keeps working in memory
        if (!isConflict(err)) return undefined;
        if (err.reason === 'deleted') {
          this.#gone.add(sim);
          void this.#reloadSoon(sim, id, 'deleted');
          return Promise.resolve({ refused: DELETED_SEND });
        }
        const index = at;
        return this.#reloadSoon(sim, id).then((r): SendRedirect => {
          if ('refused' in r) return r;
          // the reload had sent it again: show what was saved; else it is sent there now
          if (index < r.unsavedFrom || index >= r.upTo) return { session: r.session };
          let k = 0;
          for (let i = r.unsavedFrom; i < index; i++) if (sim.log[i]?.kind === 'request') k++;
          const entry = r.resent[k];
          return entry ? { entry } : { refused: RESENT_UNSHOWN };
        });
      },
    };
  }

  /** after a commit: a failed save is said, a conflict with another tab is resolved */
  #checkStore(sim: SimulatorWithEngine): void {
    const err = sim.storeError;
    if (sim !== this.#sim || !err || this.#reported === err) return;
    this.#reported = err;
    const id = this.#current?.id;
    if (isConflict(err) && id) void this.#reloadSoon(sim, id, err.reason === 'deleted' ? 'deleted' : undefined);
    else this.notify('store', 'error', this.#backend!.describeStoreError(err));
  }

  /**
   * Reloads the shown workspace, once per simulator: another tab changed it (cause: how), or this
   * tab's save met another tab's change. From this call on, sends to `sim` wait for the outcome.
   */
  #reloadSoon(sim: SimulatorWithEngine, id: string, cause?: 'reset' | 'deleted' | 'imported'): Promise<Reloaded> {
    const pending = this.#reloads.get(sim);
    if (pending) return pending;
    const reload = this.#enqueue(() => this.#reload(sim, id, cause)).catch(async (e: unknown): Promise<Reloaded> => {
      const text = `Another tab changed this workspace, and it could not be loaded again (${await message(e)}).`;
      this.notify('tabs', 'error', text);
      return { refused: `This request was not sent: ${text} Reload the page.` };
    });
    this.#reloads.set(sim, reload);
    return reload;
  }

  async #reload(sim: SimulatorWithEngine, id: string, cause: 'reset' | 'deleted' | 'imported' | undefined): Promise<Reloaded> {
    const b = this.#backend!;
    // every request already handed to the old simulator is answered (and its save tried) first
    await sim.flush();
    if (sim !== this.#sim) return { refused: SWITCHED_SEND };
    const err = sim.storeError;
    if (cause === 'deleted' || (isConflict(err) && err.reason === 'deleted')) return this.#deleted(sim);
    if (err && !isConflict(err)) {
      // already said; nothing more can be saved from this simulator: it goes on in memory
      this.#reloads.delete(sim);
      return { session: this.#session, unsavedFrom: 0, upTo: 0, resent: [] };
    }
    this.#reported = err;
    const unsavedFrom = isConflict(err) ? err.unsavedFrom : sim.log.length;
    const upTo = sim.log.length;
    const unsaved = sim.log.slice(unsavedFrom, upTo);
    // load the other tab's work and send this tab's unsaved inputs again on top; when yet another
    // change lands meanwhile, again on top of that
    let savedNow = isConflict(err) ? err.savedNow : undefined;
    let pending = unsaved;
    let fresh = await b.openSimulator(id);
    for (let attempt = 0; ; attempt++) {
      if (pending.length) await b.reapplyInputs(fresh, pending, savedNow);
      await fresh.flush();
      const again = fresh.storeError;
      if (!again) break;
      if (isConflict(again) && again.reason === 'deleted') return this.#deleted(sim);
      if (!isConflict(again) || attempt >= 4) throw again;
      pending = fresh.log.slice(again.unsavedFrom);
      savedNow = again.savedNow;
      fresh = await b.openSimulator(id);
    }
    const { session, total } = await this.#show(id, { sim: fresh });
    const count = unsaved.filter((e) => e.kind === 'request').length;
    // the re-sent requests are the last `count` of the rebuilt history, numbered up to `total`
    const dropped = session.historyTotal - session.history.length;
    const resent: (HistoryEntry | undefined)[] = [];
    for (let n = total - count + 1; n <= total; n++) resent.push(n - dropped >= 1 ? session.history[n - dropped - 1] : undefined);
    if (count > 0) {
      this.notify(
        'tabs',
        'info',
        `Another tab changed this workspace at the same time. This tab now shows the saved workspace with that tab’s work, and sent your ${plural(count, 'unsaved request')} again on top of it.`,
      );
    } else {
      this.notify(
        'tabs',
        'info',
        cause === 'reset' ? 'This workspace was reset in another tab; it is shown as it is now (empty).' : 'This workspace was changed in another tab; it now shows the saved state, with that tab’s work.',
      );
    }
    return { session, unsavedFrom, upTo, resent };
  }

  /** the shown workspace was deleted in another tab: said once; nothing more is sent to `sim` */
  async #deleted(sim: SimulatorWithEngine): Promise<Reloaded> {
    this.#gone.add(sim);
    this.#reported = sim.storeError;
    this.notify('tabs', 'warn', DELETED_NOTICE);
    await this.refreshList();
    return { refused: DELETED_SEND };
  }

  #enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = async () => {
      this.#working = true;
      try {
        return await job();
      } finally {
        this.#working = false;
      }
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  // ---- workspace operations (the header menu) ------------------------------------------------

  async refreshList(): Promise<void> {
    const s = this.#backend?.storage;
    if (!s) return;
    const list = await s.listWorkspaces().catch(() => undefined);
    if (!list) return;
    this.#list = [...list].sort((a, b) => a.created - b.created || a.name.localeCompare(b.name));
    const cur = this.#current && list.find((w) => w.id === this.#current!.id);
    if (cur) this.#current = cur;
  }

  switchTo(id: string): Promise<void> {
    return this.#enqueue(async () => {
      if (id === this.#current?.id) return;
      await this.#show(id);
    });
  }

  create(name: string): Promise<void> {
    return this.#enqueue(async () => {
      const ws = await this.#backend!.storage.createWorkspace(name.trim() || this.#nextName(), this.#defaults);
      await this.#show(ws.id);
    });
  }

  #nextName(): string {
    const names = new Set(this.#list.map((w) => w.name));
    for (let i = 2; ; i++) if (!names.has(`Workspace ${i}`)) return `Workspace ${i}`;
  }

  rename(id: string, name: string): Promise<void> {
    return this.#enqueue(async () => {
      await this.#backend!.storage.renameWorkspace(id, name.trim());
      await this.refreshList();
    });
  }

  duplicate(id: string): Promise<void> {
    return this.#enqueue(async () => {
      if (id === this.#current?.id) await this.#sim?.flush();
      const src = this.#list.find((w) => w.id === id);
      const ws = await this.#backend!.storage.duplicateWorkspace(id, `${src?.name ?? 'Workspace'} (copy)`);
      await this.#show(ws.id);
    });
  }

  reset(id: string): Promise<void> {
    return this.#enqueue(async () => {
      await this.#backend!.storage.resetWorkspace(id);
      if (id === this.#current?.id) {
        this.dismiss('store');
        await this.#show(id);
      } else await this.refreshList();
    });
  }

  delete(id: string): Promise<void> {
    return this.#enqueue(async () => {
      const s = this.#backend!.storage;
      await s.deleteWorkspace(id);
      await this.#drafts.forget(s, id);
      if (id !== this.#current?.id) return this.refreshList();
      const rest = (await s.listWorkspaces()).filter((w) => w.id !== id);
      const next = rest.length ? [...rest].sort((a, b) => b.updated - a.updated)[0].id : (await s.createWorkspace(DEFAULT_WORKSPACE_NAME, this.#defaults)).id;
      this.dismiss('store');
      await this.#show(next);
    });
  }

  /** the workspace as a JSON file's name and text (everything sent so far is saved first) */
  exportFile(id: string): Promise<{ fileName: string; text: string }> {
    return this.#enqueue(async () => {
      if (id === this.#current?.id) await this.#sim?.flush();
      const file = await this.#backend!.storage.exportWorkspace(id, { exportedAt: Date.now() });
      const { safeFileName } = await import('./download');
      const safe = safeFileName(file.workspace.name, 'workspace');
      return { fileName: `${safe}.kms-workspace.json`, text: JSON.stringify(file, null, 1) };
    });
  }

  /** imports a workspace file as a new workspace and shows it; a bad or newer file gives an error to show */
  importFile(text: string): Promise<ImportResult> {
    return this.#enqueue(async () => {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (e) {
        return { ok: false, error: 'not-a-workspace', detail: `The file is not JSON (${await message(e)}).` } as const;
      }
      const storage = this.#backend!.storage;
      const { fileWorkspaceName, importedName } = await import('./names');
      const taken = new Set((await storage.listWorkspaces().catch(() => this.#list)).map((w) => w.name));
      const result = await storage.importWorkspace(doc, { name: importedName(fileWorkspaceName(doc), taken) });
      if (!result.ok) return result;
      try {
        await this.#show(result.id);
      } catch (e) {
        // it was imported: saying "nothing was changed" would be wrong
        this.notify('import', 'error', `The file was imported as a new workspace, but it could not be opened: ${await message(e)}. Choose it in the workspace menu to try again.`);
      }
      return result;
    });
  }

  /** the shown workspace's input log and options, up to the shown time (for Share) */
  async shareSource(): Promise<{ log: readonly LogEntry[]; options: WorkspaceOptions; until: number; start: number; title?: string } | undefined> {
    const sim = this.#sim;
    const ws = this.#current;
    if (!sim || !ws) return undefined;
    this.#session.commit();
    await sim.flush();
    // the default name says nothing to the receiver, who then gets "Shared scenario <date>"
    const title = ws.name === DEFAULT_WORKSPACE_NAME ? undefined : ws.name;
    return { log: sim.log, options: ws.options, until: sim.clock.now(), start: ws.options.startTime ?? Date.UTC(2026, 0, 1), title };
  }
}
