/**
 * Sets of integers as sorted, disjoint, non-adjacent closed intervals.
 * Ports and addresses are both interval sets so that a verdict on
 * "UDP 1025-65535" is computed exactly rather than sampled.
 * Values are bigints so IPv6 addresses fit; ports use the same code.
 */
export type Interval = readonly [lo: bigint, hi: bigint];

export class IntervalSet {
  static readonly EMPTY = new IntervalSet([]);

  /** Intervals sorted by lo, disjoint and non-adjacent. */
  private constructor(readonly intervals: readonly Interval[]) {}

  static of(lo: bigint, hi: bigint): IntervalSet {
    return lo > hi ? IntervalSet.EMPTY : new IntervalSet([[lo, hi]]);
  }

  static fromIntervals(list: Iterable<Interval>): IntervalSet {
    const sorted = [...list].filter(([lo, hi]) => lo <= hi).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: [bigint, bigint][] = [];
    for (const [lo, hi] of sorted) {
      const last = out[out.length - 1];
      if (last && lo <= last[1] + 1n) {
        if (hi > last[1]) last[1] = hi;
      } else {
        out.push([lo, hi]);
      }
    }
    return out.length === 0 ? IntervalSet.EMPTY : new IntervalSet(out);
  }

  isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  size(): bigint {
    let n = 0n;
    for (const [lo, hi] of this.intervals) n += hi - lo + 1n;
    return n;
  }

  has(value: bigint): boolean {
    let lo = 0;
    let hi = this.intervals.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.intervals[mid]!;
      if (value < a) hi = mid - 1;
      else if (value > b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  union(other: IntervalSet): IntervalSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return IntervalSet.fromIntervals([...this.intervals, ...other.intervals]);
  }

  intersect(other: IntervalSet): IntervalSet {
    const out: Interval[] = [];
    const a = this.intervals;
    const b = other.intervals;
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const [alo, ahi] = a[i]!;
      const [blo, bhi] = b[j]!;
      const lo = alo > blo ? alo : blo;
      const hi = ahi < bhi ? ahi : bhi;
      if (lo <= hi) out.push([lo, hi]);
      if (ahi < bhi) i++;
      else j++;
    }
    return out.length === 0 ? IntervalSet.EMPTY : new IntervalSet(out);
  }

  subtract(other: IntervalSet): IntervalSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    const out: Interval[] = [];
    const b = other.intervals;
    let j = 0;
    for (const [alo, ahi] of this.intervals) {
      let lo = alo;
      while (j < b.length && b[j]![1] < lo) j++;
      let k = j;
      while (k < b.length && b[k]![0] <= ahi) {
        const [blo, bhi] = b[k]!;
        if (blo > lo) out.push([lo, blo - 1n]);
        if (bhi >= ahi) {
          lo = ahi + 1n;
          break;
        }
        lo = bhi + 1n;
        k++;
      }
      if (lo <= ahi) out.push([lo, ahi]);
    }
    return out.length === 0 ? IntervalSet.EMPTY : new IntervalSet(out);
  }

  /** True when every value of `other` is in this set. */
  covers(other: IntervalSet): boolean {
    return other.subtract(this).isEmpty();
  }

  overlaps(other: IntervalSet): boolean {
    return !this.intersect(other).isEmpty();
  }

  equals(other: IntervalSet): boolean {
    if (this.intervals.length !== other.intervals.length) return false;
    return this.intervals.every(([lo, hi], i) => lo === other.intervals[i]![0] && hi === other.intervals[i]![1]);
  }
}
