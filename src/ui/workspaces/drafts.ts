/**
 * The request being edited, kept per workspace in the store's settings (`draft:<id>`), so a
 * reload or a switch puts it back. Writes coalesce: one at a time, the latest wins, none when
 * nothing changed.
 */
import type { Draft, Session } from '../Session.svelte';

/** the setting that keeps a workspace's unsent request (target, body, caller, host) across reloads */
export function draftSetting(workspaceId: string): string {
  return `draft:${workspaceId}`;
}

/** what the drafts need of the store */
export interface DraftStorage {
  getSetting<T>(key: string): Promise<T | undefined>;
  setSetting(key: string, value: unknown): Promise<void>;
}

export class Drafts {
  /** the workspace whose draft the shown session edits (undefined while one is being shown) */
  owner: string | undefined;
  #pending: { key: string; value: Draft } | undefined;
  #write: Promise<void> | undefined;
  #saved = new Map<string, string>();

  /**
   * Opening a workspace (a reload, a switch) puts its saved draft back; a reload of the same
   * workspace (another tab's change) keeps what is in the editor, and so does a first load the
   * user has already typed into.
   */
  async restore(storage: DraftStorage, session: Session, id: string, previous: string | undefined, first: boolean): Promise<void> {
    if (id !== previous && !(first && session.draftEdited)) {
      const saved = await storage.getSetting<unknown>(draftSetting(id)).catch(() => undefined);
      if (session.restoreDraft(saved)) this.#saved.set(id, JSON.stringify(session.draft));
    }
    this.owner = id;
    this.save(storage, session.draft);
  }

  /** keeps `draft` as the owner workspace's unsent request */
  save(storage: DraftStorage, draft: Draft): void {
    const id = this.owner;
    if (!id) return;
    const json = JSON.stringify(draft);
    if (this.#saved.get(id) === json) return;
    this.#saved.set(id, json);
    this.#pending = { key: draftSetting(id), value: draft };
    this.#write ??= (async () => {
      while (this.#pending) {
        const { key, value } = this.#pending;
        this.#pending = undefined;
        await storage.setSetting(key, value).catch(() => undefined);
      }
      this.#write = undefined;
    })();
  }

  /** resolves once every draft handed to save is written */
  async saved(): Promise<void> {
    while (this.#write) await this.#write;
  }

  /** a deleted workspace's draft is forgotten (and cleared in the store) */
  async forget(storage: DraftStorage, id: string): Promise<void> {
    this.#saved.delete(id);
    await storage.setSetting(draftSetting(id), null).catch(() => undefined);
  }
}
