/**
 * Which operations change the account (the state browser reads it again after one): the UI's
 * fallback by verb names exactly the operations the engine's descriptors mark mutating, and a
 * session told by the engine goes by the descriptors.
 */
import { describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from '../../src/kms/model/shapes.generated';
import { operationDescriptor } from '../../src/kms/operations';
import { accountChanges, changesAccountByName } from '../../src/ui/session/mutating';

describe('operations that change the account', () => {
  it('the verb list names exactly the operations whose descriptor is mutating', () => {
    const differ = OPERATION_NAMES.filter((op) => changesAccountByName(op) !== operationDescriptor(op)?.mutating);
    expect(differ).toEqual([]);
    expect(OPERATION_NAMES.filter(changesAccountByName).length).toBeGreaterThan(20);
  });

  it('the descriptors, once given, decide', () => {
    const described = (op: string) => op === 'Encrypt';
    expect(accountChanges(described)('Encrypt')).toBe(true);
    expect(accountChanges(described)('CreateKey')).toBe(false);
    expect(accountChanges(undefined)('CreateKey')).toBe(true);
  });
});
