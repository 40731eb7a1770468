/**
 * The presenter's side of a presentation (./channel.ts): what part of the log to send.
 *
 * A log only grows, except when history forks (a request sent while the past is shown, a Reset):
 * then it is cut back to some length and grows again with new entries. Entries are never changed
 * once logged, so the sender remembers the entries it sent (references, not copies) and finds the
 * longest prefix of the current log that is still the same objects: usually all of it, so it sends
 * only what was added; after a fork it sends from the fork on. Another simulator (a workspace
 * reloaded or switched, a lesson reset) or an audience's `hello` sends everything.
 */
import type { LogEntry } from '../../kms/api';
import type { LogDelta } from './schema';

export class LogSender {
  #source: object | undefined;
  #sent: LogEntry[] = [];

  /** the part of `log` (of simulator `source`) to send now; `full` sends all of it */
  next(source: object, log: readonly LogEntry[], full = false): LogDelta {
    let from = 0;
    if (!full && source === this.#source) {
      from = Math.min(this.#sent.length, log.length);
      while (from > 0 && log[from - 1] !== this.#sent[from - 1]) from--;
    }
    this.#source = source;
    this.#sent.length = from;
    const entries = log.slice(from);
    for (const e of entries) this.#sent.push(e);
    return { from, entries };
  }

  /** forget what was sent: the next part is the whole log */
  reset(): void {
    this.#source = undefined;
    this.#sent = [];
  }
}
