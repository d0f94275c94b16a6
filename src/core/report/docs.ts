// Where each rule is documented. The catalog page is generated from the catalog
// itself (`npm run docs`), so these anchors always exist.
export const REPOSITORY_URL = 'https://github.com/opentok-readiness/opentok-readiness';
export const TOOL_NAME = 'opentok-readiness';
export const TOOL_VERSION = '0.1.0';

export function helpUri(ruleId: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/requirements.md#${ruleId}`;
}
