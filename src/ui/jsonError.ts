/**
 * Where a request body stops being JSON, for the response pane's playground-only note beside a
 * SerializationException (KMS itself says nothing of where). JSON.parse's messages differ between
 * engines and often name no position, so this walks the text itself: iteratively, with an explicit
 * stack, so a hostile body of 100,000 `[` cannot overflow the call stack. It only locates the first
 * error; it builds no values.
 */

export interface JsonSyntaxError {
  /** 0-based offset of the first character that cannot continue the JSON (the length at the end) */
  offset: number;
  /** 1-based line and column of that offset (columns count UTF-16 code units) */
  line: number;
  column: number;
  /** what was expected there, in plain words */
  expected: string;
  /** what was found: a quoted character, or "the end of the body" */
  found: string;
}

const WS = new Set([' ', '\t', '\n', '\r']);

/** the first syntax error in `text`, or undefined when it is one valid JSON value */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const n = text.length;
  // what each open container expects next
  const stack: ('array-first' | 'array-next' | 'object-first' | 'object-next')[] = [];

  const skip = () => {
    while (i < n && WS.has(text[i])) i++;
  };
  const fail = (expected: string): JsonSyntaxError => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < i && k < n; k++) {
      if (text.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    const found = i >= n ? 'the end of the body' : describeChar(text, i);
    return { offset: Math.min(i, n), line, column: Math.min(i, n) - lineStart + 1, expected, found };
  };
  /** reads a string starting at text[i] === '"'; false on error (i at the bad character) */
  const readString = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            return false;
          }
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          i++;
          return false;
        }
        i += 2;
        continue;
      }
      i++;
    }
    return false;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

  /** reads one scalar or opens a container; an error or undefined */
  const readValue = (): JsonSyntaxError | undefined => {
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      stack.push('object-first');
      return undefined;
    }
    if (c === '[') {
      i++;
      stack.push('array-first');
      return undefined;
    }
    if (c === '"') return readString() ? undefined : fail(i >= n ? 'the closing quote of a string' : 'a character allowed in a string (control characters must be escaped, and \\ starts an escape such as \\n or \\u0041)');
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return undefined;
      }
    }
    NUMBER.lastIndex = i;
    if (c !== undefined && NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return undefined;
    }
    return fail('a value (a string in double quotes, a number, true, false, null, an object or an array)');
  };

  let err = readValue();
  if (err) return err;
  while (stack.length > 0) {
    skip();
    const top = stack[stack.length - 1];
    if (top === 'object-first' || top === 'object-next') {
      if (top === 'object-first' && text[i] === '}') {
        i++;
        stack.pop();
        continue;
      }
      if (top === 'object-next') {
        if (text[i] === '}') {
          i++;
          stack.pop();
          continue;
        }
        if (text[i] !== ',') return fail("',' between members or '}' to close the object");
        i++;
        skip();
      }
      if (text[i] !== '"') return fail(top === 'object-first' ? "a member name in double quotes or '}'" : 'a member name in double quotes (JSON allows no comma before })');
      if (!readString()) return fail('the closing quote of a member name');
      skip();
      if (text[i] !== ':') return fail("':' after the member name");
      i++;
      stack[stack.length - 1] = 'object-next';
      err = readValue();
      if (err) return err;
      continue;
    }
    // an array
    if (text[i] === ']') {
      if (top === 'array-first' || top === 'array-next') {
        i++;
        stack.pop();
        continue;
      }
    }
    if (top === 'array-next') {
      if (text[i] !== ',') return fail("',' between elements or ']' to close the array");
      i++;
      skip();
      if (text[i] === ']') return fail('a value (JSON allows no comma before ])');
    }
    stack[stack.length - 1] = 'array-next';
    err = readValue();
    if (err) return err;
  }
  skip();
  if (i < n) return fail('nothing more: the body is one JSON value');
  return undefined;
}

function describeChar(text: string, i: number): string {
  const cp = text.codePointAt(i) ?? 0;
  if (cp < 0x20 || cp === 0x7f) return `the control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return JSON.stringify(String.fromCodePoint(cp));
}

/** the note shown beside a SerializationException whose request body is not JSON at all */
export function jsonErrorNote(body: string): string | undefined {
  const e = jsonSyntaxError(body);
  if (!e) return undefined;
  if (e.offset >= body.length && body.trim() === '') return 'The request body is empty: KMS expects a JSON object, at least {}.';
  return `The request body stops being JSON at line ${e.line}, column ${e.column}: expected ${e.expected}, found ${e.found}.`;
}
