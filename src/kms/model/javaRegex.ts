/**
 * Translates the Java regular expressions of the AWS model (`pattern` traits) into JavaScript.
 *
 * The service checks a pattern with Java's `Matcher.matches()`: the WHOLE value must match, so the
 * translation is wrapped as `^(?:…)$` (unless it is already anchored at both ends). Differences between the two dialects that matter here:
 *
 * - `.` in Java excludes the line terminators \n \r \u0085 \u2028 \u2029 (JS: no \u0085 exclusion).
 * - `\s` in Java is ASCII only: [ \t\n\x0B\f\r] (JS: also Unicode spaces); `\S` its complement.
 * - `\w`, `\d`, `\b` are ASCII in both (no UNICODE_CHARACTER_CLASS flag in the model).
 * - escapes of non-syntax characters (`\-` outside a class, `\_`) are legal in Java but not in
 *   a `u`-flag JS pattern; they become the literal character.
 * - a `-` inside a class that cannot start a range (`[0-9-_]`) is literal in Java; it is
 *   escaped so the result is valid with and without the `u` flag.
 * - POSIX/Java classes `\p{ASCII}`, `\p{Alpha}`, `\p{Digit}`, `\p{Alnum}`, `\p{Upper}`,
 *   `\p{Lower}`, `\p{Punct}`, `\p{Space}` become ASCII ranges; Unicode categories (`\p{L}`,
 *   `\p{IsAlphabetic}`…) stay `\p{…}` and need the `u` flag.
 *
 * Unsupported (throws): class intersection `&&`, nested classes, possessive quantifiers,
 * atomic groups, `\G`, `\R`, `\X`, back-references by name. None occurs in the KMS model; the
 * generator's test compiles every model pattern through this function.
 */

export interface JsPattern {
  /** the translated pattern, anchored for whole-value matching (^(?:…)$ unless already anchored) */
  readonly source: string;
  /** '' or 'u' (only when the translation uses \p{…}) */
  readonly flags: string;
}

const SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|']);
const LINE_TERMINATORS = '\\n\\r\\u0085\\u2028\\u2029';
const JAVA_SPACE = '\\t\\n\\x0B\\f\\r ';

/** POSIX-style property classes of java.util.regex, as the contents of a JS class */
const POSIX: Readonly<Record<string, string>> = {
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Upper: 'A-Z',
  Lower: 'a-z',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: JAVA_SPACE,
};

class Translator {
  private i = 0;
  private out = '';
  private depth = 0;
  unicode = false;
  /** a `|` outside every group: the anchors of one branch do not anchor the others */
  topLevelAlternation = false;

  constructor(private readonly src: string) {}

  run(): string {
    while (this.i < this.src.length) this.outside();
    return this.out;
  }

  private fail(what: string): never {
    throw new Error(`unsupported Java regex construct (${what}) at ${this.i} in ${this.src}`);
  }

  private outside(): void {
    const c = this.src[this.i]!;
    if (c === '\\') {
      this.out += this.escape(false);
      return;
    }
    if (c === '[') {
      this.out += this.charClass();
      return;
    }
    if (c === '.') {
      this.out += `[^${LINE_TERMINATORS}]`;
      this.i++;
      return;
    }
    if (c === '(' && this.src[this.i + 1] === '?') {
      const n = this.src[this.i + 2];
      if (n === ':' || n === '=' || n === '!') {
        this.depth++;
        this.out += `(?${n}`;
        this.i += 3;
        return;
      }
      if (n === '<' && (this.src[this.i + 3] === '=' || this.src[this.i + 3] === '!')) {
        this.depth++;
        this.out += `(?<${this.src[this.i + 3]}`;
        this.i += 4;
        return;
      }
      this.fail('group modifier');
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && this.src[this.i + 1] === '+') this.fail('possessive quantifier');
    if (c === '(') this.depth++;
    else if (c === ')') this.depth--;
    else if (c === '|' && this.depth === 0) this.topLevelAlternation = true;
    this.out += c;
    this.i++;
  }

