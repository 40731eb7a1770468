/**
 * The one place the lesson pages take lessons and the scenario v2 helpers from.
 */
import type { SimulatorOptions } from '../../kms/api';
import { simulatorOptions as scenarioSimulatorOptions, type Scenario } from '../../scenario/format';

export { LESSONS, lessonById } from '../../scenario/lessons/index';
export { checkExpectation, resolveReferences } from '../../scenario/expect';

export function simulatorOptions(scenario: Scenario): SimulatorOptions {
  return scenarioSimulatorOptions(scenario);
}
