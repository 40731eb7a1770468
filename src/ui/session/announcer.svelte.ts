/**
 * The session's live region: what happened, said in batches. New events are summarized and said
 * together at most every ANNOUNCE_EVERY_MS; where a time travel arrived replaces whatever was
 * still waiting to be said. A batch of more than SAID_IN_FULL lines is said as a count and the
 * latest line, so only the latest lines are kept (a workspace of 250,000 events, loaded at once,
 * is one count; its lines are never all made or held).
 */
import { plural } from '../format';

/** the live region speaks at most this often (real ms) */
const ANNOUNCE_EVERY_MS = 1200;
/** a batch of at most this many lines is said line by line; a longer one as a count and its latest */
export const SAID_IN_FULL = 3;

export class Announcer {
  #text = $state.raw('');
  /** the latest SAID_IN_FULL lines waiting to be said */
  #pending: string[] = [];
  /** how many lines are waiting, the ones no longer kept included */
  #count = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #last = 0;

  /** the text of the aria-live region */
  get text(): string {
    return this.#text;
  }

  /**
   * says these lines with the next batch (soon, or once the last one was said long enough ago);
   * `before`: that many more lines came before them, which are only counted (a caller with many
   * passes the latest SAID_IN_FULL and the number of the rest)
   */
  say(lines: readonly string[], before = 0): void {
    this.#add(lines, before);
    this.#schedule();
  }

  /** says only this, dropping what was waiting (a drag's latest position) */
  sayInstead(line: string): void {
    this.#pending = [line];
    this.#count = 1;
    this.#schedule();
  }

  /** adds a line to the next batch without asking for one (the event that follows it will) */
  addToNext(line: string): void {
    this.#add([line], 0);
  }

  #add(lines: readonly string[], before: number): void {
    this.#count += before + lines.length;
    // a loop over the latest few, not push(...lines): spread arguments live on the stack
    for (let i = Math.max(0, lines.length - SAID_IN_FULL); i < lines.length; i++) this.#pending.push(lines[i]);
    if (this.#pending.length > SAID_IN_FULL) this.#pending.splice(0, this.#pending.length - SAID_IN_FULL);
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
    const count = this.#count;
    this.#pending = [];
    this.#count = 0;
    if (!lines.length) return;
    this.#last = Date.now();
    this.#text = count <= SAID_IN_FULL ? lines.join('. ') + '.' : `${plural(count, 'new event')}; latest: ${lines[lines.length - 1]}.`;
  }
}
