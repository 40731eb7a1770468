/** Cryptographic operations that grants permit (filled in by the crypto work, issue #3). */
import type { OperationName } from '../model/shapes.generated';
import type { Handler } from './context';

export const CRYPTO_HANDLERS: Partial<Record<OperationName, Handler>> = {};
