/**
 * Sets of integers as sorted, disjoint, non-adjacent closed intervals.
 * Ports and addresses are both interval sets so that a verdict on
 * "UDP 1025-65535" is computed exactly rather than sampled.
 *
 * The interface speaks bigints, so that IPv6 addresses fit. Inside, a set keeps its
 * values that are safe integers (ports, IPv4 addresses in their mapped block) as one
 * flat array of numbers, [lo0, hi0, lo1, hi1, ...], and only its other values (IPv6
 * beyond the mapped block) as bigint pairs: JavaScript computes with numbers far faster
 * than with bigints, and a flat array is one allocation where pairs are one per
 * interval. A set of public IPv4 and IPv6 addresses thus does its IPv4 work in numbers.
 * An interval across the boundary is kept as its two parts; the parts follow from the
 * values alone, so equal sets always have equal parts, and each operation works part by part.
 */
export type Interval = readonly [lo: bigint, hi: bigint];

type Flat = readonly number[];

/** Values from SMALL_MIN to SMALL_MAX are numbers; one more than SMALL_MAX (hi + 1) is still exact. */
const SMALL_MAX = BigInt(Number.MAX_SAFE_INTEGER) - 1n;
const SMALL_MIN = -SMALL_MAX;
const NO_PAIRS: readonly Interval[] = [];
const NO_NUMBERS: Flat = [];

function isSmall(v: bigint): boolean {
  return v >= SMALL_MIN && v <= SMALL_MAX;
}

export class IntervalSet {
  static readonly EMPTY = new IntervalSet(NO_NUMBERS, NO_PAIRS);

  private bigView?: readonly Interval[];
  private pairView?: readonly (readonly [number, number])[];

  /**
   * `flat`: the values from SMALL_MIN to SMALL_MAX, as numbers; `big`: the values outside
   * that range, as bigint pairs (those below it first). Each part is sorted, disjoint and
   * non-adjacent within itself.
   */
  private constructor(
    private readonly flat: Flat,
    private readonly big: readonly Interval[],
  ) {}

  private static ofFlat(flat: Flat): IntervalSet {
    return flat.length === 0 ? IntervalSet.EMPTY : new IntervalSet(flat, NO_PAIRS);
  }

  private static ofParts(flat: Flat, big: readonly Interval[]): IntervalSet {
    if (big.length === 0) return IntervalSet.ofFlat(flat);
    return new IntervalSet(flat.length === 0 ? NO_NUMBERS : flat, big);
  }

