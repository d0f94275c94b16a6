// The panel's sections, rendered from the state. Builds DOM nodes only (see dom.ts).
import type { EvidenceValue, ProbeResult } from '../core/probes/types';
import type { Problem } from '../core/probes/verdict';
import { h, s, type Child } from './dom';
import { diffRuns, historyEntryOf, summarizeDiff } from './history';
import { EXPORT_FORMATS, type ExportFormat, type HistoryEntry, type LintPortRange } from './protocol';
import { chartGeometry, mediaLanes, mergeRanges, PORT_MAX, PORT_TICKS, portMarkers, portX, rangeRect, signallingLane, type Lane, type PortMarker, type SignallingLane } from './pictures';
import { progressOf, type PanelState, type Row, type RowStatus } from './state';

export interface Actions {
  run(): void;
  cancel(): void;
  exportAs(format: ExportFormat): void;
  copy(text: string, button: HTMLButtonElement): void;
  toggle(id: string): void;
  compare(startedAt: string | undefined): void;
  setCredentials(): void;
  clearCredentials(): void;
  clearHistory(): void;
  openSettings(): void;
  dismiss(): void;
}

const STATUS_TEXT: Readonly<Record<RowStatus, string>> = {
  pending: 'pending',
  running: 'running',
  pass: 'pass',
  warn: 'warn',
  fail: 'fail',
  unknown: 'unknown',
  skipped: 'skipped',
};
const STATUS_ICON: Readonly<Record<RowStatus, string>> = { pending: '○', running: '◌', pass: '✓', warn: '!', fail: '✗', unknown: '?', skipped: '–' };
const FORMAT_NAME: Readonly<Record<ExportFormat, string>> = { markdown: 'Markdown', json: 'JSON', html: 'HTML' };

function button(label: string, onClick: () => void, attrs: Record<string, string | boolean | undefined> = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', onClick);
  return b;
}

export function toolbar(state: PanelState, a: Actions): HTMLElement {
  const running = state.phase === 'running';
  const hasReport = state.report !== undefined;
  return h(
    'div',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Connectivity check' },
    button(hasReport || state.rows.length ? 'Run again' : 'Run', a.run, { 'data-key': 'run', class: 'primary', disabled: running }),
    button('Cancel', a.cancel, { 'data-key': 'cancel', disabled: !running }),
    h('span', { class: 'sep', 'aria-hidden': 'true' }),
    h('span', { class: 'group-label', id: 'export-label' }, 'Export'),
    h(
      'span',
      { role: 'group', 'aria-labelledby': 'export-label', class: 'group' },
      EXPORT_FORMATS.map((f) => button(FORMAT_NAME[f], () => a.exportAs(f), { 'data-key': `export-${f}`, 'data-format': f, disabled: !hasReport || running, 'aria-label': `Export the report as ${FORMAT_NAME[f]}` })),
    ),
    h('span', { class: 'sep', 'aria-hidden': 'true' }),
    state.credentials
      ? button('Forget TURN credentials', a.clearCredentials, { 'data-key': 'creds' })
      : button('TURN credentials…', a.setCredentials, { 'data-key': 'creds', title: 'Kept in VS Code\'s secret storage, never in settings or reports' }),
    button('Settings', a.openSettings, { 'data-key': 'settings' }),
  );
}

export function verdict(state: PanelState): HTMLElement {
  const p = progressOf(state);
  if (state.phase === 'running') {
    return h(
      'section',
      { class: 'verdict running', 'data-level': 'running' },
      h('span', { class: 'badge' }, 'probing'),
      h('span', { class: 'headline' }, `Probing the network: ${p.done} of ${p.total} probes done${p.running ? `, ${p.running} running` : ''}…`),
      h('progress', { max: Math.max(1, p.total), value: p.done, 'aria-label': 'Probes done' }),
    );
  }
  const r = state.report;
  if (!r) {
    return h(
      'section',
      { class: 'verdict idle', 'data-level': 'idle' },
      h('span', { class: 'headline' }, 'No check has run yet: press Run to probe DNS, TCP, TLS, HTTPS, WebSocket, the proxy, STUN and TURN from this machine.'),
    );
  }
  const v = r.verdict;
  return h(
    'section',
    { class: `verdict ${v.level}`, 'data-level': v.level },
    h('span', { class: 'badge' }, v.level),
    h('span', { class: 'headline', id: 'headline' }, v.headline),
    h(
      'p',
      { class: 'meta' },
      `${r.results.length} probes in ${(r.durationMs / 1000).toFixed(1)} s: ${v.counts.pass} pass, ${v.counts.warn} warn, ${v.counts.fail} fail, ${v.counts.unknown} unknown, ${v.counts.skipped} skipped${r.cancelled ? ' (cancelled)' : ''}. Started ${new Date(r.startedAt).toLocaleString()}${r.proxy ? `; proxy ${r.proxy}` : ''}.`,
    ),
  );
}

