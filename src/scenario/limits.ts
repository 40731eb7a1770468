/**
 * Bounds and patterns for what comes from outside (share links, files, lessons, storage): the
 * scenario format, simulator options and stored input logs. Kept apart from format.ts so that
 * the format and the boundary checks (validate.ts) share them without importing each other.
 */

/** Bounds on what a scenario may hold: input comes from URLs and files written by anyone. */
export const LIMITS = Object.freeze({
  steps: 500,
  titleLength: 200,
  /** the scenario's description */
  descriptionLength: 4_000,
  /** a step's title */
  stepTitleLength: 120,
  noteLength: 2_000,
  textLength: 4_000,
  /** a step id: /^[A-Za-z][A-Za-z0-9_-]{0,31}$/ */
  stepIdLength: 32,
  /** entries in one expect.match */
  matchEntries: 32,
  /** a dotted path in expect.match */
  pathLength: 256,
  /** an expected error type */
  errorLength: 256,
  callerLength: 2_048,
  principals: 50,
  /** IAM tags of one principal (IAM allows 50 per user or role) */
  principalTags: 50,
  /** an IAM tag key: 1 to 128 characters */
  tagKeyLength: 128,
  /** an IAM tag value: 0 to 256 characters */
  tagValueLength: 256,
  /** accounts given an AWS Organizations organization in settings.organizations */
  organizations: 50,
  arnLength: 2_048,
  secretLength: 128,
  policyLength: 32_768,
  /** any string inside a request body or a policy object */
  jsonStringLength: 65_536,
  /** nesting depth of a request body or policy object */
  jsonDepth: 16,
  /** values (objects, arrays, scalars) in one request body or policy object */
  jsonNodes: 10_000,
  seedMax: 0xffff_ffff,
  hosts: 32,
  /** the largest clock offset or advance: 10 years */
  timeMs: 10 * 366 * 24 * 3_600_000,
  /** the latest propagation delay: 7 days */
  propagationMs: 7 * 24 * 3_600_000,
  /** 9999-12-31T23:59:59.999Z, so that SigV4 dates keep four-digit years */
  startTimeMax: 253_402_300_799_999,
  /** simulator options (a workspace) may run more hosts than a scenario names */
  optionHosts: 64,
  /** a workspace's seed: any safe non-negative integer (the engine uses its low 32 bits) */
  optionSeedMax: Number.MAX_SAFE_INTEGER,
  /** a virtual clock reading in a stored log or world: within this many ms of 1970 */
  clockMs: 1e15,
  /** a request URL in a stored log */
  urlLength: 2_048,
  /** a host name (DNS: at most 253 characters) */
  hostLength: 253,
  /** a request body in a stored log */
  logBodyLength: 1_048_576,
  /**
   * the largest request body the engine reads (its wire limit, MAX_BODY_BYTES: 1 MiB of UTF-8),
   * and so the most a step's {{references}} may make its body once resolved
   */
  requestBodyBytes: 1_048_576,
  /** headers of one logged request */
  logHeaders: 64,
  /** one logged header's value */
  headerValueLength: 8_192,
});

export const PATTERNS = Object.freeze({
  region: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
  accountId: /^\d{12}$/,
  target: /^[A-Za-z][A-Za-z0-9]{0,63}$/,
  /** an IAM/STS principal ARN, or an AWS service principal name (logs.amazonaws.com) */
  principalArn: /^(arn:aws[a-z-]*:(iam|sts)::\d{12}:\S+|[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?)$/,
  servicePrincipal: /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/,
  /** an aws:SourceArn as a header carries it: printable ASCII, no spaces (an ARN, usually) */
  sourceArn: /^[\x21-\x7e]+$/,
  accessKeyId: /^\w{16,128}$/,
  /** an IAM tag key (IAM's Tag.Key: Unicode letters, digits, spaces and _ . : / = + - @); `aws:` is reserved */
  tagKey: /^(?![aA][wW][sS]:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u,
  /** an IAM tag value (IAM's Tag.Value: the same characters, possibly none) */
  tagValue: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u,
  /** an AWS Organizations organization id (aws:PrincipalOrgID) */
  orgId: /^o-[a-z0-9]{10,32}$/,
  secretAccessKey: /^[\x21-\x7e]+$/,
  stepId: /^[A-Za-z][A-Za-z0-9_-]{0,31}$/,
  /** a dotted path into a JSON body: `Grants.0.Name`, `Grants.length`, `KeyMetadata.Arn` */
  path: /^[A-Za-z0-9_$@:-]+(\.[A-Za-z0-9_$@:-]+)*$/,
  /** an error `__type`, bare or namespaced (`com.amazon.coral.validate#ValidationException`) */
  errorType: /^[A-Za-z][\w.#:-]*$/,
  /** an operation name as a logged X-Amz-Target carries it after `TrentService.` */
  operation: /^[A-Za-z]+$/,
  /** a DNS host name (kms.us-east-1.amazonaws.com, localhost) */
  host: /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
  /** an HTTP method */
  method: /^[A-Z]{1,16}$/,
  /** an HTTP header name (an RFC 9110 token) */
  headerName: /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/,
  /** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators */
  control: /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/,
});