  /** reads one escape starting at a backslash; returns its JS text */
  private escape(inClass: boolean): string {
    const c = this.src[this.i + 1];
    if (c === undefined) this.fail('trailing backslash');
    this.i += 2;
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 't':
      case 'n':
      case 'r':
      case 'f':
        return `\\${c}`;
      case 'b':
      case 'B':
        if (inClass) this.fail('\\b in a class');
        return `\\${c}`;
      case 's':
        return inClass ? JAVA_SPACE : `[${JAVA_SPACE}]`;
      case 'S':
        if (inClass) this.fail('\\S in a class');
        return `[^${JAVA_SPACE}]`;
      case 'a':
        return '\\x07';
      case 'e':
        return '\\x1B';
      case 'A':
        if (inClass) this.fail('\\A in a class');
        return '^';
      case 'z':
      case 'Z':
        if (inClass) this.fail(`\\${c} in a class`);
        return '$';
      case 'u': {
        const hex = this.src.slice(this.i, this.i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('\\u escape');
        this.i += 4;
        return `\\u${hex}`;
      }
      case 'x': {
        const hex = this.src.slice(this.i, this.i + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.fail('\\x escape');
        this.i += 2;
        return `\\x${hex}`;
      }
      case '0': {
        const m = /^[0-7]{1,3}/.exec(this.src.slice(this.i));
        if (!m) this.fail('octal escape');
        this.i += m[0].length;
        return `\\u${parseInt(m[0], 8).toString(16).padStart(4, '0')}`;
      }
      case 'p':
      case 'P': {
        const m = /^\{(\w+)\}/.exec(this.src.slice(this.i));
        if (!m) this.fail('\\p without braces');
        this.i += m[0].length;
        let name = m[1]!.replace(/^Is(?=[A-Z])/, '');
        if (name.startsWith('In')) this.fail('\\p{In…} block');
        const posix = POSIX[name];
        if (posix !== undefined) {
          if (inClass) {
            if (c === 'P') this.fail('\\P{…} in a class');
            return posix;
          }
          return c === 'p' ? `[${posix}]` : `[^${posix}]`;
        }
        if (name === 'javaLowerCase') name = 'Lowercase';
        else if (name === 'javaUpperCase') name = 'Uppercase';
        this.unicode = true;
        return `\\${c}{${name}}`;
      }
      case 'Q': {
        const end = this.src.indexOf('\\E', this.i);
        const quoted = this.src.slice(this.i, end < 0 ? undefined : end);
        this.i = end < 0 ? this.src.length : end + 2;
        let s = '';
        for (const ch of quoted) s += inClass ? classLiteral(ch) : literal(ch);
        return s;
      }
      default:
        if (/[0-9]/.test(c) || /[A-Za-z]/.test(c)) this.fail(`\\${c}`);
        return inClass ? classLiteral(c) : literal(c);
    }
  }

  private charClass(): string {
    this.i++; // [
    let body = '';
    if (this.src[this.i] === '^') {
      body += '^';
      this.i++;
    }
    let first = true;
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined) this.fail('unterminated class');
      if (c === ']' && !first) {
        this.i++;
        return `[${body}]`;
      }
      first = false;
      if (c === '[') this.fail('nested class');
      if (c === '&' && this.src[this.i + 1] === '&') this.fail('class intersection');
      const start = this.classAtom();
      // a range needs `-` followed by an atom (not the closing bracket)
      if (start.single && this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        this.i++;
        const end = this.classAtom();
        if (!end.single) this.fail('range to a class escape');
        body += `${start.text}-${end.text}`;
      } else {
        body += start.text;
      }
    }
  }

  /** one class member: a single character (possibly escaped) or a class escape like \w */
  private classAtom(): { text: string; single: boolean } {
    const c = this.src[this.i]!;
    if (c === '\\') {
      const n = this.src[this.i + 1];
      const single = n !== undefined && !'dDwWsSpP'.includes(n);
      return { text: this.escape(true), single };
    }
    this.i++;
    return { text: classLiteral(c), single: true };
  }
}

/** whether the final character of s is escaped by an odd run of backslashes */
function endsEscaped(s: string): boolean {
  let n = 0;
  for (let i = s.length - 2; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function literal(ch: string): string {
  return SYNTAX.has(ch) ? `\\${ch}` : ch;
}

function classLiteral(ch: string): string {
  return ch === '\\' || ch === ']' || ch === '[' || ch === '^' || ch === '-' ? `\\${ch}` : ch;
}

/** Translates a model pattern (Java syntax) to an anchored JS pattern with Java matches() semantics. */
export function javaPatternToJs(pattern: string): JsPattern {
  const t = new Translator(pattern);
  const body = t.run();
  const flags = t.unicode ? 'u' : '';
  // already anchored at both ends (and no top-level `|`): use as is
  if (!t.topLevelAlternation && body.startsWith('^') && body.endsWith('$') && !endsEscaped(body)) return { source: body, flags };
  return { source: `^(?:${body})$`, flags };
}

/** javaPatternToJs compiled to a RegExp (no g/y flag, so test() keeps no state). */
export function compileJavaPattern(pattern: string): RegExp {
  const { source, flags } = javaPatternToJs(pattern);
  return new RegExp(source, flags);
}
