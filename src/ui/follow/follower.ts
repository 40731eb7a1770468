/**
 * The audience's side of a presentation's log (./channel.ts): the presenter's log as far as this
 * window knows it, and how much of it its simulator has applied.
 *
 * `receive` takes a part of the log (entries `from` on) and says `gap` when the part starts past
 * what this window holds (it missed one: it asks for the whole log again). `take` says what to do
 * next: replay the entries not applied yet, or, when the presenter changed an entry this window
 * had already applied (a fork, a Reset, another workspace), start over from the whole log.
 */
import type { LogEntry } from '../../kms/api';
import type { LogDelta } from './schema';

export type Plan =
  /** a fresh simulator that replays the whole log */
  | { kind: 'rebuild'; entries: readonly LogEntry[] }
  /** the entries after those applied (possibly none) */
  | { kind: 'append'; entries: readonly LogEntry[] };

function sameEntry(a: LogEntry, b: LogEntry): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.at !== b.at) return false;
  if (a.kind === 'clock') return a.to === (b as typeof a).to;
  const r = b as typeof a;
  if (a.method !== r.method || a.url !== r.url || a.body !== r.body || a.headers.length !== r.headers.length) return false;
  return a.headers.every(([n, v], i) => n === r.headers[i][0] && v === r.headers[i][1]);
}

export class LogFollower {
  /** the world the log belongs to (a lesson's id, a workspace's id and settings) */
  #world: string | undefined;
  /** the presenter's log as far as this window knows it */
  #log: LogEntry[] = [];
  /** entries of #log the simulator has applied */
  #applied = 0;
  /** start over at the next take() */
  #rebuild = true;

  get world(): string | undefined {
    return this.#world;
  }

  /** entries known, and applied */
  get known(): number {
    return this.#log.length;
  }
  get applied(): number {
    return this.#applied;
  }

  /** takes a part of the presenter's log; `gap` when it does not join what this window holds */
  receive(world: string, delta: LogDelta): 'ok' | 'gap' {
    if (world !== this.#world) {
      if (delta.from !== 0) return 'gap';
      this.#world = world;
      this.#log = [...delta.entries];
      this.#applied = 0;
      this.#rebuild = true;
      return 'ok';
    }
    const { from, entries } = delta;
    if (from > this.#log.length) return 'gap';
    const end = from + entries.length;
    // an applied entry that changed (or is gone) means the presenter's history forked there
    const overlap = Math.min(this.#applied, end);
    for (let i = from; i < overlap; i++) {
      if (!sameEntry(this.#log[i], entries[i - from])) {
        this.#rebuild = true;
        break;
      }
    }
    if (end < this.#applied) this.#rebuild = true;
    this.#log.length = from;
    for (const e of entries) this.#log.push(e);
    return 'ok';
  }

  /** what the simulator must do to show the log known; the entries count as applied from now on */
  take(): Plan {
    if (this.#rebuild) {
      this.#rebuild = false;
      this.#applied = this.#log.length;
      return { kind: 'rebuild', entries: this.#log.slice() };
    }
    const entries = this.#log.slice(this.#applied);
    this.#applied = this.#log.length;
    return { kind: 'append', entries };
  }

  /** applying the last plan failed: start over next time */
  failed(): void {
    this.#rebuild = true;
  }
}
