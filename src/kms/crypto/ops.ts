/**
 * The algorithm lists, re-exported for the two importers that still name this file
 * (src/kms/ops/keys.ts and src/kms/accessMatrix.ts). The operations live in files named by
 * topic (README.md); import from ./algorithms instead, and delete this file once nothing
 * imports it.
 */
export { encryptionAlgorithmsFor, keyAgreementAlgorithmsFor, macAlgorithmsFor, signingAlgorithmsFor } from './algorithms';
