// The seqs of one run a viewer already holds, as sorted disjoint ranges: a run streamed in order is
// one range however long it is, so checking and adding a seq stays cheap.

export class SeqRanges {
  /** [start0, end0, start1, end1, ...], sorted, disjoint and not adjacent. */
  private readonly r: number[] = [];

  /** Index of the range holding seq, or the insertion point as -(i + 1). */
  private find(seq: number): number {
    let lo = 0;
    let hi = this.r.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.r[2 * mid + 1]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.r.length / 2 && this.r[2 * lo]! <= seq ? lo : -(lo + 1);
  }

  has(seq: number): boolean {
    const n = this.r.length;
    // The common case: a seq past everything held.
    if (n === 0 || seq > this.r[n - 1]!) return false;
    return this.find(seq) >= 0;
  }

  /** Adds seq; false when it was already held. */
  add(seq: number): boolean {
    const n = this.r.length;
    if (n > 0 && seq === this.r[n - 1]! + 1) {
      this.r[n - 1] = seq;
      return true;
    }
    if (n === 0 || seq > this.r[n - 1]! + 1) {
      this.r.push(seq, seq);
      return true;
    }
    const at = this.find(seq);
    if (at >= 0) return false;
    const i = -at - 1;
    const joinsPrev = i > 0 && this.r[2 * i - 1]! === seq - 1;
    const joinsNext = i < this.r.length / 2 && this.r[2 * i]! === seq + 1;
    if (joinsPrev && joinsNext) this.r.splice(2 * i - 1, 2);
    else if (joinsPrev) this.r[2 * i - 1] = seq;
    else if (joinsNext) this.r[2 * i] = seq;
    else this.r.splice(2 * i, 0, seq, seq);
    return true;
  }

  /** Highest seq of the first range when it starts at 0 (everything up to it is held), else -1. */
  heldPrefixEnd(): number {
    return this.r.length > 0 && this.r[0] === 0 ? this.r[1]! : -1;
  }

  clear(): void {
    this.r.length = 0;
  }
}
