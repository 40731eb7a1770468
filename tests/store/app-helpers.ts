/**
 * A WorkspaceApp on a given store, as the playground boots it, for the store tests that drive the
 * UI's side of persistence (two tabs racing, import failures, the History cap).
 */
import { expect } from 'vitest';
import { createSimulator, OPERATION_GROUPS } from '../../src/kms/index';
import { describeStoreError, openWorkspaceSimulator, reapplyInputs, type PlaygroundStore, type WorkspaceOptions } from '../../src/store/index';
import { scenarioFromHash } from '../../src/scenario/codec';
import { simulatorOptions } from '../../src/scenario/format';
import { replayWith } from '../../src/scenario/run';
import { groupsFrom } from '../../src/ui/operations';
import type { Session } from '../../src/ui/Session.svelte';
import { WorkspaceApp, type Backend } from '../../src/ui/workspaces/WorkspaceApp.svelte';

export const START = Date.UTC(2026, 0, 1, 12);
export const ACCOUNT = '111122223333';
export const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
export const OPTIONS: WorkspaceOptions = {
  seed: 7,
  region: 'us-east-1',
  accountId: ACCOUNT,
  startTime: START,
  propagation: { minMs: 500, maxMs: 8000 },
  hosts: 3,
  principals: [{ arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01' }],
};
const INFO = { operationGroups: groupsFrom(OPERATION_GROUPS) };
// Playback (created with each Session) uses animation frames; Node has none
Object.assign(globalThis, { requestAnimationFrame: () => 0, cancelAnimationFrame: () => undefined });

export function backend(storage: PlaygroundStore, over: Partial<Backend> = {}): Backend {
  return {
    storage: storage as Backend['storage'],
    openSimulator: (id) => openWorkspaceSimulator(storage, id),
    scratch: (o) => createSimulator({ ...o }),
    describeStoreError,
    reapplyInputs,
    fromHash: scenarioFromHash,
    optionsOf: simulatorOptions,
    replayInto: async (sim, scenario) => {
      await replayWith(() => sim, scenario);
    },
    info: INFO,
    ...over,
  };
}

export async function bootApp(storage: PlaygroundStore, over: Partial<Backend> = {}): Promise<WorkspaceApp> {
  const app = new WorkspaceApp(OPTIONS);
  await app.boot(Promise.resolve(backend(storage, over)), { hash: '', clearHash: () => undefined });
  expect(app.current, 'a workspace is shown').toBeDefined();
  return app;
}

export function sendAs(session: Session, operation: string, body: object, caller?: string) {
  session.setTarget(operation);
  session.body = JSON.stringify(body);
  session.callerArn = caller ?? session.rootArn;
  return session.send();
}

export const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

export function kmsRequest(target: string, body: unknown): Request {
  return new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body: JSON.stringify(body) });
}
