/**
 * What a long history repeats request after request is kept once (the log and the events are
 * the bulk of time travel's memory): the endpoint URL and header pairs (wire/http.ts's WireCache
 * shares identical decisions the same way). Nobody changes log entries or events once recorded,
 * so sharing is safe. One per simulator: simulators on the same page share nothing.
 */
import { Interner } from '../util/intern';

export class RequestInterner {
  readonly #urls = new Interner<string>(256);
  readonly #headerPairs = new Interner<[string, string]>();
  /** the pairs of the last request logged: requests mostly repeat their headers, pair for pair */
  #lastPairs: [string, string][] = [];

  url(url: string): string {
    return this.#urls.get(url, () => url);
  }

  headers(headers: Headers): [string, string][] {
    const out: [string, string][] = [];
    const last = this.#lastPairs;
    for (const [name, value] of headers) {
      const i = out.length;
      // the same pair as the last request's at this place: no lookup key to build and hash
      out.push(i < last.length && last[i][0] === name && last[i][1] === value ? last[i] : this.#headerPairs.get(name + '\n' + value, () => [name, value]));
    }
    this.#lastPairs = out;
    return out;
  }
}
