// Laws of the interval and region arithmetic, checked against plain sets of
// points over small universes, where every point can be listed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { IntervalSet } from '../../src/core/model/intervals';
import { Region } from '../../src/core/model/region';
import { formatAddresses, parseCidr, parseCidrGeneral } from '../../src/core/model/addresses';

const MAX = 23; // intervals span -2..MAX+2
/** Holds every value the generators produce, so complements relative to it are exact. */
const UNIVERSE = IntervalSet.of(-3n, BigInt(MAX + 3));

const intervalArb = fc.tuple(fc.integer({ min: -2, max: MAX + 2 }), fc.integer({ min: -2, max: MAX + 2 }));
/** Raw interval lists, unsorted, overlapping, some reversed (empty) on purpose. */
const listArb = fc.array(intervalArb, { maxLength: 6 });

function build(list: readonly (readonly [number, number])[]): IntervalSet {
  return IntervalSet.fromIntervals(list.map(([a, b]) => [BigInt(a), BigInt(b)] as const));
}

function points(list: readonly (readonly [number, number])[]): Set<number> {
  const s = new Set<number>();
  for (const [a, b] of list) for (let v = a; v <= b; v++) s.add(v);
  return s;
}

function members(set: IntervalSet, lo = -3, hi = MAX + 3): Set<number> {
  const s = new Set<number>();
  for (let v = lo; v <= hi; v++) if (set.has(BigInt(v))) s.add(v);
  return s;
}

function assertCanonical(set: IntervalSet): void {
  const iv = set.intervals;
  for (let i = 0; i < iv.length; i++) {
    const [lo, hi] = iv[i]!;
    assert.ok(lo <= hi, `interval ${lo}-${hi} is reversed`);
    if (i > 0) assert.ok(iv[i - 1]![1] + 1n < lo, `intervals ${iv[i - 1]} and ${iv[i]} overlap or touch`);
  }
}

/** The set's points read from its intervals (not through has()). */
function pointsOf(set: IntervalSet): Set<number> {
  return points(set.intervals.map(([a, b]) => [Number(a), Number(b)] as const));
}

const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);

test('IntervalSet: construction normalizes and keeps exactly the listed points', () => {
  fc.assert(
    fc.property(listArb, (list) => {
      const set = build(list);
      assertCanonical(set);
      assert.deepEqual(sorted(pointsOf(set)), sorted(points(list)));
      assert.deepEqual(sorted(members(set)), sorted(points(list)));
      assert.equal(set.size(), BigInt(points(list).size));
      assert.equal(set.isEmpty(), points(list).size === 0);
    }),
    { numRuns: 300 },
  );
});

/** Builds both sets and checks union, intersect, subtract, covers and overlaps against their points. */
function assertOperationsAgree(la: readonly (readonly [number, number])[], lb: readonly (readonly [number, number])[]) {
  const a = build(la);
  const b = build(lb);
  const pa = points(la);
  const pb = points(lb);
  const u = a.union(b);
  const i = a.intersect(b);
  const d = a.subtract(b);
  for (const s of [u, i, d]) assertCanonical(s);
  assert.deepEqual(sorted(pointsOf(u)), sorted(new Set([...pa, ...pb])));
  assert.deepEqual(sorted(pointsOf(i)), sorted(new Set([...pa].filter((v) => pb.has(v)))));
  assert.deepEqual(sorted(pointsOf(d)), sorted(new Set([...pa].filter((v) => !pb.has(v)))));
  assert.equal(a.covers(b), [...pb].every((v) => pa.has(v)));
  assert.equal(a.overlaps(b), [...pb].some((v) => pa.has(v)));
  return { a, b, pa, pb };
}

test('IntervalSet: union, intersect and subtract agree with set operations on points', () => {
  fc.assert(
    fc.property(listArb, listArb, (la, lb) => {
      const { a, b, pa, pb } = assertOperationsAgree(la, lb);
      assert.equal(a.equals(b), sorted(pa).join() === sorted(pb).join());
    }),
    { numRuns: 400 },
  );
});

