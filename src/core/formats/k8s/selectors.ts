/**
 * Kubernetes label selectors (metav1.LabelSelector): matchLabels and
 * matchExpressions, ANDed. Two questions decide how NetworkPolicies in one
 * namespace combine: does every pod one selector picks also match another
 * (then the other policy certainly applies to those pods), and can no pod
 * match both (then it never does). Anything in between is "may apply".
 * The answers are conservative: when in doubt, "may".
 */

export type SelectorOp = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelRequirement {
  readonly key: string;
  readonly op: SelectorOp;
  /** Sorted, for In and NotIn. */
  readonly values: readonly string[];
}

export interface Selector {
  /** Sorted by key, then operator; empty = every pod. */
  readonly requirements: readonly LabelRequirement[];
  /** Equal keys mean equal selectors. */
  readonly key: string;
  /** In kubectl's selector syntax: "app=web,tier in (a,b)". Empty for every pod. */
  readonly text: string;
  /** Set when part of the selector could not be read: it then implies nothing and may overlap anything. */
  readonly unreadable?: string;
}

export function makeSelector(reqs: LabelRequirement[], unreadable?: string): Selector {
  const requirements = [...reqs]
    .map((r) => ({ ...r, values: [...new Set(r.values)].sort() }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.op < b.op ? -1 : a.op > b.op ? 1 : 0));
  const text = requirements.map(requirementText).join(',');
  const key = unreadable ? `?${unreadable}` : JSON.stringify(requirements.map((r) => [r.key, r.op, r.values]));
  return unreadable ? { requirements, key, text, unreadable } : { requirements, key, text };
}

function requirementText(r: LabelRequirement): string {
  switch (r.op) {
    case 'In':
      return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
    case 'NotIn':
      return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(',')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
  }
}

/** "pods matching app=web" or "all pods". */
export function describePods(s: Selector): string {
  if (s.unreadable) return 'the pods of a selector that could not be read';
  return s.requirements.length === 0 ? 'all pods' : `pods matching ${s.text}`;
}

/** Whether a pod satisfying `a` certainly satisfies `b`. */
function implies(a: LabelRequirement, b: LabelRequirement): boolean {
  if (a.key !== b.key) return false;
  switch (b.op) {
    case 'Exists':
      return a.op === 'In' ? a.values.length > 0 : a.op === 'Exists';
    case 'DoesNotExist':
      return a.op === 'DoesNotExist';
    case 'In':
      return a.op === 'In' && a.values.every((v) => b.values.includes(v));
    case 'NotIn':
      if (a.op === 'DoesNotExist') return true;
      if (a.op === 'In') return a.values.every((v) => !b.values.includes(v));
      if (a.op === 'NotIn') return b.values.every((v) => a.values.includes(v));
      return false;
  }
}

/** Whether no pod can satisfy both. */
function contradicts(a: LabelRequirement, b: LabelRequirement): boolean {
  if (a.key !== b.key) return false;
  const has = (r: LabelRequirement) => r.op === 'Exists' || r.op === 'In';
  if (has(a) && b.op === 'DoesNotExist') return true;
  if (has(b) && a.op === 'DoesNotExist') return true;
  if (a.op === 'In' && b.op === 'In') return !a.values.some((v) => b.values.includes(v));
  if (a.op === 'In' && b.op === 'NotIn') return a.values.every((v) => b.values.includes(v));
  if (a.op === 'NotIn' && b.op === 'In') return b.values.every((v) => a.values.includes(v));
  return false;
}

export type Relation = 'subset' | 'disjoint' | 'overlap';

/** How the pods of `a` relate to those of `b`: all of them match `b`, none do, or some may. */
export function relate(a: Selector, b: Selector): Relation {
  if (a.key === b.key && !a.unreadable) return 'subset';
  if (a.unreadable || b.unreadable) return 'overlap';
  if (b.requirements.every((rb) => a.requirements.some((ra) => implies(ra, rb)))) return 'subset';
  if (a.requirements.some((ra) => b.requirements.some((rb) => contradicts(ra, rb)))) return 'disjoint';
  return 'overlap';
}
