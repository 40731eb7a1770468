/**
 * The editor's completions stay the same object while what they offer is unchanged (a new object
 * reconfigures the editor's JSON support and restarts its worker), and offer only the latest grants.
 */
import { describe, expect, it } from 'vitest';
import { buildCompletions, completionsMemo, COMPLETION_GRANTS } from '../../src/ui/completions';
import type { Caller } from '../../src/ui/wire';
import type { GrantView, KeyView, WorldView } from '../../src/ui/world';

const CALLERS: Caller[] = [{ arn: 'arn:aws:iam::111122223333:root', label: 'Account root' }];

function key(id: string, grants: number, from = 0): KeyView {
  return {
    keyId: id,
    arn: `arn:aws:kms:us-east-1:111122223333:key/${id}`,
    state: 'Enabled',
    spec: 'SYMMETRIC_DEFAULT',
    usage: 'ENCRYPT_DECRYPT',
    description: '',
    enabled: true,
    aliases: [],
    grants: Array.from({ length: grants }, (_, i): GrantView => ({
      grantId: `${id}-grant-${i}`,
      keyArn: `arn:aws:kms:us-east-1:111122223333:key/${id}`,
      name: '',
      granteePrincipal: 'arn:aws:iam::111122223333:role/App',
      operations: ['Encrypt'],
      creationDate: from + i,
    })),
  };
}

const world = (...keys: KeyView[]): WorldView => ({ loaded: true, keys, aliases: [] });

describe('completions', () => {
  it('are the same object for a world read again with the same contents', () => {
    const memo = completionsMemo();
    const a = memo(world(key('k1', 3)), CALLERS, [], undefined);
    expect(memo(world(key('k1', 3)), CALLERS, [], undefined)).toBe(a);
    expect(memo(world(key('k1', 3)), CALLERS, ['token-a'].slice(0, 0), undefined)).toBe(a);
  });

  it('are a new object when a grant, a token, a key or the ciphertext is new', () => {
    const memo = completionsMemo();
    const a = memo(world(key('k1', 3)), CALLERS, [], undefined);
    const b = memo(world(key('k1', 4)), CALLERS, [], undefined);
    expect(b).not.toBe(a);
    expect(b.grantIds.map((g) => g.value)).toContain('k1-grant-3');
    const c = memo(world(key('k1', 4)), CALLERS, ['token-a'], undefined);
    expect(c).not.toBe(b);
    const d = memo(world(key('k1', 4), key('k2', 0)), CALLERS, ['token-a'], undefined);
    expect(d).not.toBe(c);
    expect(d.keys.map((k) => k.value)).toContain('k2');
    const e = memo(world(key('k1', 4), key('k2', 0)), CALLERS, ['token-a'], 'AQID');
    expect(e).not.toBe(d);
    expect(e.ciphertexts[0].value).toBe('AQID');
  });

  it('offer the newest grants by creation date, whatever the order they are listed in', () => {
    // ListGrants lists by grant id: the newest are anywhere in the list
    const k = key('k1', 1_000);
    k.grants.reverse();
    const v = buildCompletions(world(k), CALLERS, []);
    const ids = new Set(v.grantIds.map((g) => g.value));
    expect(ids.size).toBe(COMPLETION_GRANTS);
    for (let i = 1_000 - COMPLETION_GRANTS; i < 1_000; i++) expect(ids.has(`k1-grant-${i}`)).toBe(true);
    // in the order the key lists them
    expect(v.grantIds[0].value).toBe('k1-grant-999');
  });

  it('offer the latest grant ids and tokens only', () => {
    const many = world(key('k1', 50_000), key('k2', 10, 100_000));
    const tokens = Array.from({ length: 1_000 }, (_, i) => `token-${i}`);
    const v = buildCompletions(many, CALLERS, tokens);
    expect(v.grantIds).toHaveLength(COMPLETION_GRANTS);
    const ids = new Set(v.grantIds.map((g) => g.value));
    // the newest: all of k2's (created last), then k1's latest
    for (let i = 0; i < 10; i++) expect(ids.has(`k2-grant-${i}`)).toBe(true);
    expect(ids.has('k1-grant-49999')).toBe(true);
    expect(ids.has(`k1-grant-${50_000 - COMPLETION_GRANTS}`)).toBe(false);
    expect(v.grantTokens).toHaveLength(COMPLETION_GRANTS);
    expect(v.grantTokens[0].value).toBe('token-999');
    expect(v.grantTokens[0].label).toMatch(/^Latest grant token/);
  });
});
