// The connectivity panel's HTML shell: a strict Content-Security-Policy with a fresh
// nonce, one stylesheet and one script from the extension's own folders, and nothing
// else. Pure (no `vscode`), so the policy is tested without an editor.
import { randomBytes } from 'node:crypto';

export interface PanelHtmlInput {
  /** `webview.cspSource`: the origin of the panel's local resources. */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly nonce: string;
}

/** 128 random bits, base64: a new one for every render. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

function attr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  // Nothing remote, no inline script or style, no eval: only our stylesheet and the nonce'd script.
  return [`default-src 'none'`, `style-src ${cspSource}`, `img-src ${cspSource} data:`, `font-src ${cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
}

export function panelHtml(i: PanelHtmlInput): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(i.nonce)) throw new Error('the nonce must be base64 of at least 12 bytes');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(i.cspSource, i.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(i.styleUri)}">
<title>OpenTok connectivity</title>
</head>
<body>
<main id="app" aria-label="OpenTok connectivity"></main>
<script nonce="${attr(i.nonce)}" src="${attr(i.scriptUri)}"></script>
</body>
</html>
`;
}