test('IntervalSet: one or a few intervals against many agree with set operations on points (the bulk paths)', () => {
  // Many short intervals on one side, one to three on the other: the paths that copy untouched intervals in bulk.
  const WIDE = 400;
  const shortArb = fc.integer({ min: 0, max: WIDE }).chain((lo) => fc.tuple(fc.constant(lo), fc.integer({ min: lo, max: Math.min(WIDE, lo + 3) })));
  const manyArb = fc.array(shortArb, { minLength: 8, maxLength: 60 });
  const fewArb = fc.array(fc.tuple(fc.integer({ min: -2, max: WIDE + 2 }), fc.integer({ min: -2, max: WIDE + 2 })), { minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(manyArb, fewArb, fc.boolean(), (lm, lf, swap) => {
      const { a, b, pa, pb } = swap ? assertOperationsAgree(lf, lm) : assertOperationsAgree(lm, lf);
      assert.equal(b.covers(a), [...pa].every((v) => pb.has(v)));
      assert.equal(b.overlaps(a), a.overlaps(b));
      for (const v of [-3, 0, 1, WIDE >> 1, WIDE, WIDE + 3]) assert.equal(a.has(BigInt(v)), pa.has(v), `has(${v})`);
    }),
    { numRuns: 400 },
  );
});

test('IntervalSet.unionAll: many sets, numbers and bigints, agree with the union of their points', () => {
  const offset = 1n << 60n; // beyond the number form
  fc.assert(
    fc.property(fc.array(listArb, { minLength: 9, maxLength: 40 }), fc.array(listArb, { maxLength: 3 }), (lists, bigLists) => {
      const sets = lists.map(build);
      const bigs = bigLists.map((l) => IntervalSet.fromIntervals(l.map(([a, b]) => [BigInt(a) + offset, BigInt(b) + offset] as const)));
      const u = IntervalSet.unionAll([...sets, ...bigs, IntervalSet.EMPTY]);
      assertCanonical(u);
      const small = u.intersect(IntervalSet.of(-1000n, 1000n));
      assert.deepEqual(sorted(pointsOf(small)), sorted(points(lists.flat())), 'the number part');
      const wantBig = IntervalSet.fromIntervals(bigLists.flat().map(([a, b]) => [BigInt(a) + offset, BigInt(b) + offset] as const));
      assert.ok(u.subtract(small).equals(wantBig), 'the bigint part');
    }),
    { numRuns: 300 },
  );
});

test('IntervalSet: algebraic laws', () => {
  fc.assert(
    fc.property(listArb, listArb, listArb, (la, lb, lc) => {
      const [a, b, c] = [build(la), build(lb), build(lc)];
      assert.ok(a.union(b).equals(b.union(a)), 'union commutes');
      assert.ok(a.intersect(b).equals(b.intersect(a)), 'intersection commutes');
      assert.ok(a.union(b).union(c).equals(a.union(b.union(c))), 'union associates');
      assert.ok(a.intersect(b).intersect(c).equals(a.intersect(b.intersect(c))), 'intersection associates');
      assert.ok(a.intersect(b.union(c)).equals(a.intersect(b).union(a.intersect(c))), 'intersection distributes over union');
      assert.ok(a.union(b.intersect(c)).equals(a.union(b).intersect(a.union(c))), 'union distributes over intersection');
      assert.ok(a.union(a).equals(a) && a.intersect(a).equals(a), 'idempotence');
      assert.ok(a.subtract(a).isEmpty(), 'a - a is empty');
      assert.ok(a.subtract(b).equals(a.intersect(UNIVERSE.subtract(b))), 'a - b = a ∩ ¬b');
      assert.ok(UNIVERSE.subtract(a.union(b)).equals(UNIVERSE.subtract(a).intersect(UNIVERSE.subtract(b))), 'De Morgan');
      assert.ok(a.subtract(b).union(a.intersect(b)).equals(a), 'a splits into a - b and a ∩ b');
      assert.ok(!a.subtract(b).overlaps(b), 'a - b misses b');
      assert.ok(a.union(b).covers(a) && a.covers(a.intersect(b)), 'covering');
      assert.ok(a.union(IntervalSet.EMPTY).equals(a) && a.intersect(IntervalSet.EMPTY).isEmpty(), 'empty set');
    }),
    { numRuns: 300 },
  );
});

// Regions: ports 0..PMAX times addresses 0..AMAX, as sets of "port,address" points.
const PMAX = 11;
const AMAX = 7;
const boxArb = fc.record({
  p: fc.tuple(fc.integer({ min: 0, max: PMAX }), fc.integer({ min: 0, max: PMAX })),
  a: fc.array(fc.tuple(fc.integer({ min: 0, max: AMAX }), fc.integer({ min: 0, max: AMAX })), { minLength: 1, maxLength: 2 }),
});
const regionArb = fc.array(boxArb, { maxLength: 4 });
type BoxSpec = { p: [number, number]; a: [number, number][] };

const portsOf = (b: BoxSpec) => build([b.p]);
const addrsOf = (b: BoxSpec) => build(b.a);

function boxPoints(b: BoxSpec): Set<string> {
  const s = new Set<string>();
  for (const p of points([b.p])) for (const a of points(b.a)) s.add(`${p},${a}`);
  return s;
}

function regionOf(boxes: readonly BoxSpec[]): { region: Region; pts: Set<string> } {
  let region = Region.EMPTY;
  const pts = new Set<string>();
  for (const b of boxes) {
    region = region.union(Region.box(portsOf(b), addrsOf(b)));
    for (const x of boxPoints(b)) pts.add(x);
  }
  return { region, pts };
}

/** A region's points, read through boxes(): also checks that the boxes do not overlap. */
function regionPoints(r: Region): Set<string> {
  const s = new Set<string>();
  let count = 0;
  for (const { ports, addrs } of r.boxes()) {
    for (const p of pointsOf(ports)) {
      for (const a of pointsOf(addrs)) {
        s.add(`${p},${a}`);
        count++;
      }
    }
  }
  assert.equal(count, s.size, 'boxes() overlap');
  return s;
}

function assertRegionCanonical(r: Region): void {
  const segs = r.segments;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    assert.ok(s.lo <= s.hi, 'segment reversed');
    assert.ok(!s.addrs.isEmpty(), 'segment with no addresses');
    if (i > 0) assert.ok(segs[i - 1]!.hi < s.lo, 'segments overlap or are out of order');
  }
  assert.equal(r.isEmpty(), segs.length === 0);
}

