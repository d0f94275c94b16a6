/**
 * Sets of integers as sorted, disjoint, non-adjacent closed intervals.
 * Ports and addresses are both interval sets so that a verdict on
 * "UDP 1025-65535" is computed exactly rather than sampled.
 *
 * The interface speaks bigints, so that IPv6 addresses fit. Inside, a set whose
 * every endpoint is a safe integer (ports, IPv4 addresses in their mapped block)
 * keeps its endpoints as one flat array of numbers, [lo0, hi0, lo1, hi1, ...]:
 * JavaScript computes with numbers far faster than with bigints, and a flat array
 * is one allocation where pairs are one per interval. A set with larger values
 * keeps bigint pairs. The form follows from the values alone, so equal sets always
 * have the same form.
 */
export type Interval = readonly [lo: bigint, hi: bigint];

type Flat = readonly number[];

/** Endpoints up to this stay numbers; one more than it (hi + 1) is still exact. */
const SMALL_MAX = BigInt(Number.MAX_SAFE_INTEGER) - 1n;
const SMALL_MIN = -SMALL_MAX;

function isSmall(v: bigint): boolean {
  return v >= SMALL_MIN && v <= SMALL_MAX;
}

export class IntervalSet {
  static readonly EMPTY = new IntervalSet([], undefined);

  private bigView?: readonly Interval[];
  private pairView?: readonly (readonly [number, number])[];

  /**
   * Exactly one form is set: `flat`, the endpoints as numbers, when every value is a
   * safe integer; otherwise `big`, bigint pairs. Both are sorted, disjoint and non-adjacent.
   */
  private constructor(
    private readonly flat: Flat | undefined,
    private readonly big: readonly Interval[] | undefined,
  ) {}

  private static ofFlat(flat: Flat): IntervalSet {
    return flat.length === 0 ? IntervalSet.EMPTY : new IntervalSet(flat, undefined);
  }

  /** From normalised bigint pairs, in the form their values call for. */
  private static ofPairs(iv: readonly Interval[]): IntervalSet {
    if (iv.length === 0) return IntervalSet.EMPTY;
    if (isSmall(iv[0]![0]) && isSmall(iv[iv.length - 1]![1])) {
      const flat: number[] = [];
      for (const [lo, hi] of iv) flat.push(Number(lo), Number(hi));
      return new IntervalSet(flat, undefined);
    }
    return new IntervalSet(undefined, iv);
  }

  static of(lo: bigint, hi: bigint): IntervalSet {
    return lo > hi ? IntervalSet.EMPTY : IntervalSet.ofPairs([[lo, hi]]);
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
    return IntervalSet.ofPairs(out);
  }

  /** From safe-integer intervals (ports), in any order. */
  static fromNumberIntervals(list: readonly (readonly [number, number])[]): IntervalSet {
    const sorted = list.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
    const out: number[] = [];
    for (const [lo, hi] of sorted) pushMerged(out, lo, hi);
    return IntervalSet.ofFlat(out);
  }

  /** From safe-integer endpoints [lo0, hi0, lo1, hi1, ...] ordered by their starts; overlaps and neighbours are merged. */
  static fromSortedNumbers(endpoints: readonly number[]): IntervalSet {
    const out: number[] = [];
    for (let i = 0; i + 1 < endpoints.length; i += 2) if (endpoints[i]! <= endpoints[i + 1]!) pushMerged(out, endpoints[i]!, endpoints[i + 1]!);
    return IntervalSet.ofFlat(out);
  }

  /** The intervals, as bigints. */
  get intervals(): readonly Interval[] {
    if (this.big) return this.big;
    if (!this.bigView) {
      const f = this.flat!;
      const view: Interval[] = [];
      for (let i = 0; i < f.length; i += 2) view.push([BigInt(f[i]!), BigInt(f[i + 1]!)]);
      this.bigView = view;
    }
    return this.bigView;
  }

  /** The intervals as numbers, for sets whose values are safe integers (ports). */
  numberIntervals(): readonly (readonly [number, number])[] {
    if (this.big) return this.big.map(([lo, hi]) => [Number(lo), Number(hi)] as const);
    if (!this.pairView) {
      const f = this.flat!;
      const view: [number, number][] = [];
      for (let i = 0; i < f.length; i += 2) view.push([f[i]!, f[i + 1]!]);
      this.pairView = view;
    }
    return this.pairView;
  }

