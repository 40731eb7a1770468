/**
 * A Session for one scenario: an in-memory simulator with the scenario's settings, the engine
 * loaded as its own chunk (as src/main.ts does), so the page paints before it arrives.
 */
import type { SimulatorOptions } from '../../kms/api';
import { Session, type EngineInfo } from '../Session.svelte';
import { deferredSimulator } from '../deferredSimulator';
import { groupsFrom } from '../operations';
import { realTimer } from '../realTimer';

const DEFAULT_START = 1_767_225_600_000;

type Engine = [typeof import('../../kms/index'), typeof import('../../kms/model/shapes.generated')];
let engine: Promise<Engine> | undefined;

function loadEngine(): Promise<Engine> {
  engine ??= Promise.all([import('../../kms/index'), import('../../kms/model/shapes.generated')]);
  return engine;
}

export interface ScenarioSession {
  session: Session;
  /** resolves once the engine is loaded and the session has caught up with it */
  ready: Promise<void>;
}

export function createScenarioSession(options: SimulatorOptions): ScenarioSession {
  const startTime = options.startTime ?? DEFAULT_START;
  const booted = loadEngine().then(async ([kms, model]) => {
    const sim = kms.createSimulator({ ...options, timer: realTimer });
    await sim.ready;
    const info: EngineInfo = {
      operationGroups: groupsFrom(kms.OPERATION_GROUPS),
      requiredMembers: (operation) => {
        const def = (model.OPERATIONS as Record<string, { input: string | null }>)[operation];
        const shape = def?.input ? model.SHAPES[def.input] : undefined;
        return shape?.type === 'structure' ? shape.required : undefined;
      },
      mutating: (operation) => kms.operationDescriptor(operation)?.mutating === true,
    };
    return { sim, info };
  });
  const sim = deferredSimulator(
    booted.then((b) => b.sim),
    startTime,
  );
  const session = new Session(sim, {
    seed: options.seed ?? 0,
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '111122223333',
    hosts: options.hosts ?? 3,
    startTime,
    principals: options.principals ?? [],
  });
  const ready = session.attach(Promise.all([booted, sim.whenLoaded]).then(([b]) => b.info)).then(() => session.refreshWorld());
  return { session, ready };
}