const setOps = {
  union: (x: Set<string>, y: Set<string>) => new Set([...x, ...y]),
  intersect: (x: Set<string>, y: Set<string>) => new Set([...x].filter((v) => y.has(v))),
  subtract: (x: Set<string>, y: Set<string>) => new Set([...x].filter((v) => !y.has(v))),
};

test('Region: union, intersect, subtract and box operations agree with point sets', () => {
  fc.assert(
    fc.property(regionArb, regionArb, boxArb, fc.array(fc.tuple(fc.integer({ min: 0, max: PMAX }), fc.integer({ min: 0, max: PMAX })), { maxLength: 3 }), (ra, rb, box, pl) => {
      const A = regionOf(ra as BoxSpec[]);
      const B = regionOf(rb as BoxSpec[]);
      const bx = box as BoxSpec;
      assertRegionCanonical(A.region);
      assert.deepEqual([...regionPoints(A.region)].sort(), [...A.pts].sort());
      for (const op of ['union', 'intersect', 'subtract'] as const) {
        const got = A.region[op](B.region);
        assertRegionCanonical(got);
        assert.deepEqual([...regionPoints(got)].sort(), [...setOps[op](A.pts, B.pts)].sort(), op);
      }
      const ib = A.region.intersectBox(portsOf(bx), addrsOf(bx));
      const sb = A.region.subtractBox(portsOf(bx), addrsOf(bx));
      assertRegionCanonical(ib);
      assertRegionCanonical(sb);
      assert.deepEqual([...regionPoints(ib)].sort(), [...setOps.intersect(A.pts, boxPoints(bx))].sort(), 'intersectBox');
      assert.deepEqual([...regionPoints(sb)].sort(), [...setOps.subtract(A.pts, boxPoints(bx))].sort(), 'subtractBox');
      const ports = new Set([...A.pts].map((x) => Number(x.split(',')[0])));
      assert.deepEqual(sorted(pointsOf(A.region.ports())), sorted(ports), 'ports()');
      const both = new Set([...ports, ...[...B.pts].map((x) => Number(x.split(',')[0]))]);
      assert.deepEqual(sorted(pointsOf(Region.portsOfAll([A.region, B.region, Region.EMPTY]))), sorted(both), 'portsOfAll()');
      // Whole port ranges, every address: several intervals, so a segment can lose its middle.
      const cut = build(pl);
      const onPorts = (keep: boolean) => new Set([...A.pts].filter((x) => cut.has(BigInt(x.split(',')[0]!)) === keep));
      const ip = A.region.intersectPorts(cut);
      const sp = A.region.subtractPorts(cut);
      assertRegionCanonical(ip);
      assertRegionCanonical(sp);
      assert.deepEqual([...regionPoints(ip)].sort(), [...onPorts(true)].sort(), 'intersectPorts');
      assert.deepEqual([...regionPoints(sp)].sort(), [...onPorts(false)].sort(), 'subtractPorts');
    }),
    { numRuns: 300 },
  );
});

