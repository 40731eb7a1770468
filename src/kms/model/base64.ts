/**
 * Standard base64 now lives in ../util/base64.ts, with base64url. This re-export remains for the
 * importers not yet pointed there (the wire layer's serializer); import from ../util/base64.
 */
export { base64DecodedLength, base64Problem, decodeBase64, encodeBase64 } from '../util/base64';
