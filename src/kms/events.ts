/**
 * The simulator's typed event stream: what the timeline, the history and the tests read.
 * Every event carries its virtual time `at` (epoch ms). The same seed and the same requests
 * give the same stream, byte for byte (xstate's inspection events are the model).
 */

/** Why a request was allowed or denied, kept outside the wire body. */
export interface Decision {
  allowed: boolean;
  /** index of the simulated KMS host that served the request */
  host: number;
  /** one sentence a learner can read: "Allowed by grant 0c23… (Decrypt) for arn:aws:iam::…:role/App" */
  summary: string;
  /** what granted or refused it */
  via:
    | { kind: 'key-policy'; sid?: string; statement: number }
    | { kind: 'identity-policy'; sid?: string; statement: number }
    | { kind: 'grant'; grantId: string }
    | { kind: 'grant-token'; grantId: string }
    | { kind: 'retiring-principal'; grantId: string }
    | { kind: 'issuing-account'; grantId: string }
    | { kind: 'explicit-deny'; policy: 'key-policy' | 'identity-policy'; sid?: string; statement: number }
    | { kind: 'none' }
    | { kind: 'not-required' };
  /** why each other candidate did not apply (statements, grants not yet at this host, constraints) */
  notes: string[];
}

export type GrantChange = 'create' | 'retire' | 'revoke';

export type SimEvent =
  | {
      type: '@kms.request';
      at: number;
      seq: number;
      requestId: string;
      operation: string;
      caller: string;
      host: number;
      status: number;
      errorType?: string;
      decision?: Decision;
    }
  | {
      type: '@kms.grant.changed';
      at: number;
      change: GrantChange;
      grantId: string;
      keyArn: string;
      grantee: string;
      operations: readonly string[];
      by: string;
      /** per host: the virtual time at which this change reaches it */
      arrivals: readonly number[];
    }
  | { type: '@kms.grant.arrived'; at: number; change: GrantChange; grantId: string; host: number }
  | { type: '@kms.key.changed'; at: number; keyArn: string; keyState: string; change: 'create' | 'enable' | 'disable' | 'schedule-deletion' | 'cancel-deletion' | 'delete' | 'policy' }
  | { type: '@kms.clock'; at: number; from: number };

export type SimEventType = SimEvent['type'];
