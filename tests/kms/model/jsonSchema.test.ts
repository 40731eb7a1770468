import { describe, expect, it } from 'vitest';
import { jsonSchemaForInput, memberConstraintsText, type JsonSchema } from '../../../src/kms/model/jsonSchema';
import { ENUMS, OPERATION_NAMES } from '../../../src/kms/model/shapes.generated';

const props = (s: JsonSchema) => s.properties as Record<string, JsonSchema>;

describe('jsonSchemaForInput', () => {
  it('describes CreateGrant with KeyId and Operations required', () => {
    const schema = jsonSchemaForInput('CreateGrant');
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['KeyId', 'Operations']);
    expect(schema.additionalProperties).toBe(false);
    expect(props(schema).KeyId).toEqual({ type: 'string', minLength: 1, maxLength: 2048 });
  });

  it('lists the GrantOperation enum, Encapsulate and Decapsulate included', () => {
    const operations = props(jsonSchemaForInput('CreateGrant')).Operations!;
    expect(operations.type).toBe('array');
    const items = operations.items as JsonSchema;
    expect(items.enum).toEqual([...ENUMS.GrantOperation]);
    expect(items.enum).toContain('Encapsulate');
    expect(items.enum).toContain('Decapsulate');
  });

  it('translates model patterns to anchored JS patterns', () => {
    const s = props(jsonSchemaForInput('CreateGrant'));
    const name = new RegExp(s.Name!.pattern as string, 'u');
    expect(name.test('my-grant')).toBe(true);
    expect(name.test('my grant')).toBe(false);
    const marker = new RegExp(props(jsonSchemaForInput('ListGrants')).Marker!.pattern as string, 'u');
    expect(marker.test('abc\u0100')).toBe(false);
    expect(marker.test('abc')).toBe(true);
  });

  it('gives nested structures, maps and lists their own constraints', () => {
    const s = props(jsonSchemaForInput('CreateGrant'));
    const constraints = s.Constraints!;
    expect(constraints.additionalProperties).toBe(false);
    expect(props(constraints).EncryptionContextSubset).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(s.GrantTokens).toEqual({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 8192 }, maxItems: 10 });
    expect(s.DryRun).toEqual({ type: 'boolean' });
  });

  it('describes integers with their range', () => {
    expect(props(jsonSchemaForInput('GenerateRandom')).NumberOfBytes).toEqual({ type: 'integer', minimum: 1, maximum: 1024 });
  });

  it('describes blobs as base64 strings sized for their byte limits', () => {
    const plaintext = props(jsonSchemaForInput('Encrypt')).Plaintext!;
    expect(plaintext).toMatchObject({ type: 'string', contentEncoding: 'base64', minLength: 4, maxLength: 5464 });
    const re = new RegExp(plaintext.pattern as string);
    expect(re.test('aGk=')).toBe(true);
    expect(re.test('aGl=')).toBe(false);
    expect(re.test('aGk')).toBe(false);
  });

  it('lets the UI fill in descriptions per member path', () => {
    const schema = jsonSchemaForInput('CreateGrant', {
      describe: (path) => (path.join('.') === 'Constraints.SourceArn' ? 'the ARN of the resource' : undefined),
    });
    expect(props(props(schema).Constraints!).SourceArn!.description).toBe('the ARN of the resource');
    expect(props(schema).KeyId!.description).toBeUndefined();
    expect(props(jsonSchemaForInput('CreateGrant')).KeyId!.description).toBeUndefined();
  });

  it('builds a schema for every operation', () => {
    for (const op of OPERATION_NAMES) {
      const schema = jsonSchemaForInput(op);
      expect(schema.type, op).toBe('object');
      expect(JSON.parse(JSON.stringify(schema)), op).toEqual(schema);
    }
  });
});

describe('memberConstraintsText', () => {
  it('says whether a member is required and how long it may be', () => {
    expect(memberConstraintsText('CreateGrant', 'KeyId')).toBe('Required. 1–2048 characters.');
  });

  it('mentions patterns, ranges, list sizes and sensitivity', () => {
    expect(memberConstraintsText('CreateGrant', 'Name')).toBe('Optional. 1–256 characters, matching ^[a-zA-Z0-9:/_-]+$.');
    expect(memberConstraintsText('GenerateRandom', 'NumberOfBytes')).toBe('Optional. A whole number from 1 to 1024.');
    expect(memberConstraintsText('CreateGrant', 'GrantTokens')).toBe('Optional. A list of up to 10 items; each item: 1–8192 characters.');
    expect(memberConstraintsText('Encrypt', 'Plaintext')).toBe(
      'Required. Base64-encoded, 1–4096 bytes once decoded. Sensitive: error messages never repeat it.',
    );
  });

  it('follows paths into structures, list items and map values', () => {
    expect(memberConstraintsText('CreateGrant', 'Constraints.SourceArn')).toMatch(/^Optional\. 20–512 characters/);
    expect(memberConstraintsText('CreateKey', 'Tags.0.TagKey')).toBe('Required. 1–128 characters.');
    expect(memberConstraintsText('CreateKey', ['Tags', 3, 'TagValue'])).toBe('Required. Up to 256 characters.');
    expect(memberConstraintsText('CreateGrant', 'Operations.[]')).toMatch(/^One of Decrypt, Encrypt, .*Encapsulate\.$/);
  });

  it('returns undefined for a path that names no member', () => {
    expect(memberConstraintsText('CreateGrant', 'Nope')).toBeUndefined();
    expect(memberConstraintsText('CreateGrant', 'KeyId.x')).toBeUndefined();
    expect(memberConstraintsText('CreateGrant', '')).toBeUndefined();
  });
});
