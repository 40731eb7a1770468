/**
 * The wire constants of the simulator's HTTP protocol, in one place for the engine (which reads
 * requests and writes responses) and for everything that builds requests or reads responses
 * (replay, the editor, the audience window). AWS JSON 1.1 as KMS speaks it, plus the playground's
 * own `x-playground-*` headers, which carry what a real request gets from AWS or its network
 * rather than from its body. Pure constants: no imports.
 */

/** the X-Amz-Target of a KMS operation is this prefix and the operation name (TrentService.CreateGrant) */
export const TARGET_PREFIX = 'TrentService.';
/** the Content-Type of KMS requests and responses */
export const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** the SigV4 service name in a credential scope */
export const SERVICE = 'kms';

/** the regional endpoint a request is sent to: https://kms.<region>.amazonaws.com/ */
export function endpointFor(region: string): string {
  return `https://kms.${region}.amazonaws.com/`;
}

/** the request id of a response (the Headers API gives it in lower case) */
export const REQUEST_ID_HEADER = 'x-amzn-requestid';

/** on requests, pins the simulated host that serves it; on responses, the host that served it */
export const HOST_HEADER = 'x-playground-host';
/** on responses: the authorization decision, URI-encoded JSON */
export const DECISION_HEADER = 'x-playground-decision';

/** aws:SourceArn: the resource on whose behalf a service calls (honoured for service callers only) */
export const SOURCE_ARN_HEADER = 'x-playground-source-arn';
/** aws:SourceAccount: that resource's account (service callers only; default: the account in the source ARN) */
export const SOURCE_ACCOUNT_HEADER = 'x-playground-source-account';
/** kms:ViaService: the service the request came through, e.g. ec2.us-east-1.amazonaws.com */
export const VIA_SERVICE_HEADER = 'x-playground-via-service';
/** aws:SourceIp and aws:SourceVpc of the request (a real request's network, which a page has none of) */
export const SOURCE_IP_HEADER = 'x-playground-source-ip';
export const SOURCE_VPC_HEADER = 'x-playground-source-vpc';