  /** The endpoints [lo0, hi0, lo1, hi1, ...] as numbers, for sets whose values are safe integers (ports). */
  numberEndpoints(): readonly number[] {
    if (this.flat) return this.flat;
    const out: number[] = [];
    for (const [lo, hi] of this.big!) out.push(Number(lo), Number(hi));
    return out;
  }

  /** The endpoints as numbers when every value is a safe integer, else undefined. */
  smallEndpoints(): readonly number[] | undefined {
    return this.flat;
  }

  isEmpty(): boolean {
    // Only the number form can be empty: EMPTY is the one empty set.
    return this.flat !== undefined && this.flat.length === 0;
  }

  size(): bigint {
    let n = 0n;
    for (const [lo, hi] of this.intervals) n += hi - lo + 1n;
    return n;
  }

  has(value: bigint): boolean {
    if (this.flat) {
      if (!isSmall(value)) return false;
      const v = Number(value);
      const i = firstEndingFromN(this.flat, v);
      return i < this.flat.length && this.flat[i]! <= v;
    }
    const a = this.big!;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [x, y] = a[mid]!;
      if (value < x) hi = mid - 1;
      else if (value > y) lo = mid + 1;
      else return true;
    }
    return false;
  }

  union(other: IntervalSet): IntervalSet {
    if (other === this || other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    if (this.flat && other.flat) return IntervalSet.ofFlat(unionN(this.flat, other.flat));
    return IntervalSet.ofPairs(unionB(this.intervals, other.intervals));
  }

  /** The union of many sets, merged in pairs: each interval takes part in about log2(n) merges, not n. */
  static unionAll(sets: readonly IntervalSet[]): IntervalSet {
    let level = sets.filter((x) => !x.isEmpty());
    if (level.length === 0) return IntervalSet.EMPTY;
    // Many sets of numbers (hosts, blocks), often hundreds: merged in one sweep (unionFlat).
    const small = level.filter((x) => x.flat !== undefined);
    if (small.length > 8) level = [IntervalSet.ofFlat(unionFlat(small.map((x) => x.flat!))), ...level.filter((x) => x.flat === undefined)];
    while (level.length > 1) {
      const next: IntervalSet[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? level[i]!.union(level[i + 1]!) : level[i]!);
      level = next;
    }
    return level[0]!;
  }

  intersect(other: IntervalSet): IntervalSet {
    if (other === this) return this;
    if (this.isEmpty() || other.isEmpty()) return IntervalSet.EMPTY;
    if (this.flat && other.flat) {
      const a = this.flat;
      const b = other.flat;
      // Enclosed in one interval of the other: the set itself.
      if (b.length === 2 && a[0]! >= b[0]! && a[a.length - 1]! <= b[1]!) return this;
      if (a.length === 2 && b[0]! >= a[0]! && b[b.length - 1]! <= a[1]!) return other;
      return IntervalSet.ofFlat(intersectN(a, b));
    }
    const a = this.intervals;
    const b = other.intervals;
    if (b.length === 1 && a[0]![0] >= b[0]![0] && a[a.length - 1]![1] <= b[0]![1]) return this;
    if (a.length === 1 && b[0]![0] >= a[0]![0] && b[b.length - 1]![1] <= a[0]![1]) return other;
    return IntervalSet.ofPairs(intersectB(a, b));
  }

  subtract(other: IntervalSet): IntervalSet {
    if (other === this) return IntervalSet.EMPTY;
    if (other.isEmpty() || this.isEmpty()) return this;
    if (this.flat && other.flat) {
      const r = subtractN(this.flat, other.flat);
      return r === this.flat ? this : IntervalSet.ofFlat(r);
    }
    return IntervalSet.ofPairs(subtractB(this.intervals, other.intervals));
  }

  /** True when every value of `other` is in this set. */
  covers(other: IntervalSet): boolean {
    if (other === this || other.isEmpty()) return true;
    if (this.isEmpty()) return false;
    if (this.flat && other.flat) return coversN(this.flat, other.flat);
    const a = this.intervals;
    // Each interval of `other` must lie inside one interval of this set (they are non-adjacent).
    let i = 0;
    for (const [lo, hi] of other.intervals) {
      while (i < a.length && a[i]![1] < lo) i++;
      if (i >= a.length || a[i]![0] > lo || a[i]![1] < hi) return false;
    }
    return true;
  }

  overlaps(other: IntervalSet): boolean {
    if (this.isEmpty() || other.isEmpty()) return false;
    if (this.flat && other.flat) return overlapsN(this.flat, other.flat);
    const a = this.intervals;
    const b = other.intervals;
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
    if (this.flat && other.flat) {
      const a = this.flat;
      const b = other.flat;
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
      return true;
    }
    if (!this.big || !other.big || this.big.length !== other.big.length) return false;
    const a = this.big;
    const b = other.big;
    for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
    return true;
  }
}

