// The name the extension's diagnostics carry as their source, and the Problems view's filter for them.
export const DIAGNOSTIC_SOURCE = 'opentok-readiness';
