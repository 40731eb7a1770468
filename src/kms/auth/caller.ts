/**
 * Who is calling: resolved from the SigV4 access key id, or the account root when unsigned.
 * A configured principal whose `arn` is a service principal name (logs.amazonaws.com) is an
 * AWS service calling KMS itself; its requests may carry the context a service sends
 * (aws:SourceArn, aws:SourceAccount). Any caller's request may say it came through a service
 * (kms:ViaService). The playground request headers that carry them are read by the wire layer.
 */
import type { ParsedPolicy } from './policy';
// the playground request headers that carry the request context a real AWS request gets from AWS
import { SOURCE_ACCOUNT_HEADER, SOURCE_ARN_HEADER, VIA_SERVICE_HEADER } from '../protocol';

/** the request context a real request would get from AWS rather than from its body */
export interface RequestSource {
  /** aws:SourceArn: the resource on whose behalf a service calls (service callers only) */
  sourceArn?: string;
  /** aws:SourceAccount: that resource's account (service callers only) */
  sourceAccount?: string;
  /** kms:ViaService: the service the request came through, e.g. ec2.us-east-1.amazonaws.com */
  viaService?: string;
  /** aws:SourceIp: the address the request came from */
  sourceIp?: string;
  /** aws:SourceVpc: the VPC the request came through (a VPC endpoint) */
  sourceVpc?: string;
  /** playground headers the request carried that were ignored, and why (shown in the decision) */
  ignored?: string[];
}

export interface Caller {
  /** the caller's ARN as AWS reports it in messages (a role session shows as assumed-role); a service's name */
  arn: string;
  /** the caller's account; for a service, the account it acts for (aws:SourceAccount, else the simulator's) */
  account: string;
  isRoot: boolean;
  /** the ARN that grants and key policies match: for a role session, the role's ARN; for a service, its name */
  principalArn: string;
  /** its IAM identity policy; the root and services need none */
  identityPolicy?: ParsedPolicy;
  accessKeyId?: string;
  /** set when the caller is an AWS service principal, e.g. 'logs.amazonaws.com' */
  service?: string;
  /** this request's source context (a per-request copy of the caller carries it) */
  source?: RequestSource;
  /** aws:PrincipalTag/<k>: the principal's tags (PrincipalConfig.tags) */
  tags?: Readonly<Record<string, string>>;
  /** aws:PrincipalOrgID: the organization of the caller's account */
  orgId?: string;
}

/** ServicePrincipalType in the KMS model: dotted names such as logs.amazonaws.com */
const SERVICE_NAME = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;
const ACCOUNT = /^\d{12}$/;

/** is this principal name an AWS service principal (logs.amazonaws.com) rather than an IAM ARN? */
export function isServicePrincipal(name: string): boolean {
  return name.length <= 256 && SERVICE_NAME.test(name);
}

/** a service caller; `account` is the account whose keys a bare key id names (the simulator's) */
export function makeServiceCaller(service: string, account: string, accessKeyId?: string): Caller {
  return { arn: service, account, isRoot: false, principalArn: service, accessKeyId, service };
}

/**
 * The caller of one request, with its source context. Only a service caller gets
 * aws:SourceArn / aws:SourceAccount: an IAM principal or the root cannot claim them, so their
 * source headers are ignored (and the decision says so). The source account defaults to the
 * account in the source ARN. Anyone may say the call came through a service (kms:ViaService).
 * Returns the caller itself when the request carries no context.
 */
