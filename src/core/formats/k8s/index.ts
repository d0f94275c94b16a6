import type { CidrParse } from '../../model/addresses';
import type { Finding } from '../../model/finding';
import { indexLines, type SourceFile, type SourceRange } from '../../model/source';
import type { Format, ParseResult } from '../types';
import { buildPolicies } from './build';
import { fixAnchor, fixNetworkPolicy } from './fix';
import { isNetworkPolicy, policyNodes, readPolicy, type NetworkPolicyDoc } from './read';
import { asMap, DocContext, pairOf, readDocuments, scalarValue } from './yamlDocs';

/**
 * Kubernetes NetworkPolicy (networking.k8s.io/v1) in multi-document YAML.
 * Documents of other kinds are ignored; the semantics are in build.ts,
 * the reading of each object in read.ts, fixes in fix.ts.
 */

const KIND = /^[ \t{-]*["']?kind["']?[ \t]*:[ \t]*["']?NetworkPolicy["']?[ \t]*,?[ \t]*(?:#.*)?$/m;
const API = /^[ \t{-]*["']?apiVersion["']?[ \t]*:[ \t]*["']?networking\.k8s\.io\/v1["']?[ \t]*,?[ \t]*(?:#.*)?$/m;

function detect(file: SourceFile): number {
  const t = file.text;
  if (!KIND.test(t) || !API.test(t)) return 0;
  // Both in one document (or one List of them), not spread over unrelated ones.
  const together = t.split(/^---(?=[ \t\r\n]|$)/m).some((doc) => KIND.test(doc) && API.test(doc));
  if (!together) return 0;
  return /\.(ya?ml|json)$/i.test(file.path) ? 0.95 : 0.9;
}

function parse(file: SourceFile): ParseResult {
  const lines = indexLines(file.text);
  const diagnostics: Finding[] = [];
  const docs: NetworkPolicyDoc[] = [];
  const unreadable = new Map<string | undefined, SourceRange[]>();
  const cidrs = new Map<string, CidrParse>();
  for (const y of readDocuments(file.text, file.path, lines, diagnostics)) {
    const ctx = new DocContext(file.path, lines, y, diagnostics, cidrs);
    const root = y.doc.contents;
    if (y.broken) {
      // A NetworkPolicy we cannot read may still be applied: what it allows is unknown.
      const m = asMap(root);
      const kind = scalarValue(pairOf(m, 'kind')?.value);
      const api = scalarValue(pairOf(m, 'apiVersion')?.value);
      if (isNetworkPolicy(root) || (kind === 'NetworkPolicy' && (api === undefined || api === 'networking.k8s.io/v1'))) {
        const ns = scalarValue(pairOf(asMap(pairOf(m, 'metadata')?.value), 'namespace')?.value);
        const key = typeof ns === 'string' && ns !== '' ? ns : undefined;
        const list = unreadable.get(key) ?? [];
        list.push(ctx.range(root));
        unreadable.set(key, list);
      }
      continue;
    }
    for (const node of policyNodes(root)) docs.push(readPolicy(ctx, node));
  }
  const eol = file.text.includes('\r\n') ? '\r\n' : '\n';
  const policies = buildPolicies(docs, { file: file.path, unreadable, fixContext: (d) => fixAnchor(d, file.text, lines, eol) });
  return { policies, diagnostics };
}

export const kubernetesNetworkPolicy: Format = {
  id: 'k8s-networkpolicy',
  name: 'Kubernetes NetworkPolicy',
  detect,
  parse,
  fix: fixNetworkPolicy,
};
