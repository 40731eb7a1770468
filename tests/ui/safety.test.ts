/**
 * Scenario content is data, never markup or code (issue 8 §2). This scans every source file of
 * the app for the ways a string can become markup or code, and checks the build's policy and
 * offline plugins (build/csp.ts, build/serviceWorker.ts).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CSP, CSP_DIRECTIVES, withPolicy } from '../../build/csp';
import { SW_FILE, precacheManifest, renderServiceWorker } from '../../build/serviceWorker';

const root = resolve(import.meta.dirname, '../..');

/** what turns a string into markup or code */
const BANNED: ReadonlyArray<{ name: string; re: RegExp }> = [
  { name: '{@html}', re: /\{@html\b/ },
  { name: '.innerHTML =', re: /\.innerHTML\s*\+?=(?!=)/ },
  { name: 'outerHTML', re: /\bouterHTML\b/ },
  { name: 'insertAdjacentHTML', re: /\binsertAdjacentHTML\b/ },
  { name: 'document.write', re: /\bdocument\s*\.\s*write(ln)?\b/ },
  { name: 'eval(', re: /(?<![\w$])eval\s*\(/ },
  { name: 'new Function(', re: /\bnew\s+Function\s*\(/ },
  { name: 'setTimeout/setInterval with a string', re: /\bset(Timeout|Interval)\s*\(\s*['"`]/ },
];

/**
 * Uses that are legitimate, each with the reason. Keep it empty if you can: text goes in with
 * textContent or Svelte's {expressions}, which escape. An entry is `{ file, name, why }` with
 * file relative to the repository (src/ui/x.ts) and name one of BANNED's names; an entry that
 * no longer matches anything fails the test, so the list cannot rot.
 */
const ALLOWED: ReadonlyArray<{ file: string; name: string; why: string }> = [];

/**
 * The code without its comments (a comment may mention what it must not do), keeping strings,
 * templates and line numbers. Good enough for a lint: regex literals are read as code.
 */
function stripComments(src: string, html = false): string {
  let out = '';
  let i = 0;
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  while (i < src.length) {
    const c = src[i];
    const two = src.slice(i, i + 2);
    if (html && src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i + 4);
      const stop = end < 0 ? src.length : end + 3;
      out += blank(src.slice(i, stop));
      i = stop;
    } else if (two === '//') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      out += blank(src.slice(i, stop));
      i = stop;
    } else if (two === '/*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += blank(src.slice(i, stop));
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c && !(c !== '`' && src[j] === '\n')) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function findBanned(src: string, html: boolean): Array<{ name: string; line: number; text: string }> {
  const code = stripComments(src, html).split('\n');
  const hits: Array<{ name: string; line: number; text: string }> = [];
  code.forEach((text, n) => {
    for (const b of BANNED) if (b.re.test(text)) hits.push({ name: b.name, line: n + 1, text: src.split('\n')[n].trim() });
  });
  return hits;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.(svelte|ts)$/.test(name) ? [full] : [];
  });
}

describe('no markup or code from strings in src/', () => {
  const files = sources(join(root, 'src'));
  const hits = files.flatMap((f) => {
    const file = relative(root, f).split(sep).join('/');
    return findBanned(readFileSync(f, 'utf8'), f.endsWith('.svelte')).map((h) => ({ file, ...h }));
  });

  it('scans the app (every .svelte and .ts file under src/)', () => {
    expect(files.some((f) => f.endsWith('App.svelte'))).toBe(true);
    expect(files.some((f) => f.endsWith('main.ts'))).toBe(true);
  });

  it('finds no {@html}, innerHTML/outerHTML writes, insertAdjacentHTML, document.write, eval, new Function or string timers', () => {
    const unexplained = hits.filter((h) => !ALLOWED.some((a) => a.file === h.file && a.name === h.name));
    expect(unexplained.map((h) => `${h.file}:${h.line} ${h.name}: ${h.text}`)).toEqual([]);
  });

  it('keeps no stale allow-list entry', () => {
    const stale = ALLOWED.filter((a) => !hits.some((h) => h.file === a.file && h.name === a.name));
    expect(stale).toEqual([]);
  });
});

describe('the scanner', () => {
  it('catches each banned form', () => {
    const samples: Record<string, string> = {
      '{@html}': '<p>{@html note}</p>',
      '.innerHTML =': 'el.innerHTML = name;',
      outerHTML: 'row.outerHTML = html;',
      insertAdjacentHTML: "el.insertAdjacentHTML('beforeend', s);",
      'document.write': 'document.write(s);',
      'eval(': 'const v = eval(text); const w = globalThis.eval(text);',
      'new Function(': "const f = new Function('a', body);",
      'setTimeout/setInterval with a string': "setTimeout('go()', 10); setInterval(`tick()`, 5);",
    };
    for (const b of BANNED) expect(findBanned(samples[b.name], true).map((h) => h.name), b.name).toContain(b.name);
  });

  it('lets safe look-alikes and comments through', () => {
    const safe = [
      'el.textContent = name; const x = el.innerHTML === "";',
      'page.evaluate(() => 1); retrieval(x); obj.evaluate(s);',
      'setTimeout(() => go(), 10); setInterval(tick, 5);',
      '// never use {@html} or eval( here',
      '/* el.innerHTML = x; document.write(y) */',
      "const msg = 'a // not a comment'; const n = 1;",
    ];
    for (const s of safe) expect(findBanned(s, false), s).toEqual([]);
    expect(findBanned('<!-- no {@html x} here -->\n<p>{text}</p>', true)).toEqual([]);
  });

  it('keeps line numbers when comments span lines', () => {
    expect(findBanned('/* one\ntwo */\nel.innerHTML = x;', false)).toEqual([{ name: '.innerHTML =', line: 3, text: 'el.innerHTML = x;' }]);
  });
});

describe('the Content-Security-Policy (build/csp.ts)', () => {
  it('allows scripts and workers from the origin only, and no eval', () => {
    expect(CSP_DIRECTIVES['script-src']).toBe("'self'");
    expect(CSP_DIRECTIVES['worker-src']).toBe("'self'");
    expect(CSP_DIRECTIVES['object-src']).toBe("'none'");
    expect(CSP).not.toMatch(/unsafe-eval|wasm-unsafe-eval|\*|blob:|https?:/);
    expect(CSP_DIRECTIVES['script-src']).not.toMatch(/unsafe-inline/);
  });

  it('puts the policy right after <meta charset> and replaces any policy the page had', () => {
    const page = '<!doctype html>\n<html><head>\n    <meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="script-src * \'unsafe-eval\'" />\n    <title>t</title>\n    <script type="module" src="/src/x.ts"></script>\n</head></html>';
    const out = withPolicy(page);
    expect(out).not.toContain('unsafe-eval');
    expect(out.match(/Content-Security-Policy/g)).toHaveLength(1);
    expect(out.indexOf('charset')).toBeLessThan(out.indexOf('Content-Security-Policy'));
    expect(out.indexOf(CSP)).toBeLessThan(out.indexOf('<script'));
  });

  it('puts the policy first in a head without a charset, and refuses a page without a head', () => {
    const out = withPolicy('<html><head><script src="/a.js"></script></head></html>');
    expect(out.indexOf(CSP)).toBeGreaterThan(0);
    expect(out.indexOf(CSP)).toBeLessThan(out.indexOf('<script'));
    expect(() => withPolicy('<p>no head</p>')).toThrow(/without <head>/);
  });
});

describe('the service worker (build/serviceWorker.ts)', () => {
  const files = new Map<string, string | Uint8Array>([
    ['index.html', '<html></html>'],
    ['assets/index-abc.js', 'console.log(1)'],
    ['assets/monaco-def.js', 'monaco'],
    ['assets/codicon-1.ttf', new Uint8Array([1, 2, 3])],
    ['assets/index-abc.js.map', '{}'],
    [SW_FILE, 'old worker'],
    ['.vite/manifest.json', '{}'],
  ]);

  it('precaches every built file but itself, maps and manifests, in a stable order', () => {
    expect(precacheManifest(files).assets).toEqual(['assets/codicon-1.ttf', 'assets/index-abc.js', 'assets/monaco-def.js', 'index.html']);
  });

  it('gets a new version when any precached byte changes, and only then', () => {
    const { version } = precacheManifest(files);
    expect(precacheManifest(new Map(files)).version).toBe(version);
    expect(precacheManifest(new Map([...files, ['assets/codicon-1.ttf', new Uint8Array([1, 2, 4])]])).version).not.toBe(version);
    expect(precacheManifest(new Map([...files, ['favicon.svg', '<svg/>']])).version).not.toBe(version);
    expect(precacheManifest(new Map([...files, ['assets/index-abc.js.map', '{"changed":1}']])).version).toBe(version);
  });

  it('writes the version and list into a worker that parses', () => {
    const { version, assets } = precacheManifest(files);
    const sw = renderServiceWorker(version, assets);
    expect(sw).toContain(`const VERSION = "${version}";`);
    expect(sw).toContain('"assets/monaco-def.js"');
    expect(sw).not.toMatch(/__VERSION__|__ASSETS__/);
    // it compiles as a classic script (not run here: it needs a ServiceWorkerGlobalScope)
    expect(() => new Script(sw, { filename: SW_FILE })).not.toThrow();
  });
});
