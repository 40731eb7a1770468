/**
 * Virtual time. The engine never reads the wall clock: time enters here and moves only when
 * asked (xstate's SimulatedClock is the model, including its refusal to travel back in time).
 */
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
    this.#now = t;
  }
}
