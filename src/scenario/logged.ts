/**
 * Reading a logged request (an entry of sim.log) back in the editor's terms: the inverse of
 * ./request.ts's buildKmsRequest, apart from it because it needs none of the signing that module
 * imports (the History pane reads the log on the page's first load; the signer loads with the
 * engine).
 */
import { HOST_HEADER, SOURCE_ARN_HEADER, TARGET_PREFIX } from '../kms/protocol';

/** a header of a logged request (sim.log keeps headers as [name, value] pairs) */
export function logHeader(headers: readonly (readonly [string, string])[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** a logged request (an entry of sim.log) in the editor's terms */
export interface LoggedRequest {
  /** the X-Amz-Target without its TrentService. prefix (as sent when it has none) */
  operation: string;
  /** false when the target did not start with TrentService. */
  trent: boolean;
  /** the principal whose access key id is in the credential scope; the root when there is none;
   *  undefined for an access key no principal has */
  callerArn: string | undefined;
  body: string;
  host?: number;
  sourceArn?: string;
}

/**
 * Decodes a logged request, the inverse of buildKmsRequest: the one reading of sim.log entries
 * that the History pane after a reload, share links and audience windows all use.
 */
export function loggedRequest(
  entry: { headers: readonly (readonly [string, string])[]; body: string },
  principals: readonly { arn: string; accessKeyId?: string }[],
  rootArn: string,
): LoggedRequest {
  const target = logHeader(entry.headers, 'x-amz-target') ?? '';
  const trent = target.startsWith(TARGET_PREFIX);
  const keyId = /Credential=([^/,\s]+)\//.exec(logHeader(entry.headers, 'authorization') ?? '')?.[1];
  const callerArn = keyId === undefined ? rootArn : principals.find((p) => p.accessKeyId === keyId)?.arn;
  const hostText = logHeader(entry.headers, HOST_HEADER);
  const host = hostText !== undefined && /^\d+$/.test(hostText) ? Number(hostText) : undefined;
  const sourceArn = logHeader(entry.headers, SOURCE_ARN_HEADER);
  return {
    operation: trent ? target.slice(TARGET_PREFIX.length) : target,
    trent,
    callerArn,
    body: entry.body,
    ...(host !== undefined ? { host } : {}),
    ...(sourceArn ? { sourceArn } : {}),
  };
}
