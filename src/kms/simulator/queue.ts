/**
 * The simulator's job queue: requests, seeks, reads and store writes run one at a time, in the
 * order they were asked for. The store's load runs first; when it fails every job rejects with
 * its failure.
 */
export class JobQueue {
  #queue: Promise<unknown> = Promise.resolve();
  /** jobs enqueued and not yet finished */
  active = 0;
  /** jobs whose promise, store write after them included, has not settled yet */
  #unsettled = 0;
  /** why the store's saved simulator could not be loaded: every job rejects with it */
  #loadFailure: unknown;
  readonly #settle = () => {
    this.#unsettled--;
  };

  /**
   * `onIdle` is called when a job ends with nothing else enqueued; what it returns (a write
   * still owed after a seek, persistence.ts) is awaited before the job's promise settles.
   */
  constructor(private readonly onIdle: () => Promise<void> | undefined) {}

  /** the store's load: jobs wait for it, and reject with its failure */
  startWith(loading: Promise<unknown>): void {
    this.#unsettled++;
    this.#queue = loading.then(this.#settle, (e: unknown) => {
      this.#loadFailure = e ?? new Error('the store could not be loaded');
      this.#settle();
    });
  }

  /**
   * Runs jobs one at a time, in order. When one ends with a seek's write still owed and nothing
   * else queued, the write happens: at once, or when the store says the simulator is idle
   * (SimulatorStore.idle), so a dragged time slider's seeks write once, after the last.
   */
  enqueue<T>(job: () => Promise<T>): Promise<T> {
    this.active++;
    const run = async () => {
      try {
        if (this.#loadFailure) throw this.#loadFailure;
        return await job();
      } finally {
        this.active--;
        if (this.active === 0) {
          const idle = this.onIdle();
          if (idle) await idle;
        }
      }
    };
    this.#unsettled++;
    if (this.#unsettled > 1) {
      const next = this.#queue.then(run);
      this.#queue = next.then(this.#settle, this.#settle);
      return next;
    }
    // Nothing queued or running (the store's load included): start now, a microtask sooner and
    // without chaining on a settled queue. The queue is published first, so a job enqueued
    // while this one's synchronous start runs (a listener flushing, say) waits for it.
    let done!: () => void;
    this.#queue = new Promise<void>((resolve) => (done = resolve));
    const next = run();
    const finish = () => {
      this.#settle();
      done();
    };
    next.then(finish, finish);
    return next;
  }
}
