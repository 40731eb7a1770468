/**
 * Service callers in scenarios: a principal may be a service principal name, a request step may
 * carry sourceArn / sourceAccount / viaService, replay sends them as the playground headers,
 * and the built-in service-principals lesson has the service actually use its grant.
 */
import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../src/scenario/run';
import { resolveSettings, validateScenario, type Scenario } from '../../src/scenario/format';
import { replay } from '../../src/scenario/replay';
import { servicePrincipals } from '../../src/scenario/lessons/servicePrincipals';

const LOGS = 'logs.amazonaws.com';
const GROUP = 'arn:aws:logs:us-east-1:111122223333:log-group:app';

function scenario(step: Record<string, unknown>, principal: Record<string, unknown> = { arn: LOGS, accessKeyId: 'AKIALOGSSERVICE00001' }): unknown {
  return { v: 2, seed: 1, settings: { principals: [principal] }, steps: [{ kind: 'request', target: 'DescribeKey', body: {}, ...step }] };
}

describe('request steps with a source', () => {
  it('accepts a service principal and a step that calls as it with a source ARN, account and via-service', () => {
    const r = validateScenario(scenario({ caller: LOGS, sourceArn: GROUP, sourceAccount: '111122223333', viaService: 'ec2.us-east-1.amazonaws.com' }));
    expect(r.ok, r.ok ? '' : r.detail).toBe(true);
    if (r.ok) expect(r.scenario.steps[0]).toMatchObject({ caller: LOGS, sourceArn: GROUP, sourceAccount: '111122223333', viaService: 'ec2.us-east-1.amazonaws.com' });
  });

  it('refuses a source account that is not 12 digits, a via-service that is not a service name, and a source ARN with spaces', () => {
    const bad = [{ sourceAccount: '1234' }, { viaService: 'not a service' }, { sourceArn: 'arn:aws:logs two words' }, { sourceArn: '' }];
    for (const b of bad) {
      const r = validateScenario(scenario({ caller: LOGS, ...b }));
      expect(r.ok, JSON.stringify(b)).toBe(false);
    }
  });

  it('refuses an IAM policy on a service principal', () => {
    const r = validateScenario(scenario({}, { arn: LOGS, accessKeyId: 'AKIALOGSSERVICE00001', policy: { Version: '2012-10-17', Statement: [] } }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail).toContain('is an AWS service, which has no IAM policy');
  });

  it('sends them as x-playground headers, signed as the service', async () => {
    const parsed = validateScenario(scenario({ caller: LOGS, sourceArn: GROUP, sourceAccount: '111122223333', viaService: 'ec2.us-east-1.amazonaws.com' }));
    if (!parsed.ok) throw new Error(parsed.detail);
    const s = parsed.scenario as Scenario;
    const step = s.steps[0];
    if (step.kind !== 'request') throw new Error('not a request');
    const req = await buildRequest(step, resolveSettings(s.settings), Date.UTC(2026, 0, 1));
    expect(req.headers.get('x-playground-source-arn')).toBe(GROUP);
    expect(req.headers.get('x-playground-source-account')).toBe('111122223333');
    expect(req.headers.get('x-playground-via-service')).toBe('ec2.us-east-1.amazonaws.com');
    expect(req.headers.get('authorization')).toContain('Credential=AKIALOGSSERVICE00001/');
  });
});

describe('the service-principals lesson', () => {
  it('has the service encrypt for its source ARN, be denied for another, and retire the grant', async () => {
    const run = await replay(servicePrincipals.scenario);
    const byService = run.results.filter((r) => r.kind === 'request' && r.caller === LOGS);
    expect(byService.map((r) => (r.kind === 'request' ? [r.target, r.status] : []))).toEqual([
      ['Encrypt', 200],
      ['Encrypt', 400],
      ['RetireGrant', 200],
    ]);
    const denied = byService[1];
    if (denied.kind !== 'request') throw new Error('not a request');
    expect(denied.decision?.summary).toMatch(/requires SourceArn arn:aws:logs:.*:log-group:app; the request came from arn:aws:logs:.*:log-group:audit/);
  });
});
