import type { Finding, Fix } from '../model/finding';
import type { Policy } from '../model/policy';
import type { SourceFile } from '../model/source';
import type { Requirement } from '../requirements/types';

export interface ParseResult {
  readonly policies: readonly Policy[];
  /** Parse errors and notices, as findings at their position. */
  readonly diagnostics: readonly Finding[];
}

/** What a fixer may add: one allowed flow, in the file's own syntax. */
export interface FlowToAllow {
  readonly protocol: 'tcp' | 'udp';
  readonly ports: readonly (readonly [number, number])[];
  /** Remote address blocks, when the requirement names them. */
  readonly cidrs?: readonly string[];
  readonly direction: 'egress' | 'reply';
}

export interface FixRequest {
  readonly file: SourceFile;
  readonly policy: Policy;
  readonly requirement: Requirement;
  readonly flows: readonly FlowToAllow[];
  /** The rule or default that blocks: fixes go before it in first-match files. */
  readonly blockedAt?: Policy['range'];
}

export interface Format {
  readonly id: string;
  readonly name: string;
  /** 0 = not this format; higher wins. Decided by content, the file name only breaks ties. */
  detect(file: SourceFile): number;
  parse(file: SourceFile): ParseResult;
  fix?(request: FixRequest): Fix[];
}
