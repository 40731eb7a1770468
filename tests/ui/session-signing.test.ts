/**
 * Send in the editor (a real Session) as a principal configured with a secret key: the request is
 * signed with it and answered; the lesson player's Session does the same.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';
import { OPERATION_GROUPS } from '../../src/kms/ops/index';
import { Session } from '../../src/ui/Session.svelte';
import { groupsFrom } from '../../src/ui/operations';

const START = Date.UTC(2026, 0, 1, 12);
const ACCOUNT = '111122223333';
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
const PRINCIPALS = [{ arn: APP, accessKeyId: 'AKIAAPPROLEEXAMPLE01', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', policy: ALLOW_ALL }];

describe("the editor's Send as a principal with a secret key", () => {
  it('is signed with the secret and answered 200', async () => {
    const sim = createSimulator({ seed: 7, accountId: ACCOUNT, startTime: START, hosts: 3, principals: PRINCIPALS });
    const session = new Session(sim, { seed: 7, region: 'us-east-1', accountId: ACCOUNT, hosts: 3, startTime: START, principals: PRINCIPALS, operationGroups: groupsFrom(OPERATION_GROUPS) });
    session.setTarget('ListKeys');
    session.body = '{}';
    session.callerArn = APP;
    const entry = await session.send();
    expect(entry.response?.status, entry.response?.body).toBe(200);
    session.dispose();
  });
});