/** Appends [lo, hi] to endpoints ordered by start, merging it into the last interval when they meet or touch. */
function pushMerged(out: number[], lo: number, hi: number): void {
  const n = out.length;
  if (n > 0 && lo <= out[n - 1]! + 1) {
    if (hi > out[n - 1]!) out[n - 1] = hi;
  } else {
    out.push(lo, hi);
  }
}

// ---- The number form: flat endpoint arrays. ----

/**
 * The union of many sets of numbers. Their starts and their ends (each one past the
 * interval) are sorted apart, in typed arrays that sort without a comparator, and swept:
 * a value is in the union while more intervals have started than ended. A start at an end
 * continues the interval, so neighbours merge.
 */
function unionFlat(sets: readonly Flat[]): number[] {
  let m = 0;
  for (const f of sets) m += f.length >> 1;
  const starts = new Float64Array(m);
  const ends = new Float64Array(m);
  let k = 0;
  for (const f of sets) {
    for (let i = 0; i < f.length; i += 2) {
      starts[k] = f[i]!;
      ends[k++] = f[i + 1]! + 1;
    }
  }
  starts.sort();
  ends.sort();
  const out: number[] = [];
  let open = 0;
  let i = 0;
  let j = 0;
  while (i < m) {
    if (starts[i]! <= ends[j]!) {
      if (open++ === 0) out.push(starts[i]!);
      i++;
    } else {
      if (--open === 0) out.push(ends[j]! - 1);
      j++;
    }
  }
  // Every start is taken: what is still open ends at the last end.
  if (open > 0) out.push(ends[m - 1]! - 1);
  return out;
}


/** Index (even) of the first interval whose end is at or after `value`. */
function firstEndingFromN(a: Flat, value: number): number {
  let lo = 0;
  let hi = a.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[2 * mid + 1]! < value) lo = mid + 1;
    else hi = mid;
  }
  return 2 * lo;
}

function unionN(a: Flat, b: Flat): number[] {
  if (b.length === 2 && a.length > 4) return insertN(a, b[0]!, b[1]!);
  if (a.length === 2 && b.length > 4) return insertN(b, a[0]!, a[1]!);
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      pushMerged(out, a[i]!, a[i + 1]!);
      i += 2;
    } else {
      pushMerged(out, b[j]!, b[j + 1]!);
      j += 2;
    }
  }
  return out;
}

/** One interval into many: the intervals it does not touch are copied in bulk. */
function insertN(a: Flat, lo: number, hi: number): number[] {
  const i = firstEndingFromN(a, lo - 1);
  let j = i;
  while (j < a.length && a[j]! <= hi + 1) j += 2;
  const out = a.slice(0, i);
  if (i === j) out.push(lo, hi);
  else out.push(a[i]! < lo ? a[i]! : lo, a[j - 1]! > hi ? a[j - 1]! : hi);
  for (let k = j; k < a.length; k++) out.push(a[k]!);
  return out;
}

