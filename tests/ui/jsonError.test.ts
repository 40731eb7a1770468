/**
 * The response pane's note on where a request body stops being JSON: it agrees with JSON.parse on
 * what is valid, points at the first bad character, and survives hostile depth.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorNote, jsonSyntaxError } from '../../src/ui/jsonError';

const valid = (t: string) => {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
};

describe('jsonSyntaxError', () => {
  it('finds nothing wrong in what JSON.parse accepts, and something in what it refuses', () => {
    fc.assert(
      fc.property(fc.json(), (t) => {
        expect(jsonSyntaxError(t)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '\n', '\\', '\u0000'), (t, at, insert) => {
        const k = at % (t.length + 1);
        const edited = t.slice(0, k) + insert + t.slice(k);
        expect(jsonSyntaxError(edited) === undefined).toBe(valid(edited));
      }),
      { numRuns: 1000 },
    );
  });

  it('points at a truncated body’s end, with its line and column', () => {
    const body = '{\n  "KeyId": "alias/app",\n  "Plaintext": "aGk=';
    expect(jsonSyntaxError(body)).toMatchObject({ offset: body.length, line: 3, column: 21, found: 'the end of the body' });
    expect(jsonErrorNote(body)).toBe('The request body stops being JSON at line 3, column 21: expected the closing quote of a string, found the end of the body.');
  });

  it('names a trailing comma, a missing colon and a bare word', () => {
    expect(jsonErrorNote('{\n  "KeyId": "x",\n}')).toBe('The request body stops being JSON at line 3, column 1: expected a member name in double quotes (JSON allows no comma before }), found "}".');
    expect(jsonSyntaxError('{"a" 1}')).toMatchObject({ column: 6, expected: "':' after the member name" });
    expect(jsonSyntaxError('{"a": tru}')).toMatchObject({ column: 7 });
    expect(jsonSyntaxError('[1,]')).toMatchObject({ column: 4 });
    expect(jsonSyntaxError('{} {}')).toMatchObject({ column: 4, expected: 'nothing more: the body is one JSON value' });
    expect(jsonErrorNote('   ')).toBe('The request body is empty: KMS expects a JSON object, at least {}.');
  });

  it('walks 200,000 open brackets without overflowing the stack', () => {
    expect(jsonSyntaxError('['.repeat(200_000))).toMatchObject({ offset: 200_000, found: 'the end of the body' });
    expect(jsonSyntaxError('['.repeat(100_000) + ']'.repeat(100_000))).toBeUndefined();
  });
});
