import { describe, expect, it } from 'vitest';
import { APP_ROLE, makeSim } from './helpers';

describe('smoke', () => {
  it('creates a key and a grant and lists it', async () => {
    const { call, createKey } = makeSim();
    const key = await createKey();
    const g = await call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: APP_ROLE, Operations: ['Encrypt', 'Decrypt'] });
    expect(g.status).toBe(200);
    expect(g.json.GrantId).toMatch(/^[0-9a-f]{64}$/);
    const l = await call('ListGrants', { KeyId: key.KeyId });
    expect(l.json.Grants).toHaveLength(1);
    expect(l.json.Grants[0].KeyId).toBe(key.Arn);
  });
});
