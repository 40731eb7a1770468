import { deflateSync } from 'fflate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeScenario,
  encodeScenario,
  fitsInUrl,
  fromBase64Url,
  MAX_ENCODED_LENGTH,
  scenarioFromHash,
  scenarioToUrlHash,
  toBase64Url,
  URL_SAFE_LENGTH,
  type DecodeResult,
} from '../../src/scenario/codec';
import { stripDefaults, validateScenario, type Scenario } from '../../src/scenario/format';
import { CIPHERTEXT, GRANT_TOKEN, LESSON_20, MINIMAL, TOKEN_LAB } from './fixtures';
import { scenarioArbitrary } from './arbitraries';
import { LESSONS } from '../../src/scenario/lessons/index';

const LESSON_LINKS = LESSONS.map((l) => encodeScenario(l.scenario));

const ERRORS = ['bad-encoding', 'bad-compression', 'too-large', 'bad-json', 'unknown-version', 'bad-shape'];

/** What an older or hand-made link looks like: any JSON under any prefix. */
function link(prefix: string, json: string): string {
  return prefix + toBase64Url(deflateSync(new TextEncoder().encode(json), { level: 9 }));
}

function expectError(r: DecodeResult, error: string) {
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.error).toBe(error);
    expect(r.detail.length).toBeGreaterThan(0);
  }
}

