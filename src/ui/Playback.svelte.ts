/**
 * Play/pause for the virtual clock: while playing, each animation frame moves the shown time by
 * (real time elapsed × speed). The Session decides when the simulator itself must advance.
 */
import type { Session } from './Session.svelte';

export const SPEEDS: readonly number[] = [0.25, 0.5, 1, 2, 5, 10, 30, 60];

export class Playback {
  readonly #session: Session;
  #playing = $state.raw(false);
  #speed = $state.raw(1);
  #frame = 0;
  #last = 0;

  constructor(session: Session) {
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
    if (dt > 0) this.#session.playTo(this.#session.now + dt * this.#speed, ts);
    this.#frame = requestAnimationFrame(this.#tick);
  };
}
