/**
 * The one way the playground builds the HTTP request the simulator receives: replay
 * (./run.ts), the editor's Send and everything else that sends as a person would
 * (src/ui/wire.ts) all call `buildKmsRequest`. AWS JSON 1.1 to https://kms.<region>.amazonaws.com/,
 * as the caller, at a virtual time:
 * - a principal with an access key is identified by a SigV4 Authorization header, really signed
 *   (./sigv4.ts) when it has a secret key, which the engine then verifies, and carrying a
 *   placeholder signature when it has none, which the engine does not check;
 * - the account root (no access key) sends no Authorization header;
 * - the playground headers carry what a real request gets from AWS or its network: the host that
 *   serves it, and its source context (aws:SourceArn, aws:SourceAccount, kms:ViaService,
 *   aws:SourceIp, aws:SourceVpc).
 * Synchronous, so a request can be built and sent with nothing awaited in between. Pure: the time
 * is passed in, so the same inputs always give the same request, signature included.
 */
import {
  CONTENT_TYPE,
  endpointFor,
  HOST_HEADER,
  SERVICE,
  SOURCE_ACCOUNT_HEADER,
  SOURCE_ARN_HEADER,
  SOURCE_IP_HEADER,
  SOURCE_VPC_HEADER,
  TARGET_PREFIX,
  VIA_SERVICE_HEADER,
} from '../kms/protocol';
import { amzDate, authorization } from './sigv4';

/** the credentials a request is sent with: none for the account root */
export interface RequestCredentials {
  accessKeyId: string;
  /** when given, the request is signed with it; else the signature is a placeholder */
  secretAccessKey?: string;
}

export interface KmsRequestInput {
  /** the operation name, without TrentService. (e.g. CreateGrant) */
  operation: string;
  /** the body text, sent as is */
  body: string;
  /** the caller's credentials; undefined for the account root, which sends no Authorization header */
  credentials?: RequestCredentials;
  /** virtual time (epoch ms): the X-Amz-Date and the signature's date */
  now: number;
  region: string;
  /** pins the host that serves the request (x-playground-host) */
  host?: number;
  /** aws:SourceArn (x-playground-source-arn; the engine honours it for service callers only) */
  sourceArn?: string;
  /** aws:SourceAccount (x-playground-source-account; service callers only) */
  sourceAccount?: string;
  /** kms:ViaService (x-playground-via-service) */
  viaService?: string;
  /** aws:SourceIp (x-playground-source-ip) */
  sourceIp?: string;
  /** aws:SourceVpc (x-playground-source-vpc) */
  sourceVpc?: string;
}

/** The headers of the request, names in lower case, in the order they are set. */
export function kmsRequestHeaders(input: KmsRequestInput): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPE,
    'x-amz-target': TARGET_PREFIX + input.operation,
  };
  const credentials = input.credentials;
  if (credentials !== undefined) {
    headers['x-amz-date'] = amzDate(input.now);
    headers.authorization = authorization({
      method: 'POST',
      url: endpointFor(input.region),
      headers,
      body: input.body,
      region: input.region,
      service: SERVICE,
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      date: headers['x-amz-date'],
    });
  }
  if (input.host !== undefined) headers[HOST_HEADER] = String(input.host);
  if (input.sourceArn !== undefined) headers[SOURCE_ARN_HEADER] = input.sourceArn;
  if (input.sourceAccount !== undefined) headers[SOURCE_ACCOUNT_HEADER] = input.sourceAccount;
  if (input.viaService !== undefined) headers[VIA_SERVICE_HEADER] = input.viaService;
  if (input.sourceIp !== undefined) headers[SOURCE_IP_HEADER] = input.sourceIp;
  if (input.sourceVpc !== undefined) headers[SOURCE_VPC_HEADER] = input.sourceVpc;
  return headers;
}

/** The WHATWG Request for `input`: a POST of the body to the region's endpoint. */
export function buildKmsRequest(input: KmsRequestInput): Request {
  return new Request(endpointFor(input.region), { method: 'POST', headers: kmsRequestHeaders(input), body: input.body });
}

// reading a logged request back: ./logged.ts (no signing there, so the page's first load can have it)
export { loggedRequest, logHeader, type LoggedRequest } from './logged';