export function withSource(caller: Caller, h: { sourceArn?: string | null; sourceAccount?: string | null; viaService?: string | null; sourceIp?: string | null; sourceVpc?: string | null }): Caller {
  const sourceArn = h.sourceArn || undefined;
  const sourceAccountHeader = h.sourceAccount || undefined;
  const viaService = h.viaService || undefined;
  if (sourceArn === undefined && sourceAccountHeader === undefined && viaService === undefined && !h.sourceIp && !h.sourceVpc) return caller;
  const source: RequestSource = {};
  // aws:SourceIp / aws:SourceVpc (the x-playground-source-ip / -vpc headers)
  if (h.sourceIp) source.sourceIp = h.sourceIp.slice(0, 100);
  if (h.sourceVpc) source.sourceVpc = h.sourceVpc.slice(0, 100);
  const ignored: string[] = [];
  if (caller.service !== undefined) {
    if (sourceArn !== undefined) source.sourceArn = sourceArn;
    const fromArn = sourceArn?.split(':')[4];
    const sourceAccount = sourceAccountHeader ?? (fromArn && ACCOUNT.test(fromArn) ? fromArn : undefined);
    if (sourceAccount !== undefined) source.sourceAccount = sourceAccount;
  } else {
    if (sourceArn !== undefined) ignored.push(`The ${SOURCE_ARN_HEADER} header was ignored: only an AWS service caller has an aws:SourceArn, and ${caller.arn} is not one.`);
    if (sourceAccountHeader !== undefined) ignored.push(`The ${SOURCE_ACCOUNT_HEADER} header was ignored: only an AWS service caller has an aws:SourceAccount, and ${caller.arn} is not one.`);
  }
  if (viaService !== undefined) {
    if (isServicePrincipal(viaService)) source.viaService = viaService;
    else ignored.push(`The ${VIA_SERVICE_HEADER} header was ignored: "${viaService.slice(0, 100)}" is not a service name such as ec2.us-east-1.amazonaws.com.`);
  }
  if (ignored.length) source.ignored = ignored;
  const account = caller.service !== undefined && source.sourceAccount !== undefined && ACCOUNT.test(source.sourceAccount) ? source.sourceAccount : caller.account;
  return { ...caller, account, source };
}

const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;
const IAM_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(.+)$/;

const roots = new Map<string, string>();
/** arn:aws:iam::<account>:root, one shared string per account (every grant records its issuer's) */
export function rootArn(account: string): string {
  let arn = roots.get(account);
  if (arn === undefined) {
    arn = `arn:aws:iam::${account}:root`;
    if (roots.size < 1_024) roots.set(account, arn);
  }
  return arn;
}

/** the account of an IAM or STS principal ARN, or null */
export function accountOf(arn: string): string | null {
  const a = ASSUMED_ROLE.exec(arn);
  if (a) return a[2];
  const m = IAM_ARN.exec(arn);
  return m ? m[1] : null;
}

export function makeCaller(arn: string, identityPolicy?: ParsedPolicy, accessKeyId?: string): Caller {
  const a = ASSUMED_ROLE.exec(arn);
  const account = accountOf(arn) ?? '000000000000';
  const principalArn = a ? `arn:${a[1]}:iam::${a[2]}:role/${a[3]}` : arn;
  return { arn, account, isRoot: arn === rootArn(account), principalArn, identityPolicy, accessKeyId };
}

/**
 * What a SigV4 access key id that no configured principal holds stands for
 * (SimulatorOptions.unknownAccessKeys):
 * - 'reject' (the default): 400 UnrecognizedClientException, as AWS answers an unknown key;
 * - 'root': the account root, as local emulators (moto, LocalStack) treat any key, so a client
 *   with whatever credentials it has works with no configuration. Its signature is not checked
 *   (there is no secret to check it with).
 */
export type UnknownAccessKeys = 'root' | 'reject';

/**
 * The principal a request signed with an access key id nobody holds is served as: the account
 * root when `mode` is 'root', else undefined (the request is refused).
 */
export function unknownAccessKeyPrincipal(engine: { readonly unknownAccessKeys?: UnknownAccessKeys; callerFor(arn: undefined): Caller }): { caller: Caller; secretAccessKey?: undefined } | undefined {
  return engine.unknownAccessKeys === 'root' ? { caller: engine.callerFor(undefined) } : undefined;
}
