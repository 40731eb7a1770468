import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/kms/engine';
import { KmsError } from '../../src/kms/errors';
import { APP_ROLE, ADMIN, PRINCIPALS } from './helpers';

const engine = () => new Engine({ seed: 3, accountId: '111122223333', principals: PRINCIPALS, propagation: { minMs: 0, maxMs: 0 } });

describe('a request answers an outcome: the result or the error, and the decision as data', () => {
  it('a denial carries its decision beside the error, nothing hung on the error', async () => {
    const e = engine();
    const made = await e.run('CreateKey', {}, { caller: ADMIN });
    if (!made.ok) throw made.error;
    const keyId = (made.output as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
    const denied = await e.run('DescribeKey', { KeyId: keyId }, { caller: APP_ROLE });
    expect(denied.ok).toBe(false);
    if (denied.ok) return;
    expect(denied.error).toBeInstanceOf(KmsError);
    expect(denied.error.code).toBe('AccessDeniedException');
    expect(denied.decision?.allowed).toBe(false);
    expect(Object.keys(denied.error)).not.toContain('decision');
    const allowed = await e.run('DescribeKey', { KeyId: keyId }, { caller: ADMIN });
    expect(allowed.ok && allowed.decision?.allowed).toBe(true);
  });

  it('execute answers errors instead of throwing them, with no decision before authorization', async () => {
    const e = engine();
    const r = await e.execute('DescribeKey', { KeyId: 'alias/none' }, e.callerFor(undefined), 'us-east-1', 0);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('NotFoundException');
    expect(r.decision).toBeUndefined();
  });
});
