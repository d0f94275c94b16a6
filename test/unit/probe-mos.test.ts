import assert from 'node:assert/strict';
import { test } from 'node:test';
import { delayImpairment, effectiveEquipmentImpairment, estimateMos, mosFromR, percentile, qualityFigures, rfc3550Jitter, R_DEFAULT } from '../../src/core/probes/mos';
import { qualityOutcome } from '../../src/probes/stun/probe';

const near = (a: number, b: number, eps = 0.01): void => assert.ok(Math.abs(a - b) <= eps, `${a} is not within ${eps} of ${b}`);

test('G.107 Annex B: R to MOS at known points', () => {
  near(mosFromR(R_DEFAULT), 4.41); // the default R of 93.2: the best a narrow-band call gets
  near(mosFromR(90), 4.34);
  near(mosFromR(80), 4.02);
  near(mosFromR(70), 3.6);
  near(mosFromR(60), 3.1);
  near(mosFromR(50), 2.58);
  assert.equal(mosFromR(0), 1);
  assert.equal(mosFromR(-5), 1);
  assert.equal(mosFromR(100), 4.5);
});

test('impairments: delay has a knee at 177.3 ms, loss follows Ie-eff with Bpl 25.1', () => {
  near(delayImpairment(100), 2.4);
  near(delayImpairment(177.3), 4.2552, 0.001);
  near(delayImpairment(300), 0.024 * 300 + 0.11 * (300 - 177.3), 0.001);
  assert.equal(effectiveEquipmentImpairment(0), 0);
  near(effectiveEquipmentImpairment(1), 95 / 26.1, 0.001);
  near(effectiveEquipmentImpairment(5), (95 * 5) / 30.1, 0.001);
});

test('MOS falls with loss, delay and jitter', () => {
  const clean = estimateMos(20, 1, 0);
  assert.ok(clean > 4.3 && clean <= 4.41);
  assert.ok(estimateMos(20, 1, 5) < clean - 0.3);
  assert.ok(estimateMos(800, 1, 0) < 3.6);
  assert.ok(estimateMos(400, 1, 0) < estimateMos(100, 1, 0));
  assert.ok(estimateMos(20, 60, 0) < clean);
});

test('jitter follows RFC 3550: constant RTT is zero, alternating RTT converges toward the step', () => {
  assert.equal(rfc3550Jitter([10, 10, 10, 10]), 0);
  const alternating = Array.from({ length: 400 }, (_, i) => (i % 2 ? 30 : 10));
  near(rfc3550Jitter(alternating), 20, 0.1);
  near(rfc3550Jitter([10, 26]), 1, 1e-9);
});

test('percentiles and burst figures', () => {
  assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 10);
  const q = qualityFigures([10, 12, -1, 11, 10, 10, 10, 10, 10, 10]);
  assert.equal(q.sent, 10);
  assert.equal(q.received, 9);
  assert.equal(q.lossPercent, 10);
  assert.deepEqual(q.problems, ['loss 10 % (limit < 1 %)']);
  const lost = qualityFigures([-1, -1]);
  assert.equal(lost.mos, 1);
  assert.equal(lost.lossPercent, 100);
});

test('a burst over the jitter limit is judged only when this machine could time it', () => {
  // Alternating 5 / 95 ms: jitter far above 30 ms, no loss.
  const samples = Array.from({ length: 40 }, (_, i) => (i % 2 ? 95 : 5));
  const quiet = qualityOutcome(samples, 'udp', {}, 1);
  assert.equal(quiet.status, 'warn');
  assert.equal(quiet.cause, 'poor-quality');
  const busy = qualityOutcome(samples, 'udp', {}, 40);
  assert.equal(busy.status, 'unknown');
  assert.match(busy.summary, /not judged, this machine was too busy .* 40 ms late/);
  assert.equal(busy.evidence?.localDelayMs, 40);
  // Loss is not a timing artefact: it is judged whatever the machine's load.
  const lossy = qualityOutcome(samples.map((s, i) => (i % 4 === 0 ? -1 : s)), 'udp', {}, 40);
  assert.equal(lossy.status, 'warn');
  assert.match(lossy.summary, /loss 25 %/);
});

test('on a busy machine a figure over its limit by more than the machine\'s own lateness is judged, the rest is not', () => {
  // Around 150 ms with 60 ms steps: RTT and jitter far over their limits.
  const samples = Array.from({ length: 50 }, (_, i) => (i % 2 ? 180 : 120));
  // 12 ms late at most: neither figure can be this machine's doing.
  const both = qualityOutcome(samples, 'udp', {}, 12);
  assert.equal(both.status, 'warn');
  assert.equal(both.cause, 'poor-quality');
  assert.match(both.summary, /: RTT 120 ms \(limit < 100 ms\), jitter [\d.]+ ms \(limit < 30 ms\)$/);
  // 18 ms late: the RTT is still the path's; the jitter (57 ms) is within twice the lateness of its limit.
  const rttOnly = qualityOutcome(samples, 'udp', {}, 18);
  assert.equal(rttOnly.status, 'warn');
  assert.match(rttOnly.summary, /: RTT 120 ms \(limit < 100 ms\); jitter [\d.]+ ms not judged, this machine's event loop ran up to 18 ms late$/);
  // 25 ms late: 120 ms could be 95 ms of path and 25 ms of this machine: nothing is judged.
  const neither = qualityOutcome(samples, 'udp', {}, 25);
  assert.equal(neither.status, 'unknown');
  assert.match(neither.summary, /not judged, this machine was too busy/);
});
