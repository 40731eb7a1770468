/**
 * TagResource, UntagResource, ListResourceTags: a key's tags, which policies read as
 * aws:ResourceTag/<k> and which these requests carry as aws:RequestTag/<k> and aws:TagKeys
 * (AWS KMS Developer Guide, "Tagging keys" and "ABAC for AWS KMS"; API Reference, TagResource,
 * UntagResource, ListResourceTags).
 *
 * Rules (API Reference): a key takes a key ID or key ARN (no alias) and only keys of the caller's
 * account; a tag key is 1 to 128 characters, a value 0 to 256; a key has at most 50 tags
 * (AWS KMS quotas, "Tags per KMS key"); TagResource with a key that is already there replaces
 * its value; keys beginning with `aws:` are AWS's own. Tag keys and values are case-sensitive.
 */
import { KmsError, validation } from '../errors';
import type { Ctx } from './context';
import type { ListResourceTagsRequest, TagResourceRequest, UntagResourceRequest } from '../model/shapes.generated';

/** "Tags per KMS key: 50" (AWS KMS Developer Guide, "Resource quotas") */
const MAX_TAGS_PER_KEY = 50;

function checkTagKey(k: unknown): asserts k is string {
  if (typeof k !== 'string' || k.length < 1 || k.length > 128) throw validation('1 validation error detected: Value at \'tags.member.tagKey\' failed to satisfy constraint: Member must have length between 1 and 128');
  // CHOICE (docs/fidelity.md §7): the text of the refusal of a reserved key is not recorded
  if (k.toLowerCase().startsWith('aws:')) throw new KmsError('TagException', 'Tag keys beginning with aws: are reserved for AWS use.');
}

export function tagResource(ctx: Ctx, input: TagResourceRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key);
  ctx.keyState(key);
  const tags = key.tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue }));
  for (const t of input.Tags ?? []) {
    checkTagKey(t?.TagKey);
    const value = typeof t.TagValue === 'string' ? t.TagValue : '';
    if (value.length > 256) throw validation("1 validation error detected: Value at 'tags.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256");
    const old = tags.find((x) => x.TagKey === t.TagKey);
    if (old) old.TagValue = value;
    else tags.push({ TagKey: t.TagKey, TagValue: value });
  }
  // CHOICE (docs/fidelity.md §7): the text of the quota refusal is not recorded
  if (tags.length > MAX_TAGS_PER_KEY) throw new KmsError('LimitExceededException', `A KMS key can have at most ${MAX_TAGS_PER_KEY} tags; this request would give it ${tags.length}.`);
  ctx.world.putKey({ ...key, tags });
  return undefined;
}

export function untagResource(ctx: Ctx, input: UntagResourceRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key);
  ctx.keyState(key);
  const drop = new Set<string>();
  for (const k of input.TagKeys ?? []) {
    checkTagKey(k);
    drop.add(k);
  }
  ctx.world.putKey({ ...key, tags: key.tags.filter((t) => !drop.has(t.TagKey)).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })) });
  return undefined;
}

export function listResourceTags(ctx: Ctx, input: ListResourceTagsRequest) {
  const key = ctx.key(input.KeyId);
  ctx.authorize(key);
  const limit = input.Limit ?? 50;
  let start = 0;
  if (input.Marker !== undefined) {
    start = /^\d+$/.test(input.Marker) ? Number(input.Marker) : NaN;
    if (!Number.isInteger(start) || start > key.tags.length) throw new KmsError('InvalidMarkerException', 'Invalid marker');
  }
  const page = key.tags.slice(start, start + limit).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue }));
  const truncated = start + limit < key.tags.length;
  return truncated ? { Tags: page, NextMarker: String(start + limit), Truncated: true } : { Tags: page, Truncated: false };
}
