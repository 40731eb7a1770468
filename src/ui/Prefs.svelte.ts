/** Display preferences: the colour scheme (followed, not chosen) and the presenter font size. */

const PRESENTER_KEY = 'kms-playground:presenter';

export class Prefs {
  #dark = $state.raw(false);
  #presenter = $state.raw(false);
  #media: MediaQueryList | undefined;
  #onMedia = (e: MediaQueryListEvent) => (this.#dark = e.matches);

  constructor() {
    if (typeof matchMedia === 'function') {
      this.#media = matchMedia('(prefers-color-scheme: dark)');
      this.#dark = this.#media.matches;
      this.#media.addEventListener('change', this.#onMedia);
    }
    try {
      this.#presenter = localStorage.getItem(PRESENTER_KEY) === '1';
    } catch {
      /* storage may be unavailable (private mode, file://): keep the default */
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
  }
}
