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
    if (other === this || other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    // A linear merge of two sorted lists.
    const a = this.intervals;
    const b = other.intervals;
    const out: [bigint, bigint][] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const next = j >= b.length || (i < a.length && a[i]![0] <= b[j]![0]) ? a[i++]! : b[j++]!;
      const last = out[out.length - 1];
      if (last && next[0] <= last[1] + 1n) {
        if (next[1] > last[1]) last[1] = next[1];
      } else {
        out.push([next[0], next[1]]);
      }
    }
    return new IntervalSet(out);
  }

  /** Index of the first interval whose end is at or after `value`. */
  private firstEndingFrom(value: bigint): number {
    const a = this.intervals;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid]![1] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The intervals that meet [lo, hi]: indexes i..j-1. */
  private span(lo: bigint, hi: bigint): [number, number] {
    const i = this.firstEndingFrom(lo);
    let j = i;
    while (j < this.intervals.length && this.intervals[j]![0] <= hi) j++;
    return [i, j];
  }

  intersect(other: IntervalSet): IntervalSet {
    if (other === this) return this;
    if (other.intervals.length === 1) {
      const [lo, hi] = other.intervals[0]!;
      const a = this.intervals;
      if (a.length > 0 && a[0]![0] >= lo && a[a.length - 1]![1] <= hi) return this;
    }
    if (other.intervals.length === 1 && this.intervals.length > 2) {
      // One interval against many: only the intervals it meets are looked at.
      const [lo, hi] = other.intervals[0]!;
      const [i, j] = this.span(lo, hi);
      if (i === j) return IntervalSet.EMPTY;
      const mid = this.intervals.slice(i, j) as Interval[];
      const first = mid[0]!;
      const last = mid[mid.length - 1]!;
      if (first[0] < lo) mid[0] = [lo, first[1] < hi ? first[1] : hi];
      const l = mid[mid.length - 1]!;
      if (last[1] > hi || l[1] > hi) mid[mid.length - 1] = [l[0], hi];
      return new IntervalSet(mid);
    }
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
    if (other === this) return IntervalSet.EMPTY;
    if (other.isEmpty() || this.isEmpty()) return this;
    if (other.intervals.length === 1 && this.intervals.length > 2) {
      // One interval out of many: the untouched intervals are copied in bulk.
      const [lo, hi] = other.intervals[0]!;
      const [i, j] = this.span(lo, hi);
      if (i === j) return this;
      const middle: Interval[] = [];
      const first = this.intervals[i]!;
      const last = this.intervals[j - 1]!;
      if (first[0] < lo) middle.push([first[0], lo - 1n]);
      if (last[1] > hi) middle.push([hi + 1n, last[1]]);
      const out = this.intervals.slice(0, i).concat(middle, this.intervals.slice(j));
      return out.length === 0 ? IntervalSet.EMPTY : new IntervalSet(out);
    }
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
    if (other === this) return true;
    return other.subtract(this).isEmpty();
  }

  overlaps(other: IntervalSet): boolean {
    const a = this.intervals;
    const b = other.intervals;
    if (b.length === 1) {
      const [lo, hi] = b[0]!;
      const i = this.firstEndingFrom(lo);
      return i < a.length && a[i]![0] <= hi;
    }
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (a[i]![1] < b[j]![0]) i++;
      else if (b[j]![1] < a[i]![0]) j++;
      else return true;
    }
    return false;
  }

  equals(other: IntervalSet): boolean {
    if (other === this) return true;
    if (this.intervals.length !== other.intervals.length) return false;
    return this.intervals.every(([lo, hi], i) => lo === other.intervals[i]![0] && hi === other.intervals[i]![1]);
  }
}
