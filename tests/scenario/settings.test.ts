/**
 * settingsFromOptions: the settings of a live simulator, written so that a scenario made from
 * them replays with the same propagation delays (the engine reads a propagation without a
 * distribution as uniform, the scenario format as realistic).
 */
import { describe, expect, it } from 'vitest';
import { createSimulator, type SimulatorOptions } from '../../src/kms/index';
import { settingsFromOptions, simulatorOptions, SCENARIO_VERSION, type Scenario } from '../../src/scenario/format';

async function arrivals(options: SimulatorOptions): Promise<string> {
  const sim = createSimulator(options);
  const call = (target: string, body: unknown) =>
    sim.fetch(new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body: JSON.stringify(body) }));
  const key = (await (await call('CreateKey', {})).json()).KeyMetadata.KeyId;
  for (let i = 0; i < 5; i++) await call('CreateGrant', { KeyId: key, GranteePrincipal: 'arn:aws:iam::111122223333:role/App', Operations: ['Decrypt'] });
  sim.clock.settle();
  return JSON.stringify(sim.events);
}

describe('settingsFromOptions', () => {
  const live: SimulatorOptions = { seed: 9, accountId: '111122223333', region: 'us-east-1', startTime: Date.UTC(2026, 0, 1, 12), hosts: 3, propagation: { minMs: 500, maxMs: 8_000 } };

  it('writes the engine’s reading of a propagation without a distribution', () => {
    expect(settingsFromOptions(live).propagation).toEqual({ minMs: 500, maxMs: 8_000, distribution: 'uniform' });
  });

  it('gives a scenario that replays the live simulator’s arrival times', async () => {
    const scenario: Scenario = { v: SCENARIO_VERSION, seed: 9, settings: settingsFromOptions(live), steps: [] } as Scenario;
    expect(await arrivals(simulatorOptions(scenario))).toBe(await arrivals(live));
    // without the explicit distribution the replay would differ: the test above can fail
    const naive: Scenario = { ...scenario, settings: { ...scenario.settings, propagation: { minMs: 500, maxMs: 8_000 } } };
    expect(await arrivals(simulatorOptions(naive))).not.toBe(await arrivals(live));
  });
});
