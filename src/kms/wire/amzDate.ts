/**
 * X-Amz-Date as SigV4 writes it. A module of its own: the page's request signer needs only this,
 * and importing it from the engine's verifier (./sigv4.ts) would put the verifier, its error
 * messages and everything they import into the page's first load.
 */

/** Formats epoch ms as yyyymmddThhmmssZ. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
