import type { SourceFile } from '../model/source';
import { iptablesSave, iptablesScript } from './iptables';
import { kubernetesNetworkPolicy } from './k8s';
import type { Format } from './types';

/** Every format the linter reads. Detection is by content; the best score wins. */
export const FORMATS: readonly Format[] = [iptablesSave, iptablesScript, kubernetesNetworkPolicy];

export function detectFormat(file: SourceFile): Format | undefined {
  let best: Format | undefined;
  let score = 0;
  for (const f of FORMATS) {
    const s = f.detect(file);
    if (s > score) {
      score = s;
      best = f;
    }
  }
  return best;
}

export function formatById(id: string): Format | undefined {
  return FORMATS.find((f) => f.id === id);
}