describe('encodeScenario / decodeScenario', () => {
  it('round-trips the lesson and the minimal scenario', () => {
    for (const s of [LESSON_20, MINIMAL]) {
      const encoded = encodeScenario(s);
      expect(encoded).toMatch(/^v2\.[A-Za-z0-9_-]+$/);
      expect(decodeScenario(encoded)).toEqual({ ok: true, scenario: s });
    }
  });

  it('round-trips any valid scenario, up to the defaults it leaves out (property)', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (s) => {
        const checked = validateScenario(s);
        expect(checked.ok).toBe(true);
        if (!checked.ok) return;
        const encoded = encodeScenario(s);
        const decoded = decodeScenario(encoded);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        // byte-level comparison: the JSON a replay would send, -0 and key order included
        expect(JSON.stringify(decoded.scenario)).toBe(JSON.stringify(stripDefaults(checked.scenario)));
        expect(encodeScenario(decoded.scenario)).toBe(encoded);
      }),
      { numRuns: 300, seed: 20261122 },
    );
  });

  it('leaves default settings out of the link', () => {
    const withDefaults: Scenario = { ...MINIMAL, settings: { region: 'us-east-1', hosts: 3, routing: 'random', principals: [] } };
    expect(encodeScenario(withDefaults)).toBe(encodeScenario(MINIMAL));
    expect(decodeScenario(encodeScenario(withDefaults))).toEqual({ ok: true, scenario: MINIMAL });
  });

  it('refuses to encode an invalid scenario (such a link would not open)', () => {
    expect(() => encodeScenario({ v: 2, seed: -1, steps: [] })).toThrow(TypeError);
  });

  it('keeps the 20-step lesson under 2,000 characters', () => {
    const encoded = encodeScenario(LESSON_20);
    const json = JSON.stringify(stripDefaults(LESSON_20));
    const withoutCiphertext = encodeScenario(JSON.parse(json.replaceAll(CIPHERTEXT, 'C')) as Scenario);
    const lab = encodeScenario(TOKEN_LAB);
    console.info(
      [
        `[scenario] 20-step lesson: ${json.length} chars of JSON -> ${encoded.length} chars encoded (${scenarioToUrlHash(LESSON_20).length} with #s=)`,
        `[scenario]   of which the ${CIPHERTEXT.length}-char ciphertext (sent 7 times): ${encoded.length - withoutCiphertext.length}`,
        `[scenario] grant-token lab (same + one ${GRANT_TOKEN.length}-char grant token): ${lab.length} chars, fits: ${fitsInUrl(lab)}`,
        `[scenario] minimal scenario (1 CreateKey, defaults): ${encodeScenario(MINIMAL).length} chars`,
      ].join('\n'),
    );
    expect(LESSON_20.steps).toHaveLength(20);
    expect(encoded.length).toBeLessThan(URL_SAFE_LENGTH);
    expect(fitsInUrl(encoded)).toBe(true);
    expect(fitsInUrl(encoded, 'https://example.github.io/kms-grant-playground/')).toBe(true);
    // the grant-token lab is the case a link cannot carry (docs/scenario-format.md, "Limits")
    expect(decodeScenario(lab)).toEqual({ ok: true, scenario: TOKEN_LAB });
  });

  it('refuses text longer than the limit before doing any work', () => {
    expectError(decodeScenario('v2.' + 'A'.repeat(MAX_ENCODED_LENGTH)), 'too-large');
  });

  it('refuses a decompression bomb: small link, huge output', () => {
    const bomb = toBase64Url(deflateSync(new Uint8Array(32 * 1024 * 1024).fill(0x20), { level: 9 }));
    expect(bomb.length).toBeLessThan(MAX_ENCODED_LENGTH);
    const started = performance.now();
    const r = decodeScenario('v2.' + bomb);
    const ms = performance.now() - started;
    expectError(r, 'too-large');
    console.info(`[scenario] bomb: ${bomb.length} chars would inflate to 32 MiB; refused after ${ms.toFixed(0)} ms`);
    // a JSON document just over the limit is refused too, one just under is read
    const spaces = (n: number) => link('v2.', '{"v":2,"seed":1,"steps":[]}' + ' '.repeat(n));
    expectError(decodeScenario(spaces(1_048_576)), 'too-large');
    expect(decodeScenario(spaces(1_000_000)).ok).toBe(true);
  });

  it('tells the kinds of broken links apart', () => {
    expectError(decodeScenario(''), 'bad-encoding');
    expectError(decodeScenario('hello'), 'bad-encoding');
    expectError(decodeScenario('v2.'), 'bad-json');
    expectError(decodeScenario('v1.abc$'), 'bad-encoding');
    expectError(decodeScenario('v1.A'), 'bad-encoding');
    expectError(decodeScenario('v2.' + toBase64Url(new Uint8Array([0xff, 0xff, 0xff, 0x12]))), 'bad-compression');
    expectError(decodeScenario(encodeScenario(MINIMAL).slice(0, -4)), 'bad-compression');
    expectError(decodeScenario(link('v2.', '{"v":2,')), 'bad-json');
    expectError(decodeScenario('v2.' + toBase64Url(deflateSync(new Uint8Array([0xc3, 0x28])))), 'bad-json');
    expectError(decodeScenario(link('v2.', '[1,2]')), 'bad-shape');
    expectError(decodeScenario(link('v2.', '{"v":2,"seed":"x","steps":[]}')), 'bad-shape');
    expectError(decodeScenario(link('v2.', '{"seed":1,"steps":[]}')), 'bad-shape');
  });

  it('says unknown-version for a newer link, before decompressing it', () => {
    expect(decodeScenario('v3.whatever')).toEqual({
      ok: false,
      error: 'unknown-version',
      detail: 'format v3 is newer than this playground (reads up to v2)',
    });
    expectError(decodeScenario(link('v2.', '{"v":7,"seed":1,"steps":[]}')), 'bad-shape');
  });

  it('opens a v0 link through the migration', () => {
    const r = decodeScenario(link('v0.', JSON.stringify({ v: 0, seed: 5, requests: [{ t: 10, op: 'ListKeys', input: {} }] })));
    expect(r).toEqual({ ok: true, scenario: { v: 2, seed: 5, steps: [{ kind: 'request', at: 10, target: 'ListKeys', body: {} }] } });
  });

  it('tolerates whitespace, padding and the standard base64 alphabet', () => {
    const encoded = encodeScenario(LESSON_20);
    const wrapped = `  ${encoded.slice(0, 40)}\n${encoded.slice(40)}  `;
    expect(decodeScenario(wrapped).ok).toBe(true);
    const payload = encoded.slice(3);
    const padded = payload + '='.repeat((4 - (payload.length % 4)) % 4);
    expect(decodeScenario('v2.' + padded.replaceAll('-', '+').replaceAll('_', '/')).ok).toBe(true);
  });

  it('never throws, whatever the text (property)', () => {
    const prefix = fc.constantFrom('', 'v2.', 'v1.', 'v0.', 'v3.', 'v01.', 'V2.');
    const texts = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ maxLength: 300, unit: 'binary' }),
      fc.tuple(prefix, fc.string({ maxLength: 300, unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ ') })).map(([p, s]) => p + s),
      fc.tuple(prefix, fc.uint8Array({ maxLength: 400 })).map(([p, b]) => p + toBase64Url(b)),
      fc.tuple(prefix, fc.uint8Array({ maxLength: 400 })).map(([p, b]) => p + toBase64Url(deflateSync(b))),
      fc.tuple(prefix, fc.jsonValue({ maxDepth: 4 })).map(([p, j]) => link(p, JSON.stringify(j) ?? 'null')),
      fc.tuple(prefix, fc.record({ v: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.string()), seed: fc.anything(), steps: fc.anything() })).map(([p, j]) =>
        link(p, JSON.stringify(j) ?? 'null'),
      ),
      // a valid link with one character changed
      fc.tuple(fc.nat(), fc.constantFrom(...'Aa0-_.')).map(([i, c]) => {
        const e = encodeScenario(LESSON_20);
        const at = i % e.length;
        return e.slice(0, at) + c + e.slice(at + 1);
      }),
      // a lesson link (references, expectations, notes) with one character changed or cut short
      fc.tuple(fc.constantFrom(...LESSON_LINKS), fc.nat(), fc.constantFrom(...'Aa0-_.'), fc.boolean()).map(([e, i, c, cut]) => {
        const at = i % e.length;
        return cut ? e.slice(0, at) : e.slice(0, at) + c + e.slice(at + 1);
      }),
      // JSON that is almost a v2 scenario
      fc
        .tuple(fc.constantFrom('v2.', 'v1.'), fc.record({ v: fc.constantFrom(1, 2), seed: fc.nat(), steps: fc.array(fc.record({ kind: fc.constantFrom('request', 'settle', 'note'), id: fc.string({ maxLength: 4 }), target: fc.constant('X'), body: fc.jsonValue({ maxDepth: 2 }), expect: fc.anything() }, { requiredKeys: ['kind'] }), { maxLength: 4 }) }))
        .map(([p, j]) => link(p, JSON.stringify(j))),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const r = decodeScenario(text);
        if (r.ok) expect(validateScenario(r.scenario).ok).toBe(true);
        else expect(ERRORS).toContain(r.error);
      }),
      { numRuns: 2_000, seed: 7 },
    );
    for (const odd of [undefined, null, 42, {}, [], Symbol('x')]) {
      expect(decodeScenario(odd as unknown as string)).toMatchObject({ ok: false, error: 'bad-encoding' });
    }
  });
});

