/**
 * The rich editor's module (Monaco and our JSON mode), fetched once. The entry points start it
 * once the shell has drawn its first frame, ahead of the engine and the store: the editor's
 * download is the long one, so it runs beside theirs instead of after them. BodyEditor mounts
 * the editor when the page is idle, from the same promise. A failed load may be tried again.
 */
type EditorModule = typeof import('./monaco');

let pending: Promise<EditorModule> | undefined;

export function loadEditor(): Promise<EditorModule> {
  if (!pending) {
    pending = import('./monaco');
    pending.catch(() => {
      pending = undefined;
    });
  }
  return pending;
}

/**
 * Resolves once the page has drawn its first frame (at once in a background tab, which draws
 * none): the moment to start the editor's download, which delays that frame if started before.
 */
export function afterFirstFrame(): Promise<void> {
  return new Promise((resolve) => {
    if (document.visibilityState === 'hidden') resolve();
    else requestAnimationFrame(() => setTimeout(resolve, 0));
  });
}