  /** From normalised bigint pairs: each interval split into its number and bigint parts. */
  private static ofPairs(iv: readonly Interval[]): IntervalSet {
    if (iv.length === 0) return IntervalSet.EMPTY;
    if (isSmall(iv[0]![0]) && isSmall(iv[iv.length - 1]![1])) {
      const flat: number[] = [];
      for (const [lo, hi] of iv) flat.push(Number(lo), Number(hi));
      return new IntervalSet(flat, NO_PAIRS);
    }
    const flat: number[] = [];
    const big: Interval[] = [];
    for (const [lo, hi] of iv) {
      if (lo < SMALL_MIN) big.push([lo, hi < SMALL_MIN ? hi : SMALL_MIN - 1n]);
      if (hi >= SMALL_MIN && lo <= SMALL_MAX) flat.push(Number(lo > SMALL_MIN ? lo : SMALL_MIN), Number(hi < SMALL_MAX ? hi : SMALL_MAX));
      if (hi > SMALL_MAX) big.push([lo > SMALL_MAX ? lo : SMALL_MAX + 1n, hi]);
    }
    return IntervalSet.ofParts(flat, big);
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

  /** The intervals, as bigints; an interval across a boundary of the parts is one again. */
  get intervals(): readonly Interval[] {
    if (!this.bigView) {
      const f = this.flat;
      const view: BigPair[] = [];
      const add = (lo: bigint, hi: bigint) => {
        const last = view[view.length - 1];
        if (last && lo === last[1] + 1n) last[1] = hi;
        else view.push([lo, hi]);
      };
      let k = 0;
      const big = this.big;
      while (k < big.length && big[k]![1] < SMALL_MIN) add(big[k]![0], big[k++]![1]);
      for (let i = 0; i < f.length; i += 2) add(BigInt(f[i]!), BigInt(f[i + 1]!));
      while (k < big.length) add(big[k]![0], big[k++]![1]);
      this.bigView = view;
    }
    return this.bigView;
  }

  /** The intervals as numbers, for sets whose values are safe integers (ports). */
  numberIntervals(): readonly (readonly [number, number])[] {
    if (this.big.length > 0) return this.intervals.map(([lo, hi]) => [Number(lo), Number(hi)] as const);
    if (!this.pairView) {
      const f = this.flat;
      const view: [number, number][] = [];
      for (let i = 0; i < f.length; i += 2) view.push([f[i]!, f[i + 1]!]);
      this.pairView = view;
    }
    return this.pairView;
  }

  /** The endpoints [lo0, hi0, lo1, hi1, ...] as numbers, for sets whose values are safe integers (ports). */
  numberEndpoints(): readonly number[] {
    if (this.big.length === 0) return this.flat;
    const out: number[] = [];
    for (const [lo, hi] of this.intervals) out.push(Number(lo), Number(hi));
    return out;
  }

  /** The endpoints as numbers when every value is a safe integer, else undefined. */
  smallEndpoints(): readonly number[] | undefined {
    return this.big.length === 0 ? this.flat : undefined;
  }

  isEmpty(): boolean {
    return this.flat.length === 0 && this.big.length === 0;
  }

  size(): bigint {
    let n = 0n;
    for (const [lo, hi] of this.intervals) n += hi - lo + 1n;
    return n;
  }

  has(value: bigint): boolean {
    if (isSmall(value)) {
      const v = Number(value);
      const i = firstEndingFromN(this.flat, v);
      return i < this.flat.length && this.flat[i]! <= v;
    }
    const a = this.big;
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
    const flat = this.flat.length === 0 ? other.flat : other.flat.length === 0 ? this.flat : unionN(this.flat, other.flat);
    if (this.big.length === 0 && other.big.length === 0) return IntervalSet.ofFlat(flat);
    const big = this.big.length === 0 ? other.big : other.big.length === 0 ? this.big : unionB(this.big, other.big);
    return IntervalSet.ofParts(flat, big);
  }

  /** The union of many sets, merged in pairs: each interval takes part in about log2(n) merges, not n. */
  static unionAll(sets: readonly IntervalSet[]): IntervalSet {
    let level = sets.filter((x) => !x.isEmpty());
    if (level.length === 0) return IntervalSet.EMPTY;
    // Many sets, often hundreds (hosts, blocks): their number parts merged in one sweep (unionFlat).
    if (level.length > 8) {
      const flat = unionFlat(level.map((x) => x.flat));
      const bigs = level.filter((x) => x.big.length > 0);
      let big: readonly Interval[] = NO_PAIRS;
      for (const x of bigs) big = big.length === 0 ? x.big : unionB(big, x.big);
      return IntervalSet.ofParts(flat, big);
    }
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
    const a = this.flat;
    const b = other.flat;
    if (this.big.length === 0 && other.big.length === 0) {
      // Enclosed in one interval of the other: the set itself.
      if (b.length === 2 && a[0]! >= b[0]! && a[a.length - 1]! <= b[1]!) return this;
      if (a.length === 2 && b[0]! >= a[0]! && b[b.length - 1]! <= a[1]!) return other;
      return IntervalSet.ofFlat(intersectN(a, b));
    }
    const flat = a.length === 0 || b.length === 0 ? NO_NUMBERS : intersectN(a, b);
    const big = this.big.length === 0 || other.big.length === 0 ? NO_PAIRS : intersectB(this.big, other.big);
    return IntervalSet.ofParts(flat, big);
  }

  subtract(other: IntervalSet): IntervalSet {
    if (other === this) return IntervalSet.EMPTY;
    if (other.isEmpty() || this.isEmpty()) return this;
    const flat = this.flat.length === 0 || other.flat.length === 0 ? this.flat : subtractN(this.flat, other.flat);
    const big = this.big.length === 0 || other.big.length === 0 ? this.big : subtractB(this.big, other.big);
    return flat === this.flat && big === this.big ? this : IntervalSet.ofParts(flat, big);
  }

  /** True when every value of `other` is in this set. */
  covers(other: IntervalSet): boolean {
    if (other === this || other.isEmpty()) return true;
    if (this.isEmpty()) return false;
    if (other.flat.length > 0 && (this.flat.length === 0 || !coversN(this.flat, other.flat))) return false;
    if (other.big.length === 0) return true;
    const a = this.big;
    // Each interval of `other` must lie inside one interval of this set (they are non-adjacent).
    let i = 0;
    for (const [lo, hi] of other.big) {
      while (i < a.length && a[i]![1] < lo) i++;
      if (i >= a.length || a[i]![0] > lo || a[i]![1] < hi) return false;
    }
    return true;
  }

  overlaps(other: IntervalSet): boolean {
    if (this.isEmpty() || other.isEmpty()) return false;
    if (this.flat.length > 0 && other.flat.length > 0 && overlapsN(this.flat, other.flat)) return true;
    const a = this.big;
    const b = other.big;
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
    // The parts follow from the values, so equal sets have equal parts.
    const a = this.flat;
    const b = other.flat;
    if (a.length !== b.length || this.big.length !== other.big.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    const x = this.big;
    const y = other.big;
    for (let i = 0; i < x.length; i++) if (x[i]![0] !== y[i]![0] || x[i]![1] !== y[i]![1]) return false;
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
