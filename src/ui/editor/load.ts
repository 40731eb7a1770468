/**
 * The rich editor's module (Monaco and our JSON mode), fetched once, when BodyEditor asks for it:
 * once the page is idle after the engine has loaded, or as soon as the editor gets focus or
 * pointer interest, and on a touch screen only when the user asks for the code editor. Its
 * evaluation blocks the main thread (two long tasks: the core, then the features), so it must not
 * start while the page is still on its way to the first answer. A failed load may be tried again.
 */
type EditorModule = typeof import('./monaco');

let pending: Promise<EditorModule> | undefined;

/** imports the editor module (once; again after a failure) */
export function importEditor(): Promise<EditorModule> {
  if (!pending) {
    // in two steps, each one long task with a breath between for input and frames: Monaco's
    // core first, then its features and our JSON mode (the core is shared, evaluated once)
    pending = import('monaco-editor/editor')
      .then(() => new Promise<void>((resolve) => whenIdle(resolve, 300)))
      .then(() => import('./monaco'));
    pending.catch(() => {
      pending = undefined;
    });
  }
  return pending;
}

/** runs `fn` when the main thread is idle, or after `timeout` ms at the latest; returns a cancel */
export function whenIdle(fn: () => void, timeout: number): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(() => fn(), { timeout });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, Math.min(timeout, 200));
  return () => clearTimeout(id);
}
