// Which runs the live socket watches, and what a watch's answer does to that set: a run the collector
// never opened is forgotten, so a reconnect does not re-watch it and insert a run the UI said failed.

interface Watch {
  /** The latest watch request sent for the run (a first watch or a re-watch after a reconnect). */
  attempt: number;
  /** The collector accepted a watch of it at least once: the UI shows it. */
  opened: boolean;
}

export class RunWatches {
  private readonly watches = new Map<string, Watch>();
  private attempts = 0;

  /** A watch request for `run` is about to be sent; returns its attempt id for accepted()/failed(). */
  start(run: string): number {
    const attempt = ++this.attempts;
    const w = this.watches.get(run);
    if (w) w.attempt = attempt;
    else this.watches.set(run, { attempt, opened: false });
    return attempt;
  }

  /** The collector accepted; true when the run is still wanted, so its history should be applied. */
  accepted(run: string): boolean {
    const w = this.watches.get(run);
    if (!w) return false;
    w.opened = true;
    return true;
  }

  /**
   * The collector refused or did not answer. A run never opened is dropped (unless a newer request
   * for it is in flight); an opened run stays, so the next reconnect tries again to catch it up.
   */
  failed(run: string, attempt: number): void {
    const w = this.watches.get(run);
    if (w && !w.opened && w.attempt === attempt) this.watches.delete(run);
  }

  /** Stops watching; false if the run was not watched. */
  stop(run: string): boolean {
    return this.watches.delete(run);
  }

  has(run: string): boolean {
    return this.watches.has(run);
  }

  /** Every run watched or being watched. */
  get runs(): string[] {
    return [...this.watches.keys()];
  }

  /**
   * Runs to re-watch after a (re)connect: those the collector accepted before. A first watch still
   * unanswered is not sent twice (socket.io sends it once connected), since the collector cancels
   * a watch when a newer one of the same run arrives.
   */
  get opened(): string[] {
    return [...this.watches].filter(([, w]) => w.opened).map(([run]) => run);
  }
}
