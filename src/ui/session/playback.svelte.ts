/**
 * Play/pause for the virtual clock: while playing, each animation frame moves the shown time by
 * (real time elapsed × speed). The Session decides when the simulator itself must advance.
 *
 * Virtual time is whole milliseconds everywhere (the engine's clock, its log, the scenario format),
 * so a frame moves the clock by the whole milliseconds it has earned and carries the fraction to
 * the next frame: at 0.25× a 16.7 ms frame is 4.17 virtual ms, and the carry keeps the speed exact.
 */

/** what playback drives (a Session is one) */
export interface PlaybackTarget {
  readonly now: number;
  commit(): void;
  playTo(time: number, ts: number): void;
}

export const SPEEDS: readonly number[] = [0.25, 0.5, 1, 2, 5, 10, 30, 60];

/**
 * The whole milliseconds an "Advance by N seconds" moves the clock (1.2345 s is 1,235 ms), or
 * undefined when that is not at least one millisecond.
 */
export function advanceMsOf(seconds: number): number | undefined {
  const ms = Math.round(seconds * 1000);
  return Number.isSafeInteger(ms) && ms >= 1 ? ms : undefined;
}

export class Playback {
  readonly #session: PlaybackTarget;
  #playing = $state.raw(false);
  #speed = $state.raw(1);
  #frame = 0;
  #last = 0;
  /** virtual time earned but not yet moved, always in [0, 1) ms */
  #carry = 0;

  constructor(session: PlaybackTarget) {
    this.#session = session;
  }

  get playing(): boolean {
    return this.#playing;
  }

  get speed(): number {
    return this.#speed;
  }

  set speed(s: number) {
    if (SPEEDS.includes(s)) this.#speed = s;
  }

  toggle(): void {
    if (this.#playing) this.pause();
    else this.play();
  }

  play(): void {
    if (this.#playing) return;
    this.#playing = true;
    this.#carry = 0;
    this.#last = performance.now();
    this.#frame = requestAnimationFrame(this.#tick);
  }

  pause(): void {
    if (!this.#playing) return;
    this.#playing = false;
    cancelAnimationFrame(this.#frame);
    this.#session.commit();
  }

  dispose(): void {
    cancelAnimationFrame(this.#frame);
    this.#playing = false;
  }

  #tick = (ts: number): void => {
    if (!this.#playing) return;
    const dt = Math.min(250, Math.max(0, ts - this.#last));
    this.#last = ts;
    if (dt > 0) {
      const earned = this.#carry + dt * this.#speed;
      const whole = Math.floor(earned);
      this.#carry = earned - whole;
      if (whole > 0) this.#session.playTo(this.#session.now + whole, ts);
    }
    this.#frame = requestAnimationFrame(this.#tick);
  };
}
