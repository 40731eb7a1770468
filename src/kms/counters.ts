/**
 * The counters a request moves, in one object: the world's randomness (ids, key material, IVs,
 * tokens, propagation delays), which host serves a request (the routing stream and the
 * round-robin position), request ids, and the event sequence. The engine serves requests with
 * its live counters; a read that must leave no trace (peek, decide, the access matrix) runs with
 * a copy that is dropped afterwards, so there is nothing to put back, and a read that fails
 * half-way cannot leave a counter moved.
 *
 * The one other counter a request can move, the propagation agenda's sequence (World.agendaSeq),
 * moves only with a grant change scheduled in the world, which no read makes.
 */
import { Rng, type RngState } from './rng';

export class Counters {
  /** the @kms.request event sequence */
  seq: number;
  /** the next host of round-robin routing */
  roundRobin: number;
  /** each stream, or in a copy the state it starts from until something draws from it */
  #world: Rng | RngState;
  #routing: Rng | RngState;
  #request: Rng | RngState;

  constructor(world: Rng | RngState, routing: Rng | RngState, request: Rng | RngState, seq = 0, roundRobin = 0) {
    this.#world = world;
    this.#routing = routing;
    this.#request = request;
    this.seq = seq;
    this.roundRobin = roundRobin;
  }

  /** the world's stream: ids, key material, IVs, tokens, propagation delays */
  get world(): Rng {
    const r = this.#world;
    return r instanceof Rng ? r : (this.#world = new Rng(r));
  }

  /** the stream random routing picks hosts from */
  get routing(): Rng {
    const r = this.#routing;
    return r instanceof Rng ? r : (this.#routing = new Rng(r));
  }

  /** the stream request ids come from */
  get request(): Rng {
    const r = this.#request;
    return r instanceof Rng ? r : (this.#request = new Rng(r));
  }

  /**
   * A copy that starts where these counters stand and moves on its own. Its streams are made
   * when first drawn from (most reads draw nothing), from the states taken now.
   */
  copy(): Counters {
    return new Counters(stateOf(this.#world), stateOf(this.#routing), stateOf(this.#request), this.seq, this.roundRobin);
  }
}

function stateOf(r: Rng | RngState): RngState {
  return r instanceof Rng ? r.state() : r;
}
