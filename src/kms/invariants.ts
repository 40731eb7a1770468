/**
 * The world's invariants, checked by the fuzzers after every request: indexes agree with the
 * records, no grant is both listed and removed, quotas hold. Returns what is broken (empty
 * when all is well).
 */
import { GRANTS_PER_KEY } from './ops/grants/createGrant';
import { World } from './world';

export function checkInvariants(world: World): string[] {
  const broken: string[] = [];
  const listed = new Set<string>();
  for (const [keyId, ids] of world.grantsByKey) {
    if (ids.size > GRANTS_PER_KEY) broken.push(`key ${keyId} has ${ids.size} grants`);
    if (!world.keys.has(keyId) && ids.size > 0) broken.push(`grants listed for missing key ${keyId}`);
    for (const id of ids) {
      const g = world.grants.get(id);
      if (!g) broken.push(`listed grant ${id} has no record`);
      else if (g.removed) broken.push(`grant ${id} is listed and removed`);
      else if (g.keyId !== keyId) broken.push(`grant ${id} listed under the wrong key`);
      listed.add(id);
    }
  }
  for (const g of world.grants.values()) {
    if (!g.removed && !listed.has(g.grantId)) broken.push(`active grant ${g.grantId} is not listed`);
    if (g.arrivals.length !== world.hostViews.length) broken.push(`grant ${g.grantId} has ${g.arrivals.length} arrivals for ${world.hostViews.length} hosts`);
    if (g.removed && g.removed.arrivals.some((t, h) => t < g.arrivals[h])) broken.push(`grant ${g.grantId} is removed at a host before it arrives there`);
    const set = world.grantsByGrantee.get(World.granteeKey(g.keyId, World.granteeOf(g)));
    if (!set?.has(g.grantId)) broken.push(`grant ${g.grantId} missing from its grantee index`);
    const retiring = g.retiringPrincipal ?? g.retiringServicePrincipal;
    if (retiring && !g.removed && !world.grantsByRetiring.get(`${g.region}\n${retiring}`)?.has(g.grantId)) broken.push(`grant ${g.grantId} missing from its retiring index`);
    if (g.name && !g.removed && !world.grantsByName.get(`${g.keyId}\n${g.name}`)?.includes(g.grantId)) broken.push(`grant ${g.grantId} missing from its name index`);
  }
  for (const [k, ids] of world.grantsByName) {
    for (const id of ids) if (!listed.has(id)) broken.push(`name index ${JSON.stringify(k)} holds unlisted grant ${id}`);
  }
  for (const [k, ids] of world.grantsByRetiring) {
    for (const id of ids) if (!listed.has(id)) broken.push(`retiring index ${JSON.stringify(k)} holds unlisted grant ${id}`);
  }
  world.hostViews.forEach((view, h) => {
    for (const id of view) if (!world.grants.has(id)) broken.push(`host ${h} honours forgotten grant ${id}`);
  });
  for (const a of world.aliases.values()) if (!world.keys.has(a.targetKeyId)) broken.push(`alias ${a.aliasName} points to a missing key`);
  return broken;
}
