/**
 * The shapes a Session and its parts share with the rest of the UI (and the store's side:
 * WorkspaceApp keeps drafts and history entries, and guards what is sent).
 */
import type { PrincipalConfig } from '../../kms/api';
import type { OperationGroup } from '../operations';
import type { WireResponse } from '../wire';

export interface SessionConfig {
  seed: number;
  region: string;
  accountId: string;
  hosts: number;
  startTime: number;
  principals: readonly PrincipalConfig[];
  /** every operation the simulator speaks, grouped for the X-Amz-Target picker (may come later: setEngineInfo) */
  operationGroups?: readonly OperationGroup[];
  /** required input members per operation (from the API model), for generic templates */
  requiredMembers?: (operation: string) => readonly string[] | undefined;
  /** the most entries `history` holds (the latest; older ones are dropped): none by default */
  historyLimit?: number;
  /** does a successful call change the account (the engine's operation descriptors say; see session/mutating.ts) */
  mutating?: (operation: string) => boolean;
}

/** what the engine's modules tell the UI once they have loaded */
export interface EngineInfo {
  operationGroups: readonly OperationGroup[];
  requiredMembers?: (operation: string) => readonly string[] | undefined;
  /** does a successful call change the account: the engine's operation descriptors' `mutating` (see session/mutating.ts) */
  mutating?: (operation: string) => boolean;
}

export interface SentRequest {
  operation: string;
  callerArn: string;
  body: string;
  /** the host the request was pinned to, if any */
  host?: number;
  /** aws:SourceArn the request carried (service callers only) */
  sourceArn?: string;
}

/** the request being edited, as kept per workspace across reloads (WorkspaceApp saves and restores it) */
export interface Draft {
  target: string;
  body: string;
  callerArn: string;
  /** the host the request is pinned to ("Served by"), if any */
  host?: number;
  /** aws:SourceArn for a service caller ('' for none) */
  sourceArn: string;
}

export interface HistoryEntry extends SentRequest {
  /**
   * 1-based number of the request in the whole history, kept when earlier entries are dropped
   * (historyLimit) or were never restored (`restoreHistory`'s `earlier`)
   */
  readonly n: number;
  /** virtual time at which it was sent */
  readonly sentAt: number;
  readonly response?: WireResponse;
  /** the simulator threw instead of answering: a playground bug, shown as such */
  readonly failure?: string;
  /** not sent, and not in the history: why (SendGuard; also shown as the session's notice) */
  readonly refused?: string;
}

/** what a redirect needs of the session that takes a request over (a Session is one) */
export interface RequestTaker {
  readonly sender: { run(req: SentRequest, hops?: number): Promise<HistoryEntry> };
}

/** where a request goes instead of this session's simulator (SendGuard) */
export type SendRedirect =
  /** send it there instead (the session that replaced this one) */
  | { session: RequestTaker }
  /** it was sent again elsewhere, and this is what is shown for it (its saved answer) */
  | { entry: HistoryEntry }
  /** not sent, or not shown: why, in plain words */
  | { refused: string };

/**
 * A Session's link to the store's side (WorkspaceApp gives one to each session it shows): a
 * request is answered only by a simulator whose workspace may take it, and shown only once it
 * was saved. Without a guard every answer is shown.
 */
export interface SendGuard {
  /** just before a request goes to the simulator (nothing is awaited between the two): undefined to send it, else where it goes */
  before(): Promise<SendRedirect> | undefined;
  /** once the simulator answered it: undefined when it was saved (show it), else what to show instead */
  after(): Promise<SendRedirect> | undefined;
}
