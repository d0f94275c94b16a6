/**
 * Sets of integers as sorted, disjoint, non-adjacent closed intervals.
 * Ports and addresses are both interval sets so that a verdict on
 * "UDP 1025-65535" is computed exactly rather than sampled.
 *
 * The interface speaks bigints, so that IPv6 addresses fit. Inside, a set whose
 * every endpoint is a safe integer (ports, IPv4 addresses in their mapped block)
 * keeps plain numbers, which JavaScript computes with far faster than bigints; a
 * set with larger values keeps bigints. The form follows from the values alone, so
 * equal sets always have the same form.
 */
export type Interval = readonly [lo: bigint, hi: bigint];

type Num = number | bigint;
type Pair = [Num, Num];

/** Endpoints up to this stay numbers; one more than it (hi + 1) is still exact. */
const SMALL_MAX = BigInt(Number.MAX_SAFE_INTEGER) - 1n;
const SMALL_MIN = -SMALL_MAX;

function isSmall(v: bigint): boolean {
  return v >= SMALL_MIN && v <= SMALL_MAX;
}

export class IntervalSet {
  static readonly EMPTY = new IntervalSet([], true);

  private bigView?: readonly Interval[];

  /** `iv`: sorted, disjoint, non-adjacent; numbers when `small`, else bigints. */
  private constructor(
    private readonly iv: readonly (readonly [Num, Num])[],
    private readonly small: boolean,
  ) {}

  /** Builds a set from normalised intervals of one form, choosing the form its values call for. */
  private static make(iv: Pair[], small: boolean): IntervalSet {
    if (iv.length === 0) return IntervalSet.EMPTY;
    if (!small && isSmall(iv[0]![0] as bigint) && isSmall(iv[iv.length - 1]![1] as bigint)) {
      return new IntervalSet(
        iv.map(([lo, hi]) => [Number(lo), Number(hi)] as Pair),
        true,
      );
    }
    return new IntervalSet(iv, small);
  }

  static of(lo: bigint, hi: bigint): IntervalSet {
    return lo > hi ? IntervalSet.EMPTY : IntervalSet.make([[lo, hi]], false);
  }

  static fromIntervals(list: Iterable<Interval>): IntervalSet {
    const sorted = [...list].filter(([lo, hi]) => lo <= hi).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: Pair[] = [];
    for (const [lo, hi] of sorted) {
      const last = out[out.length - 1];
      if (last && lo <= (last[1] as bigint) + 1n) {
        if (hi > (last[1] as bigint)) last[1] = hi;
      } else {
        out.push([lo, hi]);
      }
    }
    return IntervalSet.make(out, false);
  }

  /** From safe-integer intervals (ports), in any order. */
  static fromNumberIntervals(list: readonly (readonly [number, number])[]): IntervalSet {
    const sorted = list.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
    const out: Pair[] = [];
    for (const [lo, hi] of sorted) {
      const last = out[out.length - 1];
      if (last && lo <= (last[1] as number) + 1) {
        if (hi > (last[1] as number)) last[1] = hi;
      } else {
        out.push([lo, hi]);
      }
    }
    return IntervalSet.make(out, true);
  }

  /** The intervals, as bigints. */
  get intervals(): readonly Interval[] {
    if (!this.small) return this.iv as readonly Interval[];
    return (this.bigView ??= this.iv.map(([lo, hi]) => [BigInt(lo), BigInt(hi)] as const));
  }

  /** The intervals as numbers, for sets whose values are safe integers (ports). */
  numberIntervals(): readonly (readonly [number, number])[] {
    if (this.small) return this.iv as readonly (readonly [number, number])[];
    return this.iv.map(([lo, hi]) => [Number(lo), Number(hi)] as const);
  }

  isEmpty(): boolean {
    return this.iv.length === 0;
  }

  size(): bigint {
    let n = 0n;
    for (const [lo, hi] of this.intervals) n += hi - lo + 1n;
    return n;
  }