export function notice(state: PanelState, a: Actions): HTMLElement | undefined {
  const n = state.notice;
  if (!n) return undefined;
  return h('div', { class: `notice ${n.kind}`, 'data-kind': n.kind }, h('span', {}, n.text), button('Dismiss', a.dismiss, { 'data-key': 'dismiss', class: 'link' }));
}

// ---- pictures ----

const BAR_W = 600;
const BAR_H = 18;

function portMap(protocol: 'tcp' | 'udp', markers: readonly PortMarker[], blocked: readonly LintPortRange[]): SVGElement {
  const name = protocol.toUpperCase();
  const merged = mergeRanges(blocked);
  const W = BAR_W + 20;
  const top = 16;
  const desc = `${name} ports 1-65535. ${merged.length ? `Blocked by the linted configurations: ${merged.map((r) => (r.from === r.to ? r.from : `${r.from}-${r.to}`)).join(', ')}.` : 'No blocked range in the linted configurations.'} ${markers.length ? `Probed: ${markers.map((m) => `${m.port} ${m.status}`).join(', ')}.` : 'No port probed.'}`;
  return s(
    'svg',
    { class: 'portmap', 'data-protocol': protocol, viewBox: `0 0 ${W} 58`, width: '100%', role: 'img', 'aria-label': desc },
    s('title', {}, desc),
    s('text', { x: 0, y: 11, class: 'axis-title' }, `${name} 1-65535`),
    s(
      'g',
      { transform: `translate(10 ${top})` },
      s('rect', { x: 0, y: 0, width: BAR_W, height: BAR_H, class: 'bar allowed' }),
      merged.map((r) => {
        const g = rangeRect(r.from, r.to, BAR_W);
        return s('rect', { x: g.x.toFixed(1), y: 0, width: g.width.toFixed(1), height: BAR_H, class: 'bar blocked', 'data-from': r.from, 'data-to': r.to }, s('title', {}, `${name} ${r.from === r.to ? r.from : `${r.from}-${r.to}`} blocked: ${r.why}`));
      }),
      markers.map((m) => {
        const x = portX(m.port, BAR_W).toFixed(1);
        return s(
          'g',
          { class: `marker ${m.status}`, 'data-port': m.port },
          s('line', { x1: x, x2: x, y1: -3, y2: BAR_H + 3 }),
          s('circle', { cx: x, cy: BAR_H / 2, r: 4 }),
          s('title', {}, `${name} ${m.port}: ${m.status} (${m.labels.join('; ')})`),
        );
      }),
      PORT_TICKS.map((p) => {
        const x = p === PORT_MAX ? BAR_W : portX(p, BAR_W);
        return s('g', { class: 'tick' }, s('line', { x1: x.toFixed(1), x2: x.toFixed(1), y1: BAR_H, y2: BAR_H + 4 }), s('text', { x: x.toFixed(1), y: BAR_H + 15, 'text-anchor': p === 1 ? 'start' : p === PORT_MAX ? 'end' : 'middle' }, String(p)));
      }),
    ),
  );
}

const LANE_WORD: Readonly<Record<Lane['state'], string>> = { works: 'works', partial: 'partly works', blocked: 'blocked', running: 'probing', untested: 'not probed' };

