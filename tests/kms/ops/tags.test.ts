/** TagResource, UntagResource, ListResourceTags (AWS KMS API Reference) through sim.fetch. */
import { describe, expect, it } from 'vitest';
import { ACCOUNT, APP_ROLE, makeSim } from '../helpers';

describe('key tags', () => {
  it('TagResource adds and replaces, UntagResource removes, ListResourceTags lists in order', async () => {
    const { call, createKey } = makeSim();
    const k = await createKey({ Tags: [{ TagKey: 'Project', TagValue: 'Alpha' }] });
    expect((await call('TagResource', { KeyId: k.KeyId, Tags: [{ TagKey: 'Owner', TagValue: 'ann' }, { TagKey: 'Project', TagValue: 'Beta' }] })).status).toBe(200);
    expect((await call('ListResourceTags', { KeyId: k.Arn })).json).toEqual({
      Tags: [
        { TagKey: 'Project', TagValue: 'Beta' },
        { TagKey: 'Owner', TagValue: 'ann' },
      ],
      Truncated: false,
    });
    expect((await call('UntagResource', { KeyId: k.KeyId, TagKeys: ['Project', 'Missing'] })).status).toBe(200);
    expect((await call('ListResourceTags', { KeyId: k.KeyId })).json.Tags).toEqual([{ TagKey: 'Owner', TagValue: 'ann' }]);
  });

  it('ListResourceTags pages with Limit and NextMarker', async () => {
    const { call, createKey } = makeSim();
    const k = await createKey({ Tags: [1, 2, 3].map((i) => ({ TagKey: `k${i}`, TagValue: `v${i}` })) });
    const first = await call('ListResourceTags', { KeyId: k.KeyId, Limit: 2 });
    expect(first.json.Truncated).toBe(true);
    expect(first.json.Tags.map((t: { TagKey: string }) => t.TagKey)).toEqual(['k1', 'k2']);
    const second = await call('ListResourceTags', { KeyId: k.KeyId, Limit: 2, Marker: first.json.NextMarker });
    expect(second.json).toEqual({ Tags: [{ TagKey: 'k3', TagValue: 'v3' }], Truncated: false });
  });

  it('takes no alias, and needs kms:TagResource like any key operation', async () => {
    const { call, createKey } = makeSim();
    const k = await createKey({});
    await call('CreateAlias', { AliasName: 'alias/t', TargetKeyId: k.KeyId });
    const byAlias = await call('TagResource', { KeyId: 'alias/t', Tags: [{ TagKey: 'a', TagValue: 'b' }] });
    expect(byAlias.status).toBe(400);
    const denied = await call('TagResource', { KeyId: k.KeyId, Tags: [{ TagKey: 'a', TagValue: 'b' }] }, { as: APP_ROLE });
    expect(denied.type).toBe('AccessDeniedException');
    expect(denied.message).toContain(`arn:aws:iam::${ACCOUNT}:role/AppRole is not authorized to perform: kms:TagResource`);
  });
});
