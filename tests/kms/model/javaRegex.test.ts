import { describe, expect, it } from 'vitest';
import { compileJavaPattern, javaPatternToJs } from '../../../src/kms/model/javaRegex';
import { SHAPES } from '../../../src/kms/model/shapes.generated';

describe('javaPatternToJs', () => {
  it('compiles every pattern of the model, with and without the u flag', () => {
    for (const [name, shape] of Object.entries(SHAPES)) {
      if (shape.type !== 'string' || shape.pattern === undefined) continue;
      const { source } = javaPatternToJs(shape.pattern);
      expect(() => new RegExp(source, 'u'), name).not.toThrow();
      expect(() => compileJavaPattern(shape.pattern!), name).not.toThrow();
    }
  });

  it('matches the whole value, like Matcher.matches()', () => {
    const re = compileJavaPattern('[0-9]{12}');
    expect(re.test('111122223333')).toBe(true);
    expect(re.test('x111122223333')).toBe(false);
    expect(re.test('1111222233334')).toBe(false);
    const alt = compileJavaPattern('^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$');
    expect(alt.test('/kms/xks/v1')).toBe(true);
    expect(alt.test('/a/kms/xks/v12')).toBe(true);
    expect(alt.test('/kms/xks/v123')).toBe(false);
  });

  it('keeps Java meanings of \\s, . and a dash after a range', () => {
    const spaces = compileJavaPattern('^[a-z\\s]+$');
    expect(spaces.test('a b\tc')).toBe(true);
    expect(spaces.test('a\u00a0b')).toBe(false); // Java's \s is ASCII only
    const dot = compileJavaPattern('a.b');
    expect(dot.test('a-b')).toBe(true);
    expect(dot.test('a\u0085b')).toBe(false);
    const xks = compileJavaPattern('^[a-zA-Z0-9-_.]+$');
    expect(xks.test('key-1_a.b')).toBe(true);
    expect(xks.test('key/1')).toBe(false);
  });

  it('matches the PrincipalIdType and ServicePrincipalType patterns as AWS examples expect', () => {
    const principal = compileJavaPattern('^[\\w+=,.@:/-]+$');
    expect(principal.test('arn:aws:iam::111122223333:role/ExampleRole')).toBe(true);
    expect(principal.test('arn:aws:iam::111122223333:role/Example Role')).toBe(false);
    const service = compileJavaPattern('^([A-Za-z0-9\\-]+)\\.([A-Za-z0-9\\-]+)(\\.[A-Za-z0-9\\-]+)+$');
    expect(service.test('dynamodb.amazonaws.com')).toBe(true);
    expect(service.test('us-east-1.supportauthz.amazonaws.com')).toBe(true);
    expect(service.test('amazonaws.com')).toBe(false);
  });

  it('refuses constructs it cannot translate faithfully', () => {
    expect(() => javaPatternToJs('[a-z&&[^aeiou]]')).toThrow(/unsupported/);
    expect(() => javaPatternToJs('a++')).toThrow(/possessive/);
    expect(() => javaPatternToJs('(?i)abc')).toThrow(/unsupported/);
  });

  it('uses the u flag only for Unicode properties', () => {
    expect(javaPatternToJs('[\\u0020-\\u00FF]*').flags).toBe('');
    expect(javaPatternToJs('\\p{L}+').flags).toBe('u');
    expect(compileJavaPattern('^\\p{ASCII}+$').test('abc')).toBe(true);
    expect(compileJavaPattern('^\\p{ASCII}+$').test('キー')).toBe(false);
  });
});
