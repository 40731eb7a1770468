import { describe, expect, it } from 'vitest';
import { lowerCamel, validateInput, type ValidationResult } from '../../../src/kms/model/validate';
import { ENUMS, OPERATION_NAMES } from '../../../src/kms/model/shapes.generated';

const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const ROLE = 'arn:aws:iam::111122223333:role/ExampleRole';

function message(result: ValidationResult): string {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.message;
}

function expectValidation(result: ValidationResult, text: string): void {
  expect(result).toEqual({ ok: false, code: 'ValidationException', message: text });
}

function expectSerialization(result: ValidationResult, text: string): void {
  expect(result).toEqual({ ok: false, code: 'SerializationException', message: text });
}

/** base64 of n zero bytes */
const zeros = (n: number) => 'A'.repeat(Math.floor(n / 3) * 4) + (n % 3 === 1 ? 'AA==' : n % 3 === 2 ? 'AAA=' : '');

describe('validateInput: the recorded KMS messages (SPEC §1.2)', () => {
  it('reports NumberOfBytes below its minimum with the value echoed', () => {
    expectValidation(
      validateInput('GenerateRandom', { NumberOfBytes: 0 }),
      "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('reports NumberOfBytes above its maximum', () => {
    expectValidation(
      validateInput('GenerateRandom', { NumberOfBytes: 1025 }),
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    );
  });

  it('reports an empty KeyId as too short', () => {
    expectValidation(
      validateInput('DescribeKey', { KeyId: '' }),
      "1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('reports an over-long Plaintext by decoded bytes without echoing it', () => {
    expectValidation(
      validateInput('Encrypt', { KeyId: KEY, Plaintext: zeros(4097) }),
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
  });

  it('names a nested tag value with a 1-based list index path', () => {
    const v = 'v'.repeat(257);
    expectValidation(
      validateInput('CreateKey', { Tags: [{ TagKey: 'team', TagValue: v }] }),
      `1 validation error detected: Value '${v}' at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256`,
    );
  });
});

describe('validateInput: constraint checks', () => {
  it('reports a missing required member as null', () => {
    expectValidation(
      validateInput('DescribeKey', {}),
      "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    );
  });

  it('treats a JSON null member as missing', () => {
    expectValidation(
      validateInput('RevokeGrant', { KeyId: KEY, GrantId: null }),
      "1 validation error detected: Value null at 'grantId' failed to satisfy constraint: Member must not be null",
    );
    expect(validateInput('ListGrants', { KeyId: KEY, Limit: null }).ok).toBe(true);
  });

  it('counts every failure and joins them with "; " in member order', () => {
    expectValidation(
      validateInput('CreateGrant', { GranteePrincipal: 'not a principal', Name: '' }),
      '5 validation errors detected: ' +
        "Value null at 'keyId' failed to satisfy constraint: Member must not be null; " +
        "Value 'not a principal' at 'granteePrincipal' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w+=,.@:/-]+$; " +
        "Value null at 'operations' failed to satisfy constraint: Member must not be null; " +
        "Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    );
  });

  it('lists the whole enum, in model order, when a value is not in it', () => {
    const text = message(validateInput('CreateKey', { KeySpec: 'HMAC_random' }));
    expect(text).toBe(
      "1 validation error detected: Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: " +
        `[${ENUMS.KeySpec.join(', ')}]`,
    );
    expect(text).toContain('[RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256,');
    expect(text).toContain('ML_KEM_512, ML_KEM_768, ML_KEM_1024]');
  });

  it('reports a pattern mismatch with the model (Java) pattern', () => {
    expectValidation(
      validateInput('CreateGrant', { KeyId: KEY, Operations: ['Encrypt'], Name: 'has space' }),
      "1 validation error detected: Value 'has space' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    );
  });

  it('matches patterns against the whole value, as Java matches() does', () => {
    // MarkerType is [\u0020-\u00FF]* without anchors: one character outside the range fails
    expect(message(validateInput('ListGrants', { KeyId: KEY, Marker: 'abc\u0100' }))).toContain(
      "Value 'abc\u0100' at 'marker' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0020-\\u00FF]*",
    );
    expect(validateInput('ListGrants', { KeyId: KEY, Marker: 'abc' }).ok).toBe(true);
  });

  it('never echoes a sensitive member, not even when it is missing', () => {
    expectValidation(
      validateInput('Encrypt', { KeyId: KEY, Plaintext: '' }),
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    expectValidation(
      validateInput('Encrypt', { KeyId: KEY }),
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must not be null",
    );
  });

  it('does not echo a present non-sensitive blob either, but echoes a missing one as null', () => {
    expectValidation(
      validateInput('Decrypt', { CiphertextBlob: '' }),
      "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    expectValidation(
      validateInput('VerifyMac', { KeyId: KEY, Message: 'aGk=', MacAlgorithm: 'HMAC_SHA_256' }),
      "1 validation error detected: Value null at 'mac' failed to satisfy constraint: Member must not be null",
    );
  });

  it('measures blob lengths in decoded bytes', () => {
    expect(validateInput('Encrypt', { KeyId: KEY, Plaintext: zeros(4096) }).ok).toBe(true);
    expect(validateInput('Encrypt', { KeyId: KEY, Plaintext: zeros(1) }).ok).toBe(true);
  });

  it('uses 1-based indexes in list paths and reports a null list item', () => {
    expectValidation(
      validateInput('TagResource', { KeyId: KEY, Tags: [{ TagKey: 'a', TagValue: 'b' }, { TagValue: 'c' }] }),
      "1 validation error detected: Value null at 'tags.2.member.tagKey' failed to satisfy constraint: Member must not be null",
    );
    expectValidation(
      validateInput('TagResource', { KeyId: KEY, Tags: [null] }),
      "1 validation error detected: Value null at 'tags.1.member' failed to satisfy constraint: Member must not be null",
    );
  });

  it('checks a list of enum values as a whole, echoing the list', () => {
    expectValidation(
      validateInput('CreateGrant', { KeyId: KEY, Operations: ['Encrypt', 'ReEncrypt'], GranteePrincipal: ROLE }),
      "1 validation error detected: Value '[Encrypt, ReEncrypt]' at 'operations' failed to satisfy constraint: " +
        `Member must satisfy constraint: [Member must satisfy enum value set: [${ENUMS.GrantOperation.join(', ')}]]`,
    );
  });

  it('reports a list with too many items, echoing it', () => {
    const tokens = Array.from({ length: 11 }, (_, i) => `t${i}`);
    expectValidation(
      validateInput('CreateGrant', { KeyId: KEY, Operations: ['Encrypt'], GranteePrincipal: ROLE, GrantTokens: tokens }),
      `1 validation error detected: Value '[${tokens.join(', ')}]' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10`,
    );
  });

  it('reports a null map value at the map path', () => {
    expectValidation(
      validateInput('Encrypt', { KeyId: KEY, Plaintext: 'aGk=', EncryptionContext: { purpose: null } }),
      "1 validation error detected: Value '{purpose=null}' at 'encryptionContext' failed to satisfy constraint: Map value must satisfy constraint: [Member must not be null]",
    );
  });

  it('walks into nested structures for their members', () => {
    expectValidation(
      validateInput('CreateGrant', {
        KeyId: KEY,
        Operations: ['Decrypt'],
        GranteeServicePrincipal: 'dynamodb.amazonaws.com',
        Constraints: { SourceArn: 'arn:aws:dynamodb:us-east-1:123:table/T' },
      }),
      "1 validation error detected: Value 'arn:aws:dynamodb:us-east-1:123:table/T' at 'constraints.sourceArn' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: ^arn:aws[a-z0-9-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:.+$',
    );
  });

  it('measures string lengths in UTF-16 code units, like Java', () => {
    // 128 astral characters = 256 UTF-16 units: within TagValueType's 256
    expect(validateInput('TagResource', { KeyId: KEY, Tags: [{ TagKey: 'k', TagValue: '😀'.repeat(128) }] }).ok).toBe(true);
    expect(validateInput('TagResource', { KeyId: KEY, Tags: [{ TagKey: 'k', TagValue: '😀'.repeat(129) }] }).ok).toBe(false);
  });
});

describe('validateInput: JSON types (SerializationException)', () => {
  it('rejects a body that is not a JSON object', () => {
    expectSerialization(validateInput('ListKeys', [1, 2]), 'Start of list found where not expected');
    expectSerialization(validateInput('ListKeys', 'text'), '');
    expectSerialization(validateInput('ListKeys', null), '');
    expectSerialization(validateInput('ListKeys', 42), '');
  });

  it('rejects an object where a string is expected', () => {
    expectSerialization(validateInput('DescribeKey', { KeyId: { id: KEY } }), 'Start of structure or map found where not expected.');
  });

  it('rejects a number where a string is expected', () => {
    expectSerialization(validateInput('DescribeKey', { KeyId: 42 }), 'NUMBER_VALUE can not be converted to a String');
  });

  it('rejects a string, a boolean or a fraction where an integer is expected', () => {
    expectSerialization(validateInput('GenerateRandom', { NumberOfBytes: '32' }), 'STRING_VALUE can not be converted to an Integer');
    expectSerialization(validateInput('GenerateRandom', { NumberOfBytes: true }), 'TRUE_VALUE can not be converted to an Integer');
    expectSerialization(validateInput('GenerateRandom', { NumberOfBytes: 1.5 }), 'NUMBER_VALUE can not be converted to an Integer');
  });

  it('rejects a non-boolean where a boolean is expected', () => {
    const base = { KeyId: KEY, Operations: ['Encrypt'], GranteePrincipal: ROLE };
    expectSerialization(validateInput('CreateGrant', { ...base, DryRun: 'true' }), 'STRING_VALUE can not be converted to an Boolean');
    expectSerialization(validateInput('CreateGrant', { ...base, DryRun: 1 }), 'NUMBER_VALUE can not be converted to a Boolean');
  });

  it('rejects a scalar where a list, a map or a structure is expected', () => {
    expectSerialization(validateInput('CreateGrant', { KeyId: KEY, Operations: 'Encrypt' }), 'Expected list or null');
    expectSerialization(validateInput('Encrypt', { KeyId: KEY, Plaintext: 'aGk=', EncryptionContext: 'a=b' }), 'Expected map or null');
    expectSerialization(validateInput('CreateGrant', { KeyId: KEY, Operations: ['Encrypt'], Constraints: 'x' }), 'Expected null');
    expectSerialization(validateInput('CreateGrant', { KeyId: KEY, Operations: ['Encrypt'], Constraints: [] }), 'Start of list found where not expected');
  });

  it('rejects a map whose values are not strings', () => {
    expectSerialization(
      validateInput('Encrypt', { KeyId: KEY, Plaintext: 'aGk=', EncryptionContext: { n: 1 } }),
      'NUMBER_VALUE can not be converted to a String',
    );
  });

  it('rejects a blob that is not strict base64, saying why', () => {
    expectSerialization(
      validateInput('Encrypt', { KeyId: KEY, Plaintext: 'hello' }),
      "'hello' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5",
    );
    expectSerialization(
      validateInput('Encrypt', { KeyId: KEY, Plaintext: 'aGk-' }),
      "'aGk-' can not be converted to a Blob: Invalid Base64 character: '-'",
    );
    expectSerialization(
      validateInput('Encrypt', { KeyId: KEY, Plaintext: 'aGl=' }),
      "'aGl=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected",
    );
    expectSerialization(validateInput('Encrypt', { KeyId: KEY, Plaintext: 7 }), 'NUMBER_VALUE can not be converted to a Blob');
  });

  it('checks types before constraints, so a type error hides constraint failures', () => {
    expectSerialization(validateInput('CreateGrant', { KeyId: '', Operations: 'Encrypt' }), 'Expected list or null');
  });

  it('reports the first type error in document order', () => {
    expectSerialization(validateInput('ListGrants', { Limit: 'x', KeyId: 1 }), 'STRING_VALUE can not be converted to an Integer');
    expectSerialization(validateInput('ListGrants', { KeyId: 1, Limit: 'x' }), 'NUMBER_VALUE can not be converted to a String');
  });
});

describe('validateInput: valid bodies', () => {
  it('passes a valid CreateGrant body and returns it unchanged', () => {
    const body = {
      KeyId: `arn:aws:kms:us-east-1:111122223333:key/${KEY}`,
      GranteePrincipal: ROLE,
      RetiringPrincipal: 'arn:aws:iam::111122223333:role/AdminRole',
      Operations: ['Encrypt', 'Decrypt', 'GenerateDataKey', 'Encapsulate', 'Decapsulate'],
      Constraints: { EncryptionContextSubset: { Department: 'IT' } },
      GrantTokens: ['token'],
      Name: 'my-grant_01:x/y',
      DryRun: false,
    };
    const snapshot = structuredClone(body);
    const result = validateInput('CreateGrant', body);
    expect(result).toEqual({ ok: true, value: body });
    expect(result.ok && result.value).toBe(body);
    expect(body).toEqual(snapshot);
  });

  it('passes a grant for a service principal', () => {
    const result = validateInput('CreateGrant', {
      KeyId: KEY,
      Operations: ['Decrypt'],
      GranteeServicePrincipal: 'us-east-1.supportauthz.amazonaws.com',
      RetiringServicePrincipal: 'us-east-1.supportauthz.amazonaws.com',
      Constraints: { SourceArn: 'arn:aws:supportauthz:us-east-1:111122223333:supportpermit/abc' },
    });
    expect(result.ok).toBe(true);
  });

  it('ignores unknown members, whatever their type', () => {
    const body = { KeyId: KEY, Unknown: { deeply: ['anything', 1] }, keyid: 5 };
    expect(validateInput('DescribeKey', body)).toEqual({ ok: true, value: body });
  });

  it('accepts an empty object for every operation without required members', () => {
    for (const op of ['ListKeys', 'ListAliases', 'GenerateRandom', 'DescribeCustomKeyStores', 'ListRetirableGrants', 'RetireGrant'] as const) {
      expect(validateInput(op, {}).ok, op).toBe(true);
    }
  });

  it('knows all 54 operations', () => {
    expect(OPERATION_NAMES).toHaveLength(54);
    for (const op of OPERATION_NAMES) expect(() => validateInput(op, {})).not.toThrow();
  });
});

describe('lowerCamel', () => {
  it('lower-cases only the first character', () => {
    expect(lowerCamel('KeyId')).toBe('keyId');
    expect(lowerCamel('GrantTokens')).toBe('grantTokens');
    expect(lowerCamel('AWSAccountId')).toBe('aWSAccountId');
    expect(lowerCamel('')).toBe('');
  });
});
