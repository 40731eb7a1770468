/** The state browser's picture of the simulated account, read through the KMS API as the account root. */

export interface GrantView {
  grantId: string;
  keyArn: string;
  name: string;
  granteePrincipal?: string;
  granteeServicePrincipal?: string;
  retiringPrincipal?: string;
  retiringServicePrincipal?: string;
  issuingAccount?: string;
  operations: string[];
  constraints?: Record<string, unknown>;
  creationDate?: number;
}

export interface KeyView {
  keyId: string;
  arn: string;
  state: string;
  spec: string;
  usage: string;
  description: string;
  enabled: boolean;
  creationDate?: number;
  deletionDate?: number;
  aliases: string[];
  grants: GrantView[];
  /** the key policy (GetKeyPolicy's text); undefined when it could not be read */
  policy?: string;
}

export interface AliasView {
  name: string;
  arn: string;
  targetKeyId?: string;
}

export interface WorldView {
  /** false until the first read finished */
  loaded: boolean;
  keys: KeyView[];
  aliases: AliasView[];
  /** a read that failed (shown in the state browser, never thrown) */
  error?: string;
}

export const EMPTY_WORLD: WorldView = { loaded: false, keys: [], aliases: [] };

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export function keyFromMetadata(meta: Json, aliases: readonly AliasView[], grants: GrantView[]): KeyView {
  const keyId = str(meta.KeyId) ?? '';
  return {
    keyId,
    arn: str(meta.Arn) ?? keyId,
    state: str(meta.KeyState) ?? (meta.Enabled ? 'Enabled' : 'Unknown'),
    spec: str(meta.KeySpec) ?? str(meta.CustomerMasterKeySpec) ?? '',
    usage: str(meta.KeyUsage) ?? '',
    description: str(meta.Description) ?? '',
    enabled: meta.Enabled === true,
    creationDate: num(meta.CreationDate),
    deletionDate: num(meta.DeletionDate),
    aliases: aliases.filter((a) => a.targetKeyId === keyId).map((a) => a.name),
    grants,
  };
}

export function grantFromEntry(e: Json): GrantView {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    grantId: str(e.GrantId) ?? '',
    keyArn: str(e.KeyId) ?? '',
    name: str(e.Name) ?? '',
    granteePrincipal: str(e.GranteePrincipal),
    granteeServicePrincipal: str(e.GranteeServicePrincipal),
    retiringPrincipal: str(e.RetiringPrincipal),
    retiringServicePrincipal: str(e.RetiringServicePrincipal),
    issuingAccount: str(e.IssuingAccount),
    operations: list(e.Operations),
    constraints: e.Constraints && typeof e.Constraints === 'object' ? (e.Constraints as Record<string, unknown>) : undefined,
    creationDate: num(e.CreationDate),
  };
}

export function aliasFromEntry(e: Json): AliasView {
  return { name: str(e.AliasName) ?? '', arn: str(e.AliasArn) ?? '', targetKeyId: str(e.TargetKeyId) };
}
