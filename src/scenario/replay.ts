/**
 * replay(scenario): run a scenario on a fresh simulator of the real engine.
 * Determinism contract: replay(decode(encode(s))) gives the same responses and events
 * as replay(s), and the same seed gives byte-identical event traces.
 */
import { createSimulator } from '../kms/index';
import type { Scenario } from './format';
import { replayWith, type ReplayOptions, type ReplayResult } from './run';

export { buildRequest, ReplayError, type ReplayOptions, type ReplayResult, type StepResult } from './run';

export function replay(scenario: Scenario, opts?: ReplayOptions): Promise<ReplayResult> {
  return replayWith(createSimulator, scenario, opts);
}
