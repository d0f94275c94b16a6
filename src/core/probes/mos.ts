// Network quality figures from a STUN burst: loss, RTT percentiles, jitter and an
// estimated MOS by the ITU-T G.107 E-model, simplified as in Cole & Rosenbluth
// ("Voice over IP performance monitoring", 2001) and as the vendor's network test
// does for audio.

/** Thresholds people use for real-time media (NOTES.md, Microsoft 365 connectivity test). */
export const QUALITY_THRESHOLDS = { lossPercent: 1, rttMs: 100, jitterMs: 30 } as const;

/** G.107 default basic signal-to-noise ratio R0 - Is with all other defaults (section 7.7). */
export const R_DEFAULT = 93.2;

/**
 * Equipment impairment with packet loss (G.107 eq. 7-29, random loss, BurstR = 1),
 * for G.711 with packet-loss concealment: Ie = 0, Bpl = 25.1 (ITU-T G.113 Appendix I).
 */
export function effectiveEquipmentImpairment(lossPercent: number, ie = 0, bpl = 25.1): number {
  const ppl = Math.max(0, Math.min(100, lossPercent));
  return ie + ((95 - ie) * ppl) / (ppl + bpl);
}

/** Delay impairment Id for a one-way mouth-to-ear delay in ms (Cole & Rosenbluth's fit of G.107). */
export function delayImpairment(oneWayMs: number): number {
  const d = Math.max(0, oneWayMs);
  return 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
}

/** G.107 Annex B: the R factor to an estimated MOS (conversational quality). */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
}

/**
 * One-way delay for the E-model: half the RTT, plus a jitter buffer of twice the
 * jitter, plus 20 ms of packetisation (one audio frame).
 */
export function oneWayDelay(rttMs: number, jitterMs: number): number {
  return rttMs / 2 + 2 * jitterMs + 20;
}

export function rFactor(rttMs: number, jitterMs: number, lossPercent: number): number {
  return R_DEFAULT - delayImpairment(oneWayDelay(rttMs, jitterMs)) - effectiveEquipmentImpairment(lossPercent);
}

export function estimateMos(rttMs: number, jitterMs: number, lossPercent: number): number {
  return mosFromR(rFactor(rttMs, jitterMs, lossPercent));
}

/** Inter-arrival jitter as in RFC 3550 section 6.4.1: J += (|D| - J) / 16, with D the change in transit (here RTT). */
export function rfc3550Jitter(rtts: readonly number[]): number {
  let j = 0;
  for (let i = 1; i < rtts.length; i++) j += (Math.abs(rtts[i]! - rtts[i - 1]!) - j) / 16;
  return j;
}

/** Nearest-rank percentile of a list (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export interface QualityFigures {
  readonly sent: number;
  readonly received: number;
  readonly lossPercent: number;
  readonly rttP50: number;
  readonly rttP95: number;
  readonly rttMax: number;
  readonly jitterMs: number;
  readonly mos: number;
  /** Which thresholds the burst exceeds, in words. */
  readonly problems: readonly string[];
}

/** Figures from per-request RTTs in send order, `-1` for a request never answered. */
export function qualityFigures(samples: readonly number[]): QualityFigures {
  const got = samples.filter((s) => s >= 0);
  const sent = samples.length;
  const lossPercent = sent === 0 ? 100 : (100 * (sent - got.length)) / sent;
  const rttP50 = percentile(got, 50);
  const rttP95 = percentile(got, 95);
  const jitterMs = rfc3550Jitter(got);
  const mos = got.length === 0 ? 1 : estimateMos(rttP50, jitterMs, lossPercent);
  const problems: string[] = [];
  if (lossPercent >= QUALITY_THRESHOLDS.lossPercent) problems.push(`loss ${round(lossPercent)} % (limit < ${QUALITY_THRESHOLDS.lossPercent} %)`);
  if (rttP50 >= QUALITY_THRESHOLDS.rttMs) problems.push(`RTT ${round(rttP50)} ms (limit < ${QUALITY_THRESHOLDS.rttMs} ms)`);
  if (jitterMs >= QUALITY_THRESHOLDS.jitterMs) problems.push(`jitter ${round(jitterMs)} ms (limit < ${QUALITY_THRESHOLDS.jitterMs} ms)`);
  return { sent, received: got.length, lossPercent, rttP50, rttP95, rttMax: got.length ? Math.max(...got) : NaN, jitterMs, mos, problems };
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
