/**
 * A visit that spans a release (issue 19 §3). The offline service worker takes over open pages
 * when a new release activates (src/sw-register.ts), and the new release's files replace the old
 * ones: a page loaded before the deploy that then asks for one of its lazy chunks (the Share
 * dialog, the code generator, the editor) gets a 404. Vite announces every such failure with a
 * `vite:preloadError` event on window (its dynamic-import helper wraps each `import()` that has
 * dependencies); the `import()`s it does not wrap reject with the browser's own TypeError, which
 * the `unhandledrejection` listener below recognises.
 *
 * What happens then is never silence: the page reloads itself, once, onto the release the server
 * has now (the workspace is saved as it goes, so nothing is lost; a sessionStorage mark stops a
 * second reload within RELOAD_GUARD_MS, so a chunk that is missing for good cannot loop); if it
 * has reloaded already, or cannot keep the mark, a note at the top of the page says what happened
 * and offers a Reload button.
 *
 * Only the entry points call this (they pass in how to reload: only they touch `location`).
 */

const RELOAD_MARK = 'kms-playground:chunk-reload';
/** a second failure this soon after a reload does not reload again */
const RELOAD_GUARD_MS = 60_000;

/** the messages browsers give a dynamic import that could not be fetched */
const CHUNK_FAILURE = /dynamically imported module|Importing a module script failed|error loading dynamically imported module|Unable to preload CSS/i;

export interface ChunkErrorOptions {
  /** reloads the page (the entry point's `() => location.reload()`) */
  reload: () => void;
  /** where a note goes when the page does not reload (default: document.body) */
  noteTarget?: () => HTMLElement | null;
  now?: () => number;
  storage?: () => Storage;
}

/** true when `error` is a failed fetch of a module or stylesheet chunk */
function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return CHUNK_FAILURE.test(message);
}

/**
 * Decides what to do about a failed chunk: 'reload' (and marks it), or 'note' when a reload
 * happened within RELOAD_GUARD_MS or the mark cannot be kept.
 */
function chunkFailureAction(storage: Storage | undefined, now: number): 'reload' | 'note' {
  try {
    if (!storage) return 'note';
    const last = Number(storage.getItem(RELOAD_MARK));
    if (Number.isFinite(last) && last > 0 && now - last < RELOAD_GUARD_MS && now >= last) return 'note';
    storage.setItem(RELOAD_MARK, String(now));
    // the mark must be readable again, or the next page could not tell it had reloaded
    return storage.getItem(RELOAD_MARK) === String(now) ? 'reload' : 'note';
  } catch {
    return 'note';
  }
}

const NOTE_ID = 'chunk-failure-note';

/** the note at the top of the page, once */
function showChunkNote(target: HTMLElement, reload: () => void): void {
  if (document.getElementById(NOTE_ID)) return;
  const note = document.createElement('div');
  note.id = NOTE_ID;
  note.setAttribute('role', 'alert');
  note.setAttribute(
    'style',
    'position: sticky; top: 0; z-index: 1000; display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; padding: 0.6rem 1rem; background: Canvas; color: CanvasText; border-bottom: 2px solid #b35900;',
  );
  const text = document.createElement('p');
  text.setAttribute('style', 'margin: 0;');
  text.textContent =
    'A new version of the playground was released while this page was open, and part of this page could not be loaded. Reload the page to continue: your workspace is saved.';
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Reload';
  button.addEventListener('click', () => reload());
  note.append(text, button);
  target.prepend(note);
}

/** installs the listeners; call once per page, first thing in the entry point */
export function handleChunkErrors(opts: ChunkErrorOptions): void {
  const storage = () => {
    try {
      return opts.storage ? opts.storage() : sessionStorage;
    } catch {
      return undefined;
    }
  };
  let reloading = false;
  const failed = (error: unknown) => {
    if (reloading) return;
    console.warn('A part of the page could not be loaded (a new release?):', error);
    if (chunkFailureAction(storage(), (opts.now ?? Date.now)()) === 'reload') {
      reloading = true;
      opts.reload();
      return;
    }
    const target = opts.noteTarget?.() ?? document.body;
    if (target) showChunkNote(target, opts.reload);
  };
  window.addEventListener('vite:preloadError', (event) => {
    failed((event as Event & { payload?: unknown }).payload);
  });
  window.addEventListener('unhandledrejection', (event) => {
    if (isChunkLoadError(event.reason)) failed(event.reason);
  });
}
