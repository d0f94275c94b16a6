// What the extension does, in a LogOutputChannel the user can raise to debug level.
// Nothing is sent anywhere: the extension has no telemetry.
import * as vscode from 'vscode';

export type Log = Pick<vscode.LogOutputChannel, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'show'>;

export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('OpenTok Readiness', { log: true });
}
