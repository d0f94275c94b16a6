import { IntervalSet } from './intervals';

/**
 * A set of (port, address) pairs, kept as segments of the port axis each
 * with its own address set. This is the "header space" the evaluator pushes
 * through a chain: every rule carves the part it matches out of what is
 * still undecided.
 */
interface Segment {
  readonly lo: number;
  readonly hi: number;
  readonly addrs: IntervalSet;
}

export class Region {
  static readonly EMPTY = new Region([]);

  private constructor(readonly segments: readonly Segment[]) {}

  static box(ports: IntervalSet, addrs: IntervalSet): Region {
    if (ports.isEmpty() || addrs.isEmpty()) return Region.EMPTY;
    const e = ports.numberEndpoints();
    const segs: Segment[] = [];
    for (let k = 0; k < e.length; k += 2) segs.push({ lo: e[k]!, hi: e[k + 1]!, addrs });
    return new Region(segs);
  }

  isEmpty(): boolean {
    return this.segments.length === 0;
  }

  /** Ports whose address set passes the test. */
  portsWhere(test: (addrs: IntervalSet) => boolean): IntervalSet {
    const e: number[] = [];
    for (const s of this.segments) if (test(s.addrs)) e.push(s.lo, s.hi);
    return IntervalSet.fromSortedNumbers(e);
  }

  /** Ports for which at least one address is in one of the regions; one sort of all their segments, no set per region. */
  static portsOfAll(regions: readonly Region[]): IntervalSet {
    let n = 0;
    for (const r of regions) {
      n += r.segments.length;
      // Ports are 0-65535; a region of anything else is merged the general way.
      if (r.segments.some((s) => s.lo < 0 || s.hi > 65535)) return IntervalSet.unionAll(regions.map((x) => x.ports()));
    }
    const keys = new Float64Array(n);
    let k = 0;
    for (const r of regions) for (const s of r.segments) keys[k++] = s.lo * 65536 + s.hi;
    keys.sort();
    const ends: number[] = [];
    for (let i = 0; i < n; i++) ends.push(Math.floor(keys[i]! / 65536), keys[i]! % 65536);
    return IntervalSet.fromSortedNumbers(ends);
  }

  /** Ports for which at least one address is in the region. */
  ports(): IntervalSet {
    const e: number[] = [];
    for (const s of this.segments) e.push(s.lo, s.hi);
    return IntervalSet.fromSortedNumbers(e);
  }

  /** The part of this region inside the box. */
  intersectBox(ports: IntervalSet, addrs: IntervalSet): Region {
    if (this.isEmpty() || ports.isEmpty() || addrs.isEmpty()) return Region.EMPTY;
    const out: Segment[] = [];
    let memoIn: IntervalSet | undefined;
    let memoOut: IntervalSet | undefined;
    const e = ports.numberEndpoints();
    for (let k = 0; k < e.length; k += 2) {
      const plo = e[k]!;
      const phi = e[k + 1]!;
      for (let i = firstFrom(this.segments, plo); i < this.segments.length; i++) {
        const s = this.segments[i]!;
        if (s.lo > phi) break;
        // Neighbouring segments often share one address set: intersect it once.
        if (s.addrs !== memoIn) {
          memoIn = s.addrs;
          memoOut = s.addrs.intersect(addrs);
        }
        const a = memoOut!;
        if (a.isEmpty()) continue;
        out.push({ lo: Math.max(s.lo, plo), hi: Math.min(s.hi, phi), addrs: a });
      }
    }
    return out.length === 0 ? Region.EMPTY : new Region(out);
  }

  /** The part of this region on these ports, every address kept. */
  intersectPorts(ports: IntervalSet): Region {
    if (this.isEmpty() || ports.isEmpty()) return Region.EMPTY;
    const out: Segment[] = [];
    const e = ports.numberEndpoints();
    for (let k = 0; k < e.length; k += 2) {
      const plo = e[k]!;
      const phi = e[k + 1]!;
      for (let i = firstFrom(this.segments, plo); i < this.segments.length; i++) {
        const s = this.segments[i]!;
        if (s.lo > phi) break;
        out.push(s.lo >= plo && s.hi <= phi ? s : { lo: Math.max(s.lo, plo), hi: Math.min(s.hi, phi), addrs: s.addrs });
      }
    }
    return out.length === 0 ? Region.EMPTY : new Region(out);
  }

  /** This region less these ports, every address; segments outside them are shared, not copied. */
  subtractPorts(ports: IntervalSet): Region {
    if (this.isEmpty() || ports.isEmpty()) return this;
    const e = ports.numberEndpoints();
    const out: Segment[] = [];
    let k = 0;
    let changed = false;
    for (const s of this.segments) {
      let lo = s.lo;
      while (k < e.length && e[k + 1]! < lo) k += 2;
      for (let q = k; q < e.length && e[q]! <= s.hi; q += 2) {
        changed = true;
        if (e[q]! > lo) out.push({ lo, hi: e[q]! - 1, addrs: s.addrs });
        lo = e[q + 1]! + 1;
        if (lo > s.hi) break;
      }
      if (lo === s.lo) out.push(s);
      else if (lo <= s.hi) out.push({ lo, hi: s.hi, addrs: s.addrs });
    }
    if (!changed) return this;
    return out.length === 0 ? Region.EMPTY : new Region(out);
  }

