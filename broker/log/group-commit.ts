/**
 * Group commit: at most one flush runs at a time. A request made while one is in flight waits for
 * the NEXT flush (the running one may have started before the caller's data was written), and every
 * request made meanwhile shares that next flush — so N concurrent appends cost two fsyncs, not N.
 */
export class GroupCommit {
  private inFlight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly flushOnce: () => Promise<void>) {}

  /** Resolves once a flush that started after this call has completed. */
  request(): Promise<void> {
    if (this.inFlight === null) return this.start();
    if (this.queued === null) {
      const settle = (): Promise<void> => {
        this.queued = null;
        return this.start();
      };
      this.queued = this.inFlight.then(settle, settle);
    }
    return this.queued;
  }

  /** Resolves when no flush is running or queued (used before closing files). */
  async idle(): Promise<void> {
    while (this.inFlight !== null || this.queued !== null) {
      await (this.queued ?? this.inFlight)?.catch(() => undefined);
    }
  }

  private start(): Promise<void> {
    const run = this.flushOnce();
    this.inFlight = run;
    const clear = (): void => {
      if (this.inFlight === run) this.inFlight = null;
    };
    // A derived promise that never rejects, so a failed flush is reported only to its requesters.
    run.then(clear, clear);
    return run;
  }
}
