import type { Fix } from '../../model/finding';
import { lineIndexOf } from '../../model/source';
import type { FixRequest, FlowToAllow } from '../types';

/** iptables rule specifications that allow the missing flows, one rule per destination block. */
export function ruleSpecs(chain: string, flow: FlowToAllow): string[] {
  if (flow.direction === 'reply') {
    // One conntrack rule admits the replies to every connection the host opened.
    return [`${chain} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`];
  }
  const ports = flow.ports.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}:${hi}`));
  const portMatch = ports.length === 1 ? `-m ${flow.protocol} --dport ${ports[0]}` : `-m multiport --dports ${ports.join(',')}`;
  const dests = flow.cidrs && flow.cidrs.length > 0 ? flow.cidrs.map((c) => ` -d ${c}`) : [''];
  return dests.map((d) => `${chain} -p ${flow.protocol}${d} ${portMatch} -j ACCEPT`);
}

function uniqueSpecs(req: FixRequest): string[] {
  return [...new Set(req.flows.flatMap((f) => ruleSpecs(req.policy.entry, f)))];
}

/** For iptables-save files: the new rules go first in their chain, so they decide before any DROP. */
export function fixIptablesSave(req: FixRequest): Fix[] {
  const ctx = req.policy.fixContext ?? {};
  const lines = lineIndexOf(req.file.text);
  const before = (ctx[`first:${req.policy.entry}`] ?? ctx['commitLine']) as number | undefined;
  if (before === undefined) return [];
  const specs = uniqueSpecs(req).map((s) => `-A ${s}`);
  const at = { line: before, column: 1 };
  const eol = req.file.text.includes('\r\n') ? '\r\n' : '\n';
  void lines;
  return [
    {
      title: `Allow ${flowTitle(req)}: add ${specs.length === 1 ? `"${specs[0]}"` : `${specs.length} rules`} at the top of ${req.policy.entry}`,
      edits: [{ file: req.file.path, range: { start: at, end: at }, newText: specs.map((s) => s + eol).join('') }],
      preferred: true,
    },
  ];
}

/** For scripts: an `-I CHAIN 1` command after the script's last iptables command puts the rule first. */
export function fixIptablesScript(req: FixRequest): Fix[] {
  const ctx = req.policy.fixContext ?? {};
  const family = req.policy.family;
  const last = ctx[`last:${family}`] as number | undefined;
  if (last === undefined) return [];
  const program = (ctx[`program:${family}`] as string | undefined) ?? (family === 'ipv6' ? 'ip6tables' : 'iptables');
  const indent = (ctx[`indent:${family}`] as string | undefined) ?? '';
  const lines = lineIndexOf(req.file.text);
  const eol = req.file.text.includes('\r\n') ? '\r\n' : '\n';
  const specs = uniqueSpecs(req).map((s) => {
    const [chain, ...rest] = s.split(' ');
    return `${program} -I ${chain} 1 ${rest.join(' ')}`;
  });
  const end = { line: last, column: lines.lineText(last).length + 1 };
  return [
    {
      title: `Allow ${flowTitle(req)}: insert ${specs.length === 1 ? `"${specs[0]}"` : `${specs.length} rules`} at the top of ${req.policy.entry}`,
      edits: [{ file: req.file.path, range: { start: end, end }, newText: specs.map((s) => eol + indent + s).join('') }],
      preferred: true,
    },
  ];
}

function flowTitle(req: FixRequest): string {
  if (req.flows.every((f) => f.direction === 'reply')) return 'replies to connections this host opens';
  return req.flows
    .map((f) => `${f.protocol.toUpperCase()} ${f.ports.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ')}`)
    .join(' and ');
}