  /** This region less the box; segments outside the box's ports are shared, not copied. */
  subtractBox(ports: IntervalSet, addrs: IntervalSet): Region {
    if (this.isEmpty() || ports.isEmpty() || addrs.isEmpty()) return this;
    let segs: Segment[] = this.segments as Segment[];
    let copied = false;
    let memoIn: IntervalSet | undefined;
    let memoOut: IntervalSet | undefined;
    const e = ports.numberEndpoints();
    for (let k = 0; k < e.length; k += 2) {
      const plo = e[k]!;
      const phi = e[k + 1]!;
      let i = firstFrom(segs, plo);
      let j = i;
      while (j < segs.length && segs[j]!.lo <= phi) j++;
      if (i === j) continue;
      const replacement: Segment[] = [];
      for (let k = i; k < j; k++) {
        const s = segs[k]!;
        if (s.addrs !== memoIn) {
          memoIn = s.addrs;
          memoOut = s.addrs.overlaps(addrs) ? s.addrs.subtract(addrs) : s.addrs;
        }
        if (memoOut === s.addrs) {
          replacement.push(s);
          continue;
        }
        if (s.lo < plo) replacement.push({ lo: s.lo, hi: plo - 1, addrs: s.addrs });
        const rest = memoOut!;
        if (!rest.isEmpty()) replacement.push({ lo: Math.max(s.lo, plo), hi: Math.min(s.hi, phi), addrs: rest });
        if (s.hi > phi) replacement.push({ lo: phi + 1, hi: s.hi, addrs: s.addrs });
      }
      if (!copied) {
        segs = segs.slice();
        copied = true;
      }
      segs.splice(i, j - i, ...replacement);
    }
    if (!copied) return this;
    return segs.length === 0 ? Region.EMPTY : new Region(segs);
  }