  has(value: bigint): boolean {
    const v: Num = this.small ? (isSmall(value) ? Number(value) : NaN) : value;
    if (Number.isNaN(v)) return false;
    const a = this.iv;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [x, y] = a[mid]!;
      if (v < x) hi = mid - 1;
      else if (v > y) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Both sets' intervals in one form: numbers when both are small, else bigints. */
  private static align(a: IntervalSet, b: IntervalSet): [readonly (readonly [Num, Num])[], readonly (readonly [Num, Num])[], boolean] {
    if (a.small && b.small) return [a.iv, b.iv, true];
    return [a.intervals, b.intervals, false];
  }

  union(other: IntervalSet): IntervalSet {
    if (other === this || other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    const [a, b, small] = IntervalSet.align(this, other);
    const one: Num = small ? 1 : 1n;
    if (b.length === 1 && a.length > 2) {
      // One interval into many: the intervals it does not touch are copied in bulk.
      const [lo, hi] = b[0]!;
      const i = firstEndingFrom(a, sub(lo, one));
      let j = i;
      while (j < a.length && a[j]![0] <= add(hi, one)) j++;
      const merged: Pair = i === j ? [lo, hi] : [a[i]![0] < lo ? a[i]![0] : lo, a[j - 1]![1] > hi ? a[j - 1]![1] : hi];
      return IntervalSet.make((a.slice(0, i) as Pair[]).concat([merged], a.slice(j) as Pair[]), small);
    }
    // A linear merge of two sorted lists.
    const out: Pair[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const next = j >= b.length || (i < a.length && a[i]![0] <= b[j]![0]) ? a[i++]! : b[j++]!;
      const last = out[out.length - 1];
      if (last && next[0] <= add(last[1], one)) {
        if (next[1] > last[1]) last[1] = next[1];
      } else {
        out.push([next[0], next[1]]);
      }
    }
    return IntervalSet.make(out, small);
  }

  intersect(other: IntervalSet): IntervalSet {
    if (other === this) return this;
    if (this.isEmpty() || other.isEmpty()) return IntervalSet.EMPTY;
    const [a, b, small] = IntervalSet.align(this, other);
    if (b.length === 1) {
      const [lo, hi] = b[0]!;
      // Enclosed: the set itself.
      if (a[0]![0] >= lo && a[a.length - 1]![1] <= hi) return this;
    }
    if (a.length > 2 && a.length > 4 * b.length) {
      // A few intervals against many: for each, only the intervals it meets are looked at.
      const out: Pair[] = [];
      for (const [lo, hi] of b) {
        const [i, j] = span(a, lo, hi);
        if (i === j) continue;
        const from = out.length;
        for (let k = i; k < j; k++) out.push(a[k] as Pair);
        const first = out[from]!;
        if (first[0] < lo) out[from] = [lo, first[1] < hi ? first[1] : hi];
        const last = out[out.length - 1]!;
        if (last[1] > hi) out[out.length - 1] = [last[0], hi];
      }
      return IntervalSet.make(out, small);
    }
    if (b.length > 2 && b.length > 4 * a.length) return other.intersect(this);
    const out: Pair[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i]!;
      const y = b[j]!;
      const lo = x[0] > y[0] ? x[0] : y[0];
      const hi = x[1] < y[1] ? x[1] : y[1];
      if (lo <= hi) out.push([lo, hi]);
      if (x[1] < y[1]) i++;
      else j++;
    }
    return IntervalSet.make(out, small);
  }

  subtract(other: IntervalSet): IntervalSet {
    if (other === this) return IntervalSet.EMPTY;
    if (other.isEmpty() || this.isEmpty()) return this;
    const [a, b, small] = IntervalSet.align(this, other);
    const one: Num = small ? 1 : 1n;
    if (b.length === 1 && a.length > 2) {
      // One interval out of many: the untouched intervals are copied in bulk.
      const [lo, hi] = b[0]!;
      const [i, j] = span(a, lo, hi);
      if (i === j) return this;
      const middle: Pair[] = [];
      const first = a[i]!;
      const last = a[j - 1]!;
      if (first[0] < lo) middle.push([first[0], sub(lo, one)]);
      if (last[1] > hi) middle.push([add(hi, one), last[1]]);
      return IntervalSet.make((a.slice(0, i) as Pair[]).concat(middle, a.slice(j) as Pair[]), small);
    }
    const out: Pair[] = [];
    let j = 0;
    for (let i = 0; i < a.length; i++) {
      const alo = a[i]![0];
      const ahi = a[i]![1];
      let lo = alo;
      while (j < b.length && b[j]![1] < lo) j++;
      let k = j;
      while (k < b.length && b[k]![0] <= ahi) {
        const blo = b[k]![0];
        const bhi = b[k]![1];
        if (blo > lo) out.push([lo, sub(blo, one)]);
        if (bhi >= ahi) {
          lo = add(ahi, one);
          break;
        }
        lo = add(bhi, one);
        k++;
      }
      if (lo <= ahi) out.push([lo, ahi]);
    }
    return IntervalSet.make(out, small);
  }

  /** True when every value of `other` is in this set. */
  covers(other: IntervalSet): boolean {
    if (other === this || other.isEmpty()) return true;
    if (this.isEmpty()) return false;
    const [a, b] = IntervalSet.align(this, other);
    // Each interval of `other` must lie inside one interval of this set (they are non-adjacent).
    let i = 0;
    for (const [lo, hi] of b) {
      while (i < a.length && a[i]![1] < lo) i++;
      if (i >= a.length || a[i]![0] > lo || a[i]![1] < hi) return false;
    }
    return true;
  }

  overlaps(other: IntervalSet): boolean {
    if (this.isEmpty() || other.isEmpty()) return false;
    const [a, b] = IntervalSet.align(this, other);
    if (b.length === 1) {
      const [lo, hi] = b[0]!;
      const i = firstEndingFrom(a, lo);
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
    // The form follows from the values, so equal sets share it.
    if (this.small !== other.small || this.iv.length !== other.iv.length) return false;
    const a = this.iv;
    const b = other.iv;
    for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
    return true;
  }
}

/** x + y for two values of one form. */
function add(x: Num, y: Num): Num {
  return (x as number) + (y as number);
}

function sub(x: Num, y: Num): Num {
  return (x as number) - (y as number);
}

/** Index of the first interval whose end is at or after `value`. */
function firstEndingFrom(a: readonly (readonly [Num, Num])[], value: Num): number {
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
function span(a: readonly (readonly [Num, Num])[], lo: Num, hi: Num): [number, number] {
  const i = firstEndingFrom(a, lo);
  let j = i;
  while (j < a.length && a[j]![0] <= hi) j++;
  return [i, j];
}
