/**
 * Display preferences: the colour scheme (followed, not chosen), the presenter font size, and
 * the pointer (a touch screen gets the plain editor unless the code editor was asked for).
 */

const PRESENTER_KEY = 'kms-playground:presenter';
const CODE_EDITOR_KEY = 'kms-playground:code-editor-on-touch';

export class Prefs {
  #dark = $state.raw(false);
  #presenter = $state.raw(false);
  #coarse = $state.raw(false);
  #codeEditorOnTouch = $state.raw(false);
  #media: MediaQueryList | undefined;
  #pointer: MediaQueryList | undefined;
  #onMedia = (e: MediaQueryListEvent) => (this.#dark = e.matches);
  #onPointer = (e: MediaQueryListEvent) => (this.#coarse = e.matches);

  constructor() {
    if (typeof matchMedia === 'function') {
      this.#media = matchMedia('(prefers-color-scheme: dark)');
      this.#dark = this.#media.matches;
      this.#media.addEventListener('change', this.#onMedia);
      this.#pointer = matchMedia('(pointer: coarse)');
      this.#coarse = this.#pointer.matches;
      this.#pointer.addEventListener('change', this.#onPointer);
    }
    try {
      this.#presenter = localStorage.getItem(PRESENTER_KEY) === '1';
      this.#codeEditorOnTouch = localStorage.getItem(CODE_EDITOR_KEY) === '1';
    } catch {
      /* storage may be unavailable (private mode, file://): keep the default */
    }
  }

  /** the primary pointer is a finger (a phone or tablet): no hover, no keyboard shortcuts to hint */
  get coarsePointer(): boolean {
    return this.#coarse;
  }

  /**
   * on a touch screen, whether the user asked for the code editor (Monaco, a 1.2 MB gzip download)
   * instead of the plain one; remembered on this device
   */
  get codeEditorOnTouch(): boolean {
    return this.#codeEditorOnTouch;
  }

  set codeEditorOnTouch(on: boolean) {
    this.#codeEditorOnTouch = on;
    try {
      localStorage.setItem(CODE_EDITOR_KEY, on ? '1' : '0');
    } catch {
      /* not persisted */
    }
  }

  get dark(): boolean {
    return this.#dark;
  }

  get presenter(): boolean {
    return this.#presenter;
  }

  set presenter(on: boolean) {
    this.#presenter = on;
    try {
      localStorage.setItem(PRESENTER_KEY, on ? '1' : '0');
    } catch {
      /* not persisted */
    }
  }

  /** the editor's font size in px, matching the page's root size */
  get editorFontSize(): number {
    return this.#presenter ? 19 : 13;
  }

  dispose(): void {
    this.#media?.removeEventListener('change', this.#onMedia);
    this.#pointer?.removeEventListener('change', this.#onPointer);
  }
}