test('Region: laws', () => {
  fc.assert(
    fc.property(regionArb, regionArb, regionArb, (ra, rb, rc) => {
      const [a, b, c] = [regionOf(ra as BoxSpec[]).region, regionOf(rb as BoxSpec[]).region, regionOf(rc as BoxSpec[]).region];
      const same = (x: Region, y: Region) => [...regionPoints(x)].sort().join(' ') === [...regionPoints(y)].sort().join(' ');
      assert.ok(same(a.union(b), b.union(a)), 'union commutes');
      assert.ok(same(a.intersect(b.union(c)), a.intersect(b).union(a.intersect(c))), 'distributes');
      assert.ok(same(a.subtract(b).union(a.intersect(b)), a), 'a splits into a - b and a ∩ b');
      assert.ok(a.subtract(a).isEmpty(), 'a - a is empty');
      assert.ok(a.subtract(b).intersect(b).isEmpty(), 'a - b misses b');
    }),
    { numRuns: 200 },
  );
});

// Dotted-quad IPv4 blocks take a direct path in parseCidr; it must agree with the general parser on every text,
// including the ones it hands over (leading zeros, octets over 255, prefixes over 32).
test('parseCidr agrees with the general parser on IPv4 texts', () => {
  const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom('256', '300', '010', '00', '0'));
  const prefix = fc.option(fc.oneof(fc.integer({ min: 0, max: 32 }).map(String), fc.constantFrom('33', '08', '00')), { nil: undefined });
  fc.assert(
    fc.property(fc.tuple(octet, octet, octet, octet), prefix, (o, p) => {
      const text = `${o.join('.')}${p === undefined ? '' : `/${p}`}`;
      const fast = parseCidr(text);
      const general = parseCidrGeneral(text);
      assert.equal(fast.ok, general.ok, text);
      if (fast.ok && general.ok) {
        assert.ok(fast.set.equals(general.set), `${text}: ${JSON.stringify(fast.set.intervals.map(String))} vs ${JSON.stringify(general.set.intervals.map(String))}`);
        assert.equal(fast.family, general.family);
      }
    }),
    { numRuns: 500 },
  );
});

