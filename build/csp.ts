/**
 * The Content-Security-Policy of every page (issue 8 §2), in one place. A Vite plugin puts it
 * first in the <head> of every HTML page (index, lesson, embed, any later one), replacing a
 * policy a page may carry itself, in dev and build alike: so no page can ship without it or with
 * a looser one.
 *
 * - script-src 'self': no inline script, no eval/new Function (no 'unsafe-eval'); pages load
 *   their code from <script type="module" src> only
 * - style-src 'unsafe-inline': Monaco injects <style> elements (themes, decorations) and the
 *   app sets style attributes; styles cannot run code
 * - worker-src 'self': Monaco's editor and JSON workers and the service worker, all same-origin
 *   files (no blob: workers)
 * - font-src 'self' data:: Monaco's codicon font (a file in the build)
 * - connect-src 'self': the simulator runs in the page, nothing is fetched from elsewhere (the
 *   Vite dev server's HMR websocket is same-origin, which 'self' covers)
 * - object-src 'none', base-uri 'self', form-action 'none'
 * frame-ancestors cannot be set in a <meta> policy: embed.html is meant to be framed anyway.
 */
import type { Plugin } from 'vite';

export const CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data:",
  'font-src': "'self' data:",
  'worker-src': "'self'",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'self'",
  'form-action': "'none'",
};

export const CSP = Object.entries(CSP_DIRECTIVES)
  .map(([k, v]) => `${k} ${v}`)
  .join('; ');

const META = /[ \t]*<meta\s[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>[ \t]*\r?\n?/gi;

/** the page with its own policy (if any) removed and ours put right after <meta charset> (or first in <head>) */
export function withPolicy(html: string): string {
  const tag = `<meta http-equiv="Content-Security-Policy" content="${CSP}" />`;
  const page = html.replace(META, '');
  const charset = /<meta\s+charset\s*=[^>]*>/i.exec(page);
  if (charset) {
    const at = charset.index + charset[0].length;
    return `${page.slice(0, at)}\n    ${tag}${page.slice(at)}`;
  }
  const head = /<head[^>]*>/i.exec(page);
  if (!head) throw new Error('Content-Security-Policy: a page without <head>');
  const at = head.index + head[0].length;
  return `${page.slice(0, at)}\n    ${tag}${page.slice(at)}`;
}

export function contentSecurityPolicy(): Plugin {
  return {
    name: 'kms-playground:csp',
    // before Vite adds its own tags, so the policy precedes every script and stylesheet
    transformIndexHtml: { order: 'pre', handler: withPolicy },
  };
}