function pathDiagram(signalling: SignallingLane, lanes: readonly Lane[], viaProxy: boolean): SVGElement {
  const W = 620;
  const laneH = 30;
  const H = (lanes.length + 1) * laneH + 14;
  const left = 110;
  const right = W - 120;
  const desc = `Signalling and API over TCP 443: ${LANE_WORD[signalling.state]}${signalling.proxy ? ` through the proxy ${signalling.proxy}` : ''}. Media paths: ${lanes.map((l) => `${l.label} ${LANE_WORD[l.state]}${l.chosen ? ' (in use)' : ''}${l.viaProxy ? ' via proxy' : ''}`).join('; ')}.`;
  const proxyBox = (y: number): SVGElement[] => [
    s('rect', { x: (left + right) / 2 - 24, y: y - 9, width: 48, height: 18, rx: 3, class: 'proxy' }),
    s('text', { x: (left + right) / 2, y: y + 4, 'text-anchor': 'middle', class: 'proxy-label' }, 'proxy'),
  ];
  const sigY = 5 + laneH / 2;
  return s(
    'svg',
    { class: 'paths', viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': desc },
    s('title', {}, desc),
    s('rect', { x: 0, y: 5, width: left - 10, height: H - 10, rx: 4, class: 'node' }),
    s('text', { x: (left - 10) / 2, y: H / 2 + 4, 'text-anchor': 'middle', class: 'node-label' }, 'This machine'),
    s('rect', { x: right + 10, y: 5, width: W - right - 10, height: H - 10, rx: 4, class: 'node' }),
    s('text', { x: (right + 10 + W) / 2, y: H / 2 + 4, 'text-anchor': 'middle', class: 'node-label' }, 'Platform'),
    s(
      'g',
      { class: `lane signalling ${signalling.state}`, 'data-path': 'signalling', 'data-state': signalling.state },
      s('line', { x1: left, x2: right, y1: sigY, y2: sigY }),
      signalling.proxy ? proxyBox(sigY) : null,
      s('text', { x: left + 6, y: sigY - 5, class: 'lane-label' }, 'Signalling and API (TCP 443)'),
      s('text', { x: right - 6, y: sigY - 5, 'text-anchor': 'end', class: 'lane-state' }, LANE_WORD[signalling.state]),
    ),
    s('line', { x1: left, x2: right, y1: 5 + laneH + 2, y2: 5 + laneH + 2, class: 'divider' }),
    lanes.map((l, i) => {
      const y = 9 + (i + 1) * laneH + laneH / 2;
      const proxied = l.viaProxy || (viaProxy && l.chosen && (l.path === 'turn-tcp' || l.path === 'turn-tls'));
      return s(
        'g',
        { class: `lane ${l.state}${l.chosen ? ' chosen' : ''}`, 'data-path': l.path, 'data-state': l.state },
        s('line', { x1: left, x2: right, y1: y, y2: y }),
        proxied ? proxyBox(y) : null,
        s('text', { x: left + 6, y: y - 5, class: 'lane-label' }, `${l.label}${l.chosen ? ' — in use' : ''}`),
        s('text', { x: right - 6, y: y - 5, 'text-anchor': 'end', class: 'lane-state' }, LANE_WORD[l.state]),
      );
    }),
  );
}

function qualityChart(result: ProbeResult): HTMLElement {
  const W = 600;
  const H = 120;
  const samples = result.samples ?? [];
  const g = chartGeometry(samples, W, H);
  const ev = result.evidence;
  const num = (k: string): string => (typeof ev[k] === 'number' ? String(ev[k]) : '?');
  const figures = `loss ${num('lossPercent')} %, RTT p50 ${num('rttP50')} ms, p95 ${num('rttP95')} ms, jitter ${num('jitterMs')} ms, MOS ${num('mos')}`;
  const desc = `Quality burst: ${g.received} of ${g.sent} answered; ${figures}. Thresholds: loss below 1 %, RTT below 100 ms, jitter below 30 ms.`;
  return h(
    'figure',
    { class: 'chart' },
    s(
      'svg',
      { viewBox: `-40 -10 ${W + 120} ${H + 30}`, width: '100%', role: 'img', 'aria-label': desc, class: 'quality' },
      s('title', {}, desc),
      s('line', { x1: 0, x2: W, y1: H, y2: H, class: 'axis' }),
      s('line', { x1: 0, x2: 0, y1: 0, y2: H, class: 'axis' }),
      s('text', { x: -4, y: 4, 'text-anchor': 'end', class: 'tick-label' }, `${g.maxMs} ms`),
      s('text', { x: -4, y: H, 'text-anchor': 'end', class: 'tick-label' }, '0'),
      s('line', { x1: 0, x2: W, y1: H / 2, y2: H / 2, class: 'grid' }),
      s('text', { x: -4, y: H / 2 + 4, 'text-anchor': 'end', class: 'tick-label' }, `${g.maxMs / 2}`),
      g.limits.map((l) => [s('line', { x1: 0, x2: W, y1: l.y.toFixed(1), y2: l.y.toFixed(1), class: 'limit' }), s('text', { x: W + 4, y: (l.y + 3).toFixed(1), class: 'limit-label' }, l.label)]),
      g.rtt ? s('polyline', { points: g.rtt, class: 'rtt' }) : null,
      g.jitter ? s('polyline', { points: g.jitter, class: 'jitter' }) : null,
      g.lost.map((x) => s('line', { x1: x.toFixed(1), x2: x.toFixed(1), y1: H - 8, y2: H, class: 'lost' })),
      s('text', { x: 0, y: H + 16, class: 'tick-label' }, 'request 1'),
      s('text', { x: W, y: H + 16, 'text-anchor': 'end', class: 'tick-label' }, `request ${g.sent}`),
    ),
    h('figcaption', {}, h('span', { class: 'key rtt' }, 'RTT'), ' ', h('span', { class: 'key jitter' }, 'jitter'), ' ', h('span', { class: 'key lost' }, 'lost'), ` — ${figures} (${String(ev.transport ?? 'udp').toUpperCase()}).`),
  );
}

export function pictures(state: PanelState): HTMLElement | undefined {
  if (state.rows.length === 0 && state.lint.tcp.length === 0 && state.lint.udp.length === 0) return undefined;
  const markers = portMarkers(state.rows);
  const lanes = mediaLanes(state.rows, state.report?.verdict.path);
  const quality = state.rows.find((r) => r.spec.kind === 'quality')?.result;
  return h(
    'section',
    { class: 'pictures', 'aria-labelledby': 'pictures-title' },
    h('h2', { id: 'pictures-title' }, 'At a glance'),
    h(
      'div',
      { class: 'picture' },
      h('h3', {}, 'Port map'),
      h('p', { class: 'legend' }, h('span', { class: 'key allowed' }, state.lint.files ? 'allowed' : 'not blocked by a linted file'), ' ', h('span', { class: 'key blocked' }, state.lint.files ? `blocked by the linted configurations (${state.lint.files} file${state.lint.files === 1 ? '' : 's'})` : 'blocked (open or scan firewall files to see their ranges)'), ' ', h('span', { class: 'key pass' }, 'probe passed'), ' ', h('span', { class: 'key fail' }, 'probe failed'), ' — logarithmic scale'),
      portMap('tcp', markers.tcp, state.lint.tcp),
      portMap('udp', markers.udp, state.lint.udp),
    ),
    h('div', { class: 'picture' }, h('h3', {}, 'Paths'), pathDiagram(signallingLane(state.rows), lanes, state.report?.verdict.viaProxy ?? false)),
    quality?.samples?.length ? h('div', { class: 'picture' }, h('h3', {}, 'Quality burst'), qualityChart(quality)) : null,
  );
}

// ---- rows ----

function evidenceValue(v: EvidenceValue): string {
  return Array.isArray(v) ? v.join(', ') : String(v);
}

function rowView(row: Row, expanded: boolean, a: Actions): HTMLElement {
  const r = row.result;
  const id = row.spec.id;
  const panelId = `evidence-${cssId(id)}`;
  const toggle = button(row.spec.label, () => a.toggle(id), { class: 'row-toggle', 'aria-expanded': expanded ? 'true' : 'false', 'aria-controls': panelId, 'data-key': `row:${id}`, 'data-row': id });
  return h(
    'li',
    { class: `row ${row.status}`, 'data-id': id, 'data-status': row.status },
    h(
      'div',
      { class: 'row-head' },
      h('span', { class: 'status', 'aria-label': STATUS_TEXT[row.status] }, h('span', { class: 'icon', 'aria-hidden': 'true' }, STATUS_ICON[row.status]), ' ', STATUS_TEXT[row.status]),
      toggle,
      h('span', { class: 'summary' }, r ? r.summary : row.status === 'running' ? 'running…' : ''),
      h('span', { class: 'time' }, r ? `${Math.round(r.durationMs)} ms` : ''),
    ),
    expanded
      ? h(
          'div',
          { class: 'evidence', id: panelId, role: 'region', 'aria-label': `Evidence of ${row.spec.label}` },
          h(
            'dl',
            {},
            row.spec.requirementId ? [h('dt', {}, 'requirement'), h('dd', {}, row.spec.requirementId)] : null,
            r?.cause ? [h('dt', {}, 'cause'), h('dd', {}, r.cause)] : null,
            row.spec.viaProxy ? [h('dt', {}, 'via proxy'), h('dd', {}, row.spec.viaProxy)] : null,
            r ? Object.entries(r.evidence).map(([k, v]) => [h('dt', {}, k), h('dd', {}, evidenceValue(v))]) : h('dd', {}, 'no result yet'),
          ),
        )
      : null,
  );
}

/** An id usable in an attribute from any probe id (the probe id itself may carry anything). */
export function cssId(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return `${id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}-${hash.toString(36)}`;
}

export function rows(state: PanelState, a: Actions): HTMLElement | undefined {
  if (state.rows.length === 0) return undefined;
  return h(
    'section',
    { class: 'probes', 'aria-labelledby': 'probes-title' },
    h('h2', { id: 'probes-title' }, 'Probes'),
    h('p', { class: 'hint' }, 'Enter or Space on a probe opens its evidence; the arrow keys move between probes.'),
    h('ul', { class: 'rows', id: 'rows' }, state.rows.map((row) => rowView(row, state.expanded.includes(row.spec.id), a))),
  );
}

// ---- remediation ----

function problemView(p: Problem, i: number, a: Actions): HTMLElement {
  return h(
    'li',
    { class: `problem ${p.severity}` },
    h('p', {}, h('strong', { class: 'severity' }, p.severity), ' ', p.message, p.requirementId ? [' ', h('code', {}, p.requirementId)] : null),
    p.citation ? h('p', { class: 'citation' }, `${p.citation.source}: “${p.citation.fact}”`) : null,
    p.remediation
      ? [
          h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), p.remediation.text),
          p.remediation.snippets.map((sn, j) => {
            const copy = button(`Copy ${sn.format}`, () => a.copy(sn.code, copy), { class: 'copy', 'data-key': `copy-${i}-${j}`, 'aria-label': `Copy the ${sn.format} snippet` });
            return h('div', { class: 'snippet' }, h('div', { class: 'snippet-head' }, h('span', {}, sn.format), copy), h('pre', { 'data-format': sn.format, tabindex: 0 }, h('code', {}, sn.code)));
          }),
        ]
      : null,
  );
}

