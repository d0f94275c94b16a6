// The command ids the manifest contributes (package.json contributes.commands).
export const SCAN_COMMAND = 'opentokReadiness.scanWorkspace';
export const SHOW_PROBLEMS_COMMAND = 'opentokReadiness.showProblems';
export const FIX_ALL_COMMAND = 'opentokReadiness.fixAll';
export const SUPPRESS_COMMAND = 'opentokReadiness.suppressWithReason';
export const SHOW_POLICY_COMMAND = 'opentokReadiness.showPolicyRequirements';
export const CONNECTIVITY_COMMAND = 'opentokReadiness.checkConnectivity';
