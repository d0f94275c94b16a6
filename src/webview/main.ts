// The connectivity panel's page. It talks to its host only through the typed messages
// of protocol.ts; in VS Code the host is src/extension/panel.ts, in tests a stand-in
// that provides acquireVsCodeApi the same way.
import type { ExportFormat, PageMessage } from './protocol';
import { isHostMessage } from './protocol';
import { dismissNotice, reduce, restoreState, selectCompare, toggleExpanded, type PanelState } from './state';
import { history, notice, pictures, remediation, rows, toolbar, verdict, type Actions } from './views';
import { h } from './dom';

interface HostApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

// Called once: VS Code throws on a second call.
const api = (globalThis as unknown as { acquireVsCodeApi: () => HostApi }).acquireVsCodeApi();
let state: PanelState = restoreState(api.getState());
const root = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
// One live region that outlives the re-renders, so screen readers hear each change once.
const live = document.body.appendChild(h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', id: 'announce' }));
document.body.insertBefore(h('h1', { class: 'visually-hidden' }, 'OpenTok connectivity'), document.body.firstChild);
let announced = '';

function announcement(s: PanelState): string {
  const main = s.phase === 'running' ? 'Probing the network.' : s.report ? `${s.report.cancelled ? 'Check cancelled. ' : ''}${s.report.verdict.headline}` : '';
  return s.notice ? `${s.notice.text} ${main}` : main;
}

function post(m: PageMessage): void {
  api.postMessage(m);
}

function update(next: PanelState): void {
  state = next;
  api.setState(state);
  schedule();
}

const actions: Actions = {
  run: () => {
    post({ type: 'run' });
  },
  cancel: () => post({ type: 'cancel' }),
  exportAs: (format: ExportFormat) => post({ type: 'export', format }),
  copy: (text, b) => {
    post({ type: 'copy', text });
    const label = b.textContent ?? '';
    b.textContent = 'Copied';
    b.setAttribute('aria-label', 'Copied to the clipboard');
    setTimeout(() => {
      b.textContent = label;
      b.removeAttribute('aria-label');
    }, 1500);
  },
  toggle: (id) => update(toggleExpanded(state, id)),
  compare: (startedAt) => update(selectCompare(state, startedAt)),
  setCredentials: () => post({ type: 'setCredentials' }),
  clearCredentials: () => post({ type: 'clearCredentials' }),
  clearHistory: () => post({ type: 'clearHistory' }),
  openSettings: () => post({ type: 'openSettings' }),
  dismiss: () => update(dismissNotice(state)),
};

let pending = false;
function schedule(): void {
  if (pending) return;
  pending = true;
  // Events stream in bursts: one render per frame.
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

function render(): void {
  // Whole sections are rebuilt; focus follows its element's key across the rebuild.
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.getAttribute('data-key') : null;
  const scroll = window.scrollY;
  const parts = [toolbar(state, actions), verdict(state), notice(state, actions), pictures(state), rows(state, actions), remediation(state, actions), history(state, actions)];
  root.replaceChildren(...parts.filter((p): p is HTMLElement => p !== undefined));
  if (focused) {
    const el = Array.from(root.querySelectorAll<HTMLElement>('[data-key]')).find((e) => e.getAttribute('data-key') === focused);
    if (el && !(el as HTMLButtonElement).disabled) el.focus();
  }
  window.scrollTo(0, scroll);
  document.body.setAttribute('data-phase', state.phase);
  const say = announcement(state);
  if (say !== announced) {
    announced = say;
    live.textContent = say;
  }
}

// Arrow keys move between probe rows, Home/End to the first and last.
root.addEventListener('keydown', (e) => {
  const t = e.target;
  if (!(t instanceof HTMLElement) || !t.classList.contains('row-toggle')) return;
  const all = Array.from(root.querySelectorAll<HTMLElement>('.row-toggle'));
  const i = all.indexOf(t);
  let j: number | undefined;
  if (e.key === 'ArrowDown') j = Math.min(all.length - 1, i + 1);
  else if (e.key === 'ArrowUp') j = Math.max(0, i - 1);
  else if (e.key === 'Home') j = 0;
  else if (e.key === 'End') j = all.length - 1;
  if (j === undefined) return;
  e.preventDefault();
  all[j]?.focus();
});

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (!isHostMessage(e.data)) return;
  update(reduce(state, e.data));
});

render();
post({ type: 'ready' });