export function remediation(state: PanelState, a: Actions): HTMLElement | undefined {
  const v = state.report?.verdict;
  if (!v || (v.problems.length === 0 && v.reconciliation.length === 0)) return undefined;
  return h(
    'section',
    { class: 'remediation', 'aria-labelledby': 'fix-title' },
    v.problems.length ? [h('h2', { id: 'fix-title' }, 'What to change'), h('ul', { class: 'problems' }, v.problems.map((p, i) => problemView(p, i, a)))] : null,
    v.reconciliation.length
      ? [h('h2', { id: v.problems.length ? 'recon-title' : 'fix-title' }, 'Configuration versus probes'), h('ul', { class: 'reconciliation' }, v.reconciliation.map((l) => h('li', {}, l)))]
      : null,
  );
}

// ---- history ----

function entryName(e: HistoryEntry): string {
  return `${new Date(e.startedAt).toLocaleString()} — ${e.level}${e.cancelled ? ' (cancelled)' : ''}`;
}

export function history(state: PanelState, a: Actions): HTMLElement | undefined {
  const current = state.report ? historyEntryOf(state.report) : undefined;
  const earlier = state.history.filter((e) => e.startedAt !== current?.startedAt);
  if (earlier.length === 0) return undefined;
  const select = h(
    'select',
    { id: 'compare', 'data-key': 'compare', 'aria-label': 'Compare with an earlier run' },
    h('option', { value: '' }, 'Compare with…'),
    earlier.map((e) => h('option', { value: e.startedAt, selected: e.startedAt === state.compareWith }, entryName(e))),
  );
  select.addEventListener('change', () => a.compare(select.value || undefined));
  const chosen = earlier.find((e) => e.startedAt === state.compareWith);
  let body: Child = null;
  if (chosen && current) {
    const diff = diffRuns(current.results, chosen.results);
    body = [
      h('p', { class: 'diff-summary' }, `Against ${entryName(chosen)}: ${summarizeDiff(diff)}.`, h('br'), h('span', { class: 'was' }, `Then: ${chosen.headline}`)),
      h(
        'table',
        { class: 'diff' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Probe'), h('th', { scope: 'col' }, 'Then'), h('th', { scope: 'col' }, 'Now'), h('th', { scope: 'col' }, 'Change'))),
        h('tbody', {}, diff.map((d) => h('tr', { class: `change ${d.change}`, 'data-change': d.change }, h('td', {}, d.label), h('td', { class: d.before ?? '' }, d.before ?? '—'), h('td', { class: d.after ?? '' }, d.after ?? '—'), h('td', {}, d.change)))),
      ),
    ];
  } else if (chosen) body = h('p', {}, 'Run the check to compare with this run.');
  return h(
    'section',
    { class: 'history', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'Earlier runs'),
    h('ol', { class: 'runs' }, earlier.slice(0, 8).map((e) => h('li', { class: e.level }, h('span', { class: 'badge' }, e.level), ' ', `${new Date(e.startedAt).toLocaleString()}: ${e.headline}`))),
    h('div', { class: 'compare' }, select, button('Clear history', a.clearHistory, { 'data-key': 'clear-history', class: 'link' })),
    body,
  );
}