function intersectN(a: Flat, b: Flat): number[] {
  // A few intervals against many: for each, only the intervals it meets are looked at.
  if (b.length > 4 && b.length > 4 * a.length) return intersectFewN(a, b);
  if (a.length > 4 && a.length > 4 * b.length) return intersectFewN(b, a);
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = a[i]! > b[j]! ? a[i]! : b[j]!;
    const hi = a[i + 1]! < b[j + 1]! ? a[i + 1]! : b[j + 1]!;
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

function intersectFewN(few: Flat, many: Flat): number[] {
  const out: number[] = [];
  for (let f = 0; f < few.length; f += 2) {
    const lo = few[f]!;
    const hi = few[f + 1]!;
    let k = firstEndingFromN(many, lo);
    for (; k < many.length && many[k]! <= hi; k += 2) {
      out.push(many[k]! < lo ? lo : many[k]!, many[k + 1]! > hi ? hi : many[k + 1]!);
    }
  }
  return out;
}

/** a less b; `a` itself when nothing is taken away. */
function subtractN(a: Flat, b: Flat): Flat {
  if (b[0]! > a[a.length - 1]! || b[b.length - 1]! < a[0]!) return a;
  if (b.length === 2 && a.length > 4) {
    // One interval out of many: the untouched intervals are copied in bulk.
    const lo = b[0]!;
    const hi = b[1]!;
    const i = firstEndingFromN(a, lo);
    let j = i;
    while (j < a.length && a[j]! <= hi) j += 2;
    if (i === j) return a;
    const out = a.slice(0, i);
    if (a[i]! < lo) out.push(a[i]!, lo - 1);
    if (a[j - 1]! > hi) out.push(hi + 1, a[j - 1]!);
    for (let k = j; k < a.length; k++) out.push(a[k]!);
    return out;
  }
  const out: number[] = [];
  let j = 0;
  let changed = false;
  for (let i = 0; i < a.length; i += 2) {
    const ahi = a[i + 1]!;
    let lo = a[i]!;
    while (j < b.length && b[j + 1]! < lo) j += 2;
    for (let k = j; k < b.length && b[k]! <= ahi; k += 2) {
      changed = true;
      if (b[k]! > lo) out.push(lo, b[k]! - 1);
      if (b[k + 1]! >= ahi) {
        lo = ahi + 1;
        break;
      }
      lo = b[k + 1]! + 1;
    }
    if (lo <= ahi) out.push(lo, ahi);
  }
  return changed ? out : a;
}

function coversN(a: Flat, b: Flat): boolean {
  let i = 0;
  for (let k = 0; k < b.length; k += 2) {
    const lo = b[k]!;
    if (b.length > 2 || a.length <= 8) {
      while (i < a.length && a[i + 1]! < lo) i += 2;
    } else {
      i = firstEndingFromN(a, lo);
    }
    if (i >= a.length || a[i]! > lo || a[i + 1]! < b[k + 1]!) return false;
  }
  return true;
}

function overlapsN(a: Flat, b: Flat): boolean {
  if (b.length === 2) {
    const i = firstEndingFromN(a, b[0]!);
    return i < a.length && a[i]! <= b[1]!;
  }
  if (a.length === 2) {
    const i = firstEndingFromN(b, a[0]!);
    return i < b.length && b[i]! <= a[1]!;
  }
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i + 1]! < b[j]!) i += 2;
    else if (b[j + 1]! < a[i]!) j += 2;
    else return true;
  }
  return false;
}

// ---- The bigint form: pairs. ----

type BigPair = [bigint, bigint];

/** Index of the first interval whose end is at or after `value`. */
function firstEndingFromB(a: readonly Interval[], value: bigint): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]![1] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function unionB(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: BigPair[] = [];
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
  return out;
}

function intersectB(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  if (b.length === 1 || a.length === 1) {
    const [few, many] = b.length === 1 ? [b, a] : [a, b];
    const [lo, hi] = few[0]!;
    for (let k = firstEndingFromB(many, lo); k < many.length && many[k]![0] <= hi; k++) {
      const [x, y] = many[k]!;
      out.push([x < lo ? lo : x, y > hi ? hi : y]);
    }
    return out;
  }
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
  return out;
}

function subtractB(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const [alo, ahi] of a) {
    let lo = alo;
    while (j < b.length && b[j]![1] < lo) j++;
    for (let k = j; k < b.length && b[k]![0] <= ahi; k++) {
      const [blo, bhi] = b[k]!;
      if (blo > lo) out.push([lo, blo - 1n]);
      if (bhi >= ahi) {
        lo = ahi + 1n;
        break;
      }
      lo = bhi + 1n;
    }
    if (lo <= ahi) out.push([lo, ahi]);
  }
  return out;
}
