/**
 * Virtual time. The engine never reads the wall clock: time enters here and moves only when
 * asked (xstate's SimulatedClock is the model, including its refusal to travel back in time).
 */
/**
 * The latest virtual time: 9999-12-31T23:59:59.999Z. SigV4's dates (and ISO dates in responses)
 * have four-digit years, so past it a signed request could no longer be dated.
 */
export const LATEST_TIME = 253_402_300_799_999;

export class Clock {
  #now: number;
  constructor(start: number) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  /** moves to t; throws when t is in the past */
  set(t: number): void {
    if (!Number.isFinite(t)) throw new RangeError(`Clock time must be a finite number, got ${t}`);
    if (t < this.#now) throw new RangeError('Unable to travel back in time');
    if (t > LATEST_TIME) throw new RangeError('The virtual clock cannot pass 9999-12-31T23:59:59.999Z (dates keep four-digit years)');
    this.#now = t;
  }
}