// Sets keep numbers inside while every value is a safe integer and bigints beyond: the operations must agree
// with point sets in both forms and across them. An offset near 2^53 puts some sets in one form, some in the
// other and some across the boundary; 2^100 puts every set in the bigint form (IPv6).
for (const [name, offset] of [
  ['at the number-bigint boundary', (1n << 53n) - 12n],
  ['beyond it (IPv6-sized values)', 1n << 100n],
  ['at the lower boundary (large negative values)', -(1n << 53n) - 12n],
] as const) {
  test(`IntervalSet: operations agree with point sets ${name}`, () => {
    const shifted = (list: readonly (readonly [number, number])[]) => IntervalSet.fromIntervals(list.map(([a, b]) => [BigInt(a) + offset, BigInt(b) + offset] as const));
    const back = (set: IntervalSet) => points(set.intervals.map(([a, b]) => [Number(a - offset), Number(b - offset)] as const));
    const universe = IntervalSet.of(offset - 3n, offset + BigInt(MAX + 3));
    fc.assert(
      fc.property(listArb, listArb, (la, lb) => {
        const a = shifted(la);
        const b = shifted(lb);
        const pa = points(la);
        const pb = points(lb);
        for (const s of [a.union(b), a.intersect(b), a.subtract(b)]) assertCanonical(s);
        assert.deepEqual(sorted(back(a.union(b))), sorted(new Set([...pa, ...pb])));
        assert.deepEqual(sorted(back(a.intersect(b))), sorted(new Set([...pa].filter((v) => pb.has(v)))));
        assert.deepEqual(sorted(back(a.subtract(b))), sorted(new Set([...pa].filter((v) => !pb.has(v)))));
        assert.equal(a.covers(b), [...pb].every((v) => pa.has(v)));
        assert.equal(a.overlaps(b), [...pb].some((v) => pa.has(v)));
        assert.equal(a.equals(b), sorted(pa).join() === sorted(pb).join());
        for (let v = -3; v <= MAX + 3; v++) assert.equal(a.has(BigInt(v) + offset), pa.has(v), `has ${v}`);
        assert.equal(a.size(), BigInt(pa.size));
        assert.ok(universe.subtract(a.union(b)).equals(universe.subtract(a).intersect(universe.subtract(b))), 'De Morgan');
      }),
      { numRuns: 300 },
    );
  });
}

test('formatAddresses: the blocks it prints are the set, fewest blocks, and a long list is cut with "and more"', () => {
  const v4 = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 4096 }));
  fc.assert(
    // IPv6 beside the IPv4 blocks: none, a block of 2001:db8::/32 (the bigint form), or one near :: (still numbers).
    fc.property(fc.array(v4, { minLength: 1, maxLength: 4 }), fc.constantFrom('none', 'big', 'small'), (list, v6) => {
      const base = 0xffff00000000n;
      const ivs = list.map(([lo, len]) => [base + BigInt(lo), base + BigInt(Math.min(2 ** 32 - 1, lo + len))] as const);
      const extra = v6 === 'big' ? [[0x20010db8n << 96n, (0x20010db8n << 96n) + 255n] as const] : v6 === 'small' ? [[0x100n, 0x1ffn] as const] : [];
      const set = IntervalSet.fromIntervals([...ivs, ...extra]);
      const text = formatAddresses(set, 10_000);
      const blocks = text.split(', ');
      let back = IntervalSet.EMPTY;
      for (const b of blocks) {
        const p = parseCidr(b);
        assert.ok(p.ok, `${b} does not parse`);
        assert.ok(!back.overlaps(p.set), `${b} overlaps an earlier block`);
        back = back.union(p.set);
      }
      assert.ok(back.equals(set), `${text} is not the set`);
      // Fewest blocks: no block's parent (the aligned block twice its size) lies in the set, or it would have been printed instead.
      for (const b of blocks) {
        const p = parseCidr(b);
        if (!p.ok) continue;
        const lo = p.set.intervals[0]![0];
        const size = p.set.size();
        const parentLo = lo - (lo % (2n * size));
        if (size < 2n ** 32n) assert.ok(!set.covers(IntervalSet.of(parentLo, parentLo + 2n * size - 1n)), `${b} could be a block twice its size (${text})`);
      }
      const short = formatAddresses(set, 2);
      if (blocks.length > 2) assert.equal(short, `${blocks.slice(0, 2).join(', ')} and more`);
      else assert.equal(short, text);
    }),
    { numRuns: 300 },
  );
});