describe('URL hash', () => {
  it('writes #s=<encoded> and reads it back', () => {
    const hash = scenarioToUrlHash(LESSON_20);
    expect(hash).toBe('#s=' + encodeScenario(LESSON_20));
    expect(scenarioFromHash(hash)).toEqual({ ok: true, scenario: LESSON_20 });
    expect(scenarioFromHash(hash.slice(1))).toEqual({ ok: true, scenario: LESSON_20 });
  });

  it('ignores other hash parameters and percent-encoding', () => {
    const encoded = encodeScenario(MINIMAL);
    expect(scenarioFromHash(`#embed&s=${encoded}&step=4`)).toEqual({ ok: true, scenario: MINIMAL });
    expect(scenarioFromHash(`#s=${encodeURIComponent(encoded).replace('.', '%2E')}`)).toEqual({ ok: true, scenario: MINIMAL });
    expectError(scenarioFromHash('#s=%E0%A4%A')!, 'bad-encoding');
  });

  it('returns null when the hash carries no scenario, and an error for a broken one', () => {
    expect(scenarioFromHash('')).toBeNull();
    expect(scenarioFromHash('#')).toBeNull();
    expect(scenarioFromHash('#step=3')).toBeNull();
    expectError(scenarioFromHash('#s=')!, 'bad-encoding');
    expectError(scenarioFromHash('#s=v9.abc')!, 'unknown-version');
  });

  it('measures the length against URL_SAFE_LENGTH, base URL included', () => {
    expect(URL_SAFE_LENGTH).toBe(2_000);
    expect(fitsInUrl('x'.repeat(1_997))).toBe(true);
    expect(fitsInUrl('x'.repeat(1_998))).toBe(false);
    expect(fitsInUrl('x'.repeat(1_990), 'https://a.b/')).toBe(false);
  });
});

describe('base64url', () => {
  it('matches Node for every length and byte value (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = toBase64Url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(fromBase64Url(text)).toEqual(bytes);
      }),
      { seed: 3 },
    );
  });

  it('refuses characters outside the alphabet and impossible lengths', () => {
    expect(fromBase64Url('ab c')).toBeNull();
    expect(fromBase64Url('abcde')).toBeNull();
    expect(fromBase64Url('é')).toBeNull();
    expect(fromBase64Url('')).toEqual(new Uint8Array(0));
  });
});
