/** CreateAlias, UpdateAlias, DeleteAlias, ListAliases. */
import { KmsError, notFound, validation } from '../errors';
import { aliasArn } from '../keys';
import { World, type AliasRecord } from '../world';
import type { Ctx } from './context';
import type { CreateAliasRequest, DeleteAliasRequest, ListAliasesRequest, UpdateAliasRequest } from '../model/shapes.generated';

function checkName(name: string): void {
  // recorded from real KMS (docs/sources.md, Errors)
  if (!name.startsWith('alias/')) throw validation('Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  if (name.startsWith('alias/aws/')) throw new KmsError('NotAuthorizedException', 'Cannot create alias with prefix alias/aws/ because it is reserved for AWS managed keys.');
}

export function createAlias(ctx: Ctx, input: CreateAliasRequest) {
  checkName(input.AliasName);
  const key = ctx.key(input.TargetKeyId);
  ctx.authorize(key);
  ctx.keyState(key);
  const id = World.aliasId(ctx.caller.account, ctx.region, input.AliasName);
  const arn = aliasArn(ctx.region, ctx.caller.account, input.AliasName);
  if (ctx.world.aliases.has(id)) throw new KmsError('AlreadyExistsException', `An alias with the name ${arn} already exists`);
  const a: AliasRecord = { aliasName: input.AliasName, aliasArn: arn, account: ctx.caller.account, region: ctx.region, targetKeyId: key.keyId, created: ctx.now, updated: ctx.now };
  ctx.world.putAlias(a);
}

export function updateAlias(ctx: Ctx, input: UpdateAliasRequest) {
  checkName(input.AliasName);
  const id = World.aliasId(ctx.caller.account, ctx.region, input.AliasName);
  const a = ctx.world.aliases.get(id);
  if (!a) throw notFound(`Alias ${aliasArn(ctx.region, ctx.caller.account, input.AliasName)} is not found.`);
  const key = ctx.key(input.TargetKeyId);
  ctx.authorize(key);
  ctx.keyState(key);
  ctx.world.putAlias({ ...a, targetKeyId: key.keyId, updated: ctx.now });
}

export function deleteAlias(ctx: Ctx, input: DeleteAliasRequest) {
  const id = World.aliasId(ctx.caller.account, ctx.region, input.AliasName);
  const a = ctx.world.aliases.get(id);
  if (!a) throw notFound(`Alias ${aliasArn(ctx.region, ctx.caller.account, input.AliasName)} is not found.`);
  const key = ctx.world.keys.get(a.targetKeyId);
  if (key) ctx.authorize(key);
  ctx.world.deleteAlias(id);
}

export function listAliases(ctx: Ctx, input: ListAliasesRequest) {
  let targetKeyId: string | undefined;
  if (input.KeyId !== undefined) {
    const key = ctx.key(input.KeyId);
    ctx.authorize(key);
    targetKeyId = key.keyId;
  } else {
    ctx.decide({ allowed: true, summary: 'Allowed: ListAliases needs kms:ListAliases in IAM, which the simulated principals are given.', via: { kind: 'not-required' }, notes: [] });
  }
  const all = [...ctx.world.aliases.values()]
    .filter((a) => a.account === ctx.caller.account && a.region === ctx.region && (targetKeyId === undefined || a.targetKeyId === targetKeyId))
    .sort((x, y) => (x.aliasName < y.aliasName ? -1 : x.aliasName > y.aliasName ? 1 : 0));
  const limit = Math.min(input.Limit ?? 50, 100);
  let start = 0;
  if (input.Marker !== undefined) {
    const i = all.findIndex((a) => a.aliasName === input.Marker);
    if (i < 0) throw new KmsError('InvalidMarkerException', 'The marker is not valid.');
    start = i + 1;
  }
  const page = all.slice(start, start + limit);
  const Aliases = page.map((a) => ({ AliasName: a.aliasName, AliasArn: a.aliasArn, TargetKeyId: a.targetKeyId, CreationDate: a.created / 1000, LastUpdatedDate: a.updated / 1000 }));
  return start + limit < all.length ? { Aliases, NextMarker: page[page.length - 1].aliasName, Truncated: true } : { Aliases, Truncated: false };
}
