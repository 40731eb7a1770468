/**
 * The render-blocking entry (build/firstPaint.ts): a built page's entry script in <head> gets
 * `blocking="render"`, once, and nothing else in the page changes.
 */
import { describe, expect, it } from 'vitest';
import { withRenderBlockingEntry } from '../../build/firstPaint';

const built = (head: string, body = '<div id="app"></div>') => `<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="UTF-8" />\n${head}\n  </head>\n  <body>\n    ${body}\n  </body>\n</html>\n`;

describe('the render-blocking entry (build/firstPaint.ts)', () => {
  it('marks the entry module script in <head>, keeping its other attributes', () => {
    const page = built('    <script type="module" crossorigin src="./assets/index-AbC123.js"></script>\n    <link rel="modulepreload" crossorigin href="./assets/format-X.js">\n    <link rel="stylesheet" crossorigin href="./assets/index-Y.css">');
    const out = withRenderBlockingEntry(page);
    expect(out).toContain('<script blocking="render" type="module" crossorigin src="./assets/index-AbC123.js"></script>');
    expect(out.replace(' blocking="render"', '')).toBe(page);
  });

  it('marks only the first module script, and is idempotent', () => {
    const page = built('    <script type="module" src="./a.js"></script>\n    <script type="module" src="./b.js"></script>');
    const once = withRenderBlockingEntry(page);
    expect(once.match(/blocking="render"/g)).toHaveLength(1);
    expect(once).toContain('<script blocking="render" type="module" src="./a.js">');
    expect(withRenderBlockingEntry(once)).toBe(once);
  });

  it('leaves scripts in <body>, classic and inline scripts, and pages without a head alone', () => {
    const inBody = built('    <title>t</title>', '<script type="module" src="/src/main.ts"></script>');
    expect(withRenderBlockingEntry(inBody)).toBe(inBody);
    const classic = built('    <script src="./legacy.js"></script>\n    <script type="module">import "./x.js"</script>');
    expect(withRenderBlockingEntry(classic)).toBe(classic);
    expect(withRenderBlockingEntry('<p>no head</p>')).toBe('<p>no head</p>');
  });
});
