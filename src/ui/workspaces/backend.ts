/**
 * What the workspace UI (WorkspaceApp) shares with the composition root and tests: the Backend
 * the lazily loaded chunks provide, the Session's view of a workspace's options, and the names
 * of settings and imported workspaces, a failure in plain words, and the check of a stored
 * workspace's options. Types only from the engine, store and scenario: what it needs of them
 * (the failure words, the options check) it loads when first asked.
 */
import type { LogEntry } from '../../kms/api';
import type { SimulatorWithEngine } from '../../kms/index';
import type { Scenario } from '../../scenario/format';
import type { DecodeResult } from '../../scenario/codec';
import type { PlaygroundStore, WorkspaceOptions } from '../../store/index';
import type { EngineInfo, HistoryEntry, Session, SessionConfig } from '../Session.svelte';
import { HISTORY_LIMIT } from './history';

export const DEFAULT_WORKSPACE_NAME = 'My workspace';
/** the setting that remembers the workspace a new tab opens */
export const CURRENT_SETTING = 'current-workspace';

/** what the lazily loaded chunks (engine, store, scenario codec) give the UI */
export interface Backend {
  storage: PlaygroundStore & { persistent: boolean; reason?: string };
  /** the workspace's simulator, loaded from the store and resumed */
  openSimulator(id: string): Promise<SimulatorWithEngine>;
  /** a simulator with no store, for rebuilding the History pane */
  scratch(options: WorkspaceOptions): SimulatorWithEngine;
  describeStoreError(e: unknown): string;
  reapplyInputs(sim: SimulatorWithEngine, entries: readonly LogEntry[], savedNow: number | undefined): Promise<Response[]>;
  /** the scenario of a `#s=` location hash (null: none) */
  fromHash(hash: string): DecodeResult | null;
  /** the options a scenario's simulator runs with */
  optionsOf(scenario: Scenario): WorkspaceOptions;
  /** runs a scenario's steps on an open simulator */
  replayInto(sim: SimulatorWithEngine, scenario: Scenario): Promise<void>;
  info: EngineInfo;
}

export interface NoticeItem {
  /** one notice per key: a newer one replaces it */
  key: string;
  kind: 'info' | 'warn' | 'error';
  text: string;
}

export interface ConflictLike extends Error {
  reason: 'changed' | 'deleted';
  unsavedFrom: number;
  savedNow: number | undefined;
}

export function isConflict(e: unknown): e is ConflictLike {
  return e instanceof Error && e.name === 'ConflictError';
}

/** what became of a simulator's reload: the session now shown and what it re-sent, or why nothing is sent */
export type Reloaded =
  | {
      session: Session;
      /** the old simulator's log from here on was re-sent (up to `upTo`) */
      unsavedFrom: number;
      upTo: number;
      /** the re-sent requests as the new session shows them, in order (undefined: beyond the History's cap) */
      resent: readonly (HistoryEntry | undefined)[];
    }
  | { refused: string };

/** the Session's view of a workspace's options (the engine's defaults where it names none) */
export function configFor(o: WorkspaceOptions, info?: EngineInfo): SessionConfig {
  return {
    seed: o.seed ?? 42,
    region: o.region ?? 'us-east-1',
    accountId: o.accountId ?? '111122223333',
    hosts: o.hosts ?? 3,
    startTime: o.startTime ?? Date.UTC(2026, 0, 1),
    principals: o.principals ?? [],
    historyLimit: HISTORY_LIMIT,
    ...(info ? { operationGroups: info.operationGroups, requiredMembers: info.requiredMembers } : {}),
  };
}

export function sameConfig(a: SessionConfig, b: SessionConfig): boolean {
  return (
    a.seed === b.seed &&
    a.region === b.region &&
    a.accountId === b.accountId &&
    a.hosts === b.hosts &&
    a.startTime === b.startTime &&
    JSON.stringify(a.principals) === JSON.stringify(b.principals)
  );
}

/**
 * A failure in plain words (./errors). Its words are a chunk of their own, loaded on the first
 * failure (the page's first load does not carry them); when even that cannot load (offline), the
 * error's own message.
 */
export function message(e: unknown): Promise<string> {
  return import('./errors').then(
    (m) => m.describeFailure(e),
    () => (e instanceof Error && e.message ? e.message : String(e)),
  );
}

/**
 * A workspace's stored options after the boundary check the store's openWorkspaceSimulator makes
 * (the simulator runs on this copy): the Session's settings and the History's replay use the same.
 * The check is loaded with the store, so this import is already there when a workspace opens.
 */
export async function checkedOptions(ws: { name: string; options: WorkspaceOptions }): Promise<WorkspaceOptions> {
  const { checkSimulatorOptions } = await import('../../scenario/validate');
  const checked = checkSimulatorOptions(ws.options, 'options');
  if (!checked.ok) throw new TypeError(`The settings saved with workspace “${ws.name}” cannot be used: ${checked.error}.`);
  return checked.value;
}
