/**
 * The session's live region: what happened, said in batches. New events are summarized and said
 * together at most every ANNOUNCE_EVERY_MS; where a time travel arrived replaces whatever was
 * still waiting to be said.
 */
import { plural } from '../format';

/** the live region speaks at most this often (real ms) */
const ANNOUNCE_EVERY_MS = 1200;

export class Announcer {
  #text = $state.raw('');
  #pending: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #last = 0;

  /** the text of the aria-live region */
  get text(): string {
    return this.#text;
  }

  /** says these lines with the next batch (soon, or once the last one was said long enough ago) */
  say(lines: readonly string[]): void {
    this.#pending.push(...lines);
    this.#schedule();
  }

  /** says only this, dropping what was waiting (a drag's latest position) */
  sayInstead(line: string): void {
    this.#pending = [line];
    this.#schedule();
  }

  /** adds a line to the next batch without asking for one (the event that follows it will) */
  addToNext(line: string): void {
    this.#pending.push(line);
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, this.#last + ANNOUNCE_EVERY_MS - Date.now());
    this.#timer = setTimeout(() => this.#flush(), wait);
  }

  #flush(): void {
    this.#timer = undefined;
    const lines = this.#pending;
    this.#pending = [];
    if (!lines.length) return;
    this.#last = Date.now();
    this.#text = lines.length <= 3 ? lines.join('. ') + '.' : `${plural(lines.length, 'new event')}; latest: ${lines[lines.length - 1]}.`;
  }
}
