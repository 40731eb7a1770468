/**
 * Literals for generated code: the escapers "Copy as code" (src/ui/codegen.ts) and the exported
 * tests and scripts (toTest.ts) share. Every name and value they write may come from a hostile
 * share link, so nothing reaches generated code raw: values are string literals (or JSON inside
 * one shell word), and comment text can neither end its comment nor carry characters a terminal
 * or an editor would act on (controls, bidi overrides, zero-width characters).
 */

/**
 * Characters never written raw into generated code: controls (NUL, newlines, ESC, DEL, C1), format
 * characters (bidi overrides, zero-width characters, the BOM), line and paragraph separators, lone
 * surrogates, and private-use or unassigned code points. Strings show them as \u escapes instead.
 */
export const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/gu;
const UNSAFE_CHAR = new RegExp(UNSAFE_CHARS.source, 'u');

export function hex4(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, '0')}`;
}

/** a code point as a \u escape (JSON and JavaScript: a surrogate pair beyond U+FFFF) */
export function jsEscape(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp <= 0xffff) return hex4(cp);
  const c = cp - 0x10000;
  return hex4(0xd800 + (c >> 10)) + hex4(0xdc00 + (c & 0x3ff));
}

/**
 * JSON text (as JSON.stringify writes it) with no unsafe character left raw: JSON.stringify already
 * escapes quotes, backslashes, C0 controls and lone surrogates, and the other unsafe characters can
 * only stand inside strings, where a \u escape means the same.
 */
export function safeJson(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v).replace(UNSAFE_CHARS, jsEscape);
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'boolean') return String(v);
  if (v === null || typeof v !== 'object') return 'null';
  if (Array.isArray(v)) return `[${v.map(safeJson).join(',')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${safeJson(k)}:${safeJson(x)}`)
    .join(',')}}`;
}

/** a JavaScript string literal: JSON's escaping, plus "<" as \u003c so no "</script>" or "<!--" appears */
export function jsString(s: string): string {
  return safeJson(s).replaceAll('<', '\\u003c');
}

/** JSON.parse reads 1e400 as Infinity, which no JSON or literal spells; 1e999 reads back as the same Infinity in all three languages */
export function numberText(n: number): string {
  return Number.isFinite(n) ? String(n) : n > 0 ? '1e999' : '-1e999';
}

/**
 * Comment text: unsafe characters (a newline would end the comment) and backslashes are shown as
 * escapes. In Python a comment on line 1 or 2 that matches coding[:=] is an encoding declaration (a
 * "coding=utf-7" caller would turn "+ACI-" inside a later string into a quote), so that ":" or "=" is
 * escaped too; in JavaScript "<" is, as in strings.
 */
export function commentText(s: string, lang: 'sh' | 'py' | 'js'): string {
  let t = s.replace(/[\\]/g, '\\\\').replace(UNSAFE_CHARS, jsEscape);
  if (lang === 'py') t = t.replace(/(?<=coding)[:=]/g, (c) => hex4(c.charCodeAt(0)));
  if (lang === 'js') t = t.replaceAll('<', '\\u003c');
  return t;
}

/** a word any POSIX shell (and zsh and fish) reads as itself, left unquoted so ordinary regions and ARNs read as before */
const PLAIN_WORD = /^[A-Za-z0-9][A-Za-z0-9._:/@+,=-]*$/;

/**
 * One shell word that reads as exactly s, or undefined when s holds an unsafe character (a raw
 * control character pasted into a terminal can act on it, so the CLI flavour refuses such a region).
 * A backslash is written outside the quotes as \\ because fish reads \' inside single quotes as a quote.
 */
export function shellWord(s: string): string | undefined {
  if (PLAIN_WORD.test(s)) return s;
  if (UNSAFE_CHAR.test(s)) return undefined;
  return `'${s.replace(/['\\]/g, (c) => (c === "'" ? `'\\''` : `'\\\\'`))}'`;
}


/** a POSIX single-quoted word: a ' inside written as '\'' (for text with no unsafe character) */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * JSON text (from safeJson: no unsafe character) as one single-quoted shell word that every shell
 * reads as the same JSON. Inside single quotes fish still reads \\ as one backslash and \' as a quote,
 * so each escaped backslash of the JSON (\\, always a pair from the left) is written as \u005c,
 * the same backslash to any JSON reader, and no \\ is left for fish to rewrite.
 */
export function shellJson(json: string): string {
  return shellQuote(json.replace(/\\\\/g, '\\u005c'));
}

/** CreateGrant → create-grant; GenerateDataKeyWithoutPlaintext → generate-data-key-without-plaintext */
export function kebab(operation: string): string {
  return operation.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