  /** Whether the two regions share a point; builds nothing. */
  meets(other: Region): boolean {
    const a = this.segments;
    const b = other.segments;
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i]!;
      const y = b[j]!;
      if (x.hi < y.lo) i++;
      else if (y.hi < x.lo) j++;
      else {
        if (x.addrs.overlaps(y.addrs)) return true;
        if (x.hi < y.hi) i++;
        else j++;
      }
    }
    return false;
  }

  /**
   * The union of many regions, in one sweep along the port axis. While segments only
   * start, the address set grows by a union with the sets that start; when one ends, the
   * set is rebuilt from the segments still open. So nested port ranges ("1025-65535,
   * 1026-65535, ...") cost one small union each, not a merge of everything merged before,
   * and many sets that start or stay open together are merged in pairs (IntervalSet.unionAll).
   */
  static unionAll(regions: readonly Region[]): Region {
    const live = regions.filter((r) => !r.isEmpty());
    if (live.length === 0) return Region.EMPTY;
    if (live.length === 1) return live[0]!;
    const segs: Segment[] = [];
    for (const r of live) for (const x of r.segments) segs.push(x);
    const starts = sortedBy(segs, true);
    const ends = sortedBy(segs, false);
    const out: Segment[] = [];
    const open = new Set<Segment>();
    let current = IntervalSet.EMPTY;
    let si = 0;
    let ei = 0;
    let at = starts[0]!.lo;
    while (si < starts.length || ei < ends.length) {
      // Close the segments that end before `at`, open those that start at it.
      let closed = false;
      while (ei < ends.length && ends[ei]!.hi < at) {
        open.delete(ends[ei]!);
        ei++;
        closed = true;
      }
      if (closed) current = IntervalSet.unionAll([...open].map((x) => x.addrs));
      const opening = [current];
      while (si < starts.length && starts[si]!.lo === at) {
        const x = starts[si]!;
        open.add(x);
        opening.push(x.addrs);
        si++;
      }
      if (opening.length > 1) current = IntervalSet.unionAll(opening);
      // The next change: a start, or the end of an open segment.
      const nextStart = si < starts.length ? starts[si]!.lo : Infinity;
      const nextEnd = ei < ends.length ? ends[ei]!.hi + 1 : Infinity;
      const next = Math.min(nextStart, nextEnd);
      if (next === Infinity) break;
      if (open.size > 0 && !current.isEmpty()) {
        const last = out[out.length - 1];
        if (last && last.hi === at - 1 && last.addrs.equals(current)) out[out.length - 1] = { lo: last.lo, hi: next - 1, addrs: current };
        else out.push({ lo: at, hi: next - 1, addrs: current });
      }
      at = next;
    }
    return out.length === 0 ? Region.EMPTY : new Region(out);
  }

  union(other: Region): Region {
    if (other === this || other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return this.combine(other, (a, b) => (a && b ? a.union(b) : (a ?? b)));
  }

  intersect(other: Region): Region {
    if (other === this) return this;
    if (this.isEmpty() || other.isEmpty()) return Region.EMPTY;
    return this.combine(other, (a, b) => (a && b ? a.intersect(b) : undefined));
  }

  subtract(other: Region): Region {
    if (other === this) return Region.EMPTY;
    if (this.isEmpty() || other.isEmpty()) return this;
    return this.combine(other, (a, b) => (a && b ? a.subtract(b) : a));
  }

  /** Sweeps the port axis over both regions' segments, one stretch at a time in which neither changes. */
  private combine(other: Region, op: (a: IntervalSet | undefined, b: IntervalSet | undefined) => IntervalSet | undefined): Region {
    const A = this.segments;
    const B = other.segments;
    const out: Segment[] = [];
    let i = 0;
    let j = 0;
    let pos = Math.min(A[0]?.lo ?? Infinity, B[0]?.lo ?? Infinity);
    let lastA: IntervalSet | undefined | null = null;
    let lastB: IntervalSet | undefined | null = null;
    let lastR: IntervalSet | undefined;
    while (i < A.length || j < B.length) {
      const a = i < A.length ? A[i]! : undefined;
      const b = j < B.length ? B[j]! : undefined;
      const aIn = a !== undefined && a.lo <= pos;
      const bIn = b !== undefined && b.lo <= pos;
      if (!aIn && !bIn) {
        pos = Math.min(a?.lo ?? Infinity, b?.lo ?? Infinity);
        continue;
      }
      // The stretch ends where a segment ends or the other begins.
      let end = Infinity;
      if (a) end = Math.min(end, aIn ? a.hi : a.lo - 1);
      if (b) end = Math.min(end, bIn ? b.hi : b.lo - 1);
      const x = aIn ? a.addrs : undefined;
      const y = bIn ? b.addrs : undefined;
      // Runs of stretches with the same pair of address sets: one operation.
      let r: IntervalSet | undefined;
      if (x === lastA && y === lastB) r = lastR;
      else {
        r = op(x, y);
        lastA = x;
        lastB = y;
        lastR = r;
      }
      if (r && !r.isEmpty()) {
        const last = out[out.length - 1];
        if (last && last.hi === pos - 1 && last.addrs.equals(r)) out[out.length - 1] = { lo: last.lo, hi: end, addrs: r };
        else out.push({ lo: pos, hi: end, addrs: r });
      }
      pos = end + 1;
      if (aIn && a.hi < pos) i++;
      if (bIn && b.hi < pos) j++;
    }
    return out.length === 0 ? Region.EMPTY : new Region(out);
  }

  /** Groups the region into (ports, addresses) pairs with equal address sets, merged along the port axis. */
  boxes(): { ports: IntervalSet; addrs: IntervalSet }[] {
    const segs = this.segments;
    // Asked of every gap of every flow, most of them empty or one box: those without grouping.
    if (segs.length === 0) return [];
    if (segs.length === 1) return [{ ports: IntervalSet.fromSortedNumbers([segs[0]!.lo, segs[0]!.hi]), addrs: segs[0]!.addrs }];
    const groups: { ends: number[]; addrs: IntervalSet }[] = [];
    for (const s of segs) {
      // Segments in port order: each group's ports come out ordered as well.
      let g = groupOf(groups, s.addrs);
      if (g) g.ends.push(s.lo, s.hi);
      else groups.push((g = { ends: [s.lo, s.hi], addrs: s.addrs }));
    }
    return groups.map((g) => ({ ports: IntervalSet.fromSortedNumbers(g.ends), addrs: g.addrs }));
  }

}

/** The group of these addresses: the same set object, failing that an equal set. */
function groupOf<G extends { readonly addrs: IntervalSet }>(groups: readonly G[], addrs: IntervalSet): G | undefined {
  for (const g of groups) if (g.addrs === addrs) return g;
  for (const g of groups) if (g.addrs.equals(addrs)) return g;
  return undefined;
}

/**
 * Segments in the order of their first (or last) port. A port and the segment's index fit
 * in one number, so a typed array sorts them without calling a comparator.
 */
function sortedBy(segs: readonly Segment[], byStart: boolean): Segment[] {
  const n = segs.length;
  const slots = 2 ** 21;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const port = byStart ? segs[i]!.lo : segs[i]!.hi;
    // Ports are 0-65535; anything else is sorted the general way.
    if (n >= slots || !(port >= 0 && port <= 0xffffff)) return segs.slice().sort(byStart ? (a, b) => a.lo - b.lo : (a, b) => a.hi - b.hi);
    keys[i] = port * slots + i;
  }
  keys.sort();
  const out = new Array<Segment>(n);
  for (let i = 0; i < n; i++) out[i] = segs[keys[i]! % slots]!;
  return out;
}

function firstFrom(segs: readonly Segment[], port: number): number {
  let lo = 0;
  let hi = segs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (segs[mid]!.hi < port) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
