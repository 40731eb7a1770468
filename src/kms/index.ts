/**
 * The KMS Grant Playground engine: a simulated AWS KMS that speaks the real wire protocol.
 *
 *   const sim = createSimulator({ seed: 42, propagation: { minMs: 0, maxMs: 0 } });
 *   const res = await sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', {
 *     method: 'POST',
 *     headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.CreateKey' },
 *     body: '{}',
 *   }));
 *
 * Pure and deterministic: the same options and the same requests give byte-identical
 * responses and events. Requests are served one at a time, in the order fetch was called.
 *
 * Time travel (raftscope's checkpoints/seek/fork): the simulator keeps the log of what it was
 * given (requests and clock moves, with their virtual times). `seek(t)` rebuilds the world as
 * it was at t by replaying that log into a fresh engine; the later entries are kept so seeking
 * forward again is possible, until the next request or clock move forks history there.
 *
 * This module is the engine's public API and only re-exports it: the simulator facade lives in
 * simulator/ (create.ts wires it), the contract types in api.ts, the operation descriptors in
 * operations.ts.
 */
export type {
  Simulator,
  SimulatorOptions,
  PrincipalConfig,
  PropagationOptions,
  Routing,
  VirtualClock,
  LogEntry,
  SimulatorStore,
  StoreChange,
  StoredSimulator,
  StoreName,
  EngineMeta,
  WorldState,
  KeyRecord,
  KeyState,
  GrantRecord,
  GrantConstraints,
  AliasRecord,
  Decision,
  SimEvent,
  SimEventType,
  GrantChange,
} from './api';
export { aliasRecordId } from './api';
export { Engine, DEFAULTS } from './engine';
export { KmsError } from './errors';
export { HANDLERS, OPERATION_GROUPS, SUPPORTED_OPERATIONS } from './ops/index';
export { DEFAULT_PROPAGATION } from './propagation';
export { World } from './world';
export { createMemoryStore, type MemoryStore } from './memoryStore';
export { checkInvariants } from './invariants';
export { matrixOperations, matrixRequest, MANAGEMENT_OPERATIONS } from './accessMatrix';
export type { AccessMatrix, AccessMatrixOptions, DecideOutcome, MatrixCell, MatrixChange, MatrixCause } from './accessMatrix';
export { OPERATION_DESCRIPTORS, PEEK_OPERATIONS, operationDescriptor, operationsWhere, type OperationDescriptor, type KeyStateCell, type KeyStateRow } from './operations';
export { createSimulator } from './simulator/create';
export { BODY_TIMEOUT_MS, SeekInProgressError, type CheckpointStats, type SimulatorHostOptions, type SimulatorWithEngine } from './simulator/types';
export { CHECKPOINT_RECORD_BUDGET, CHECKPOINT_RECORD_FLOOR, MAX_CHECKPOINTS, thinCheckpoints } from './simulator/checkpoints';
export { checkSnapshotResumes, simulatorHosts } from './simulator/snapshots';
