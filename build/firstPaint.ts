/**
 * Every built page's entry script blocks rendering (`blocking="render"`), so the browser's first
 * paint is the page's shell, not an empty page followed by the shell a few hundred milliseconds
 * later. Nothing is painted sooner or later than before for the user; what goes is one wasted
 * frame of an empty page (and the work of painting it) in the middle of the entry's evaluation.
 *
 * The attribute only counts on a script parsed in <head> (a render-blocking element must arrive
 * before <body>), which is where Vite puts the entry of a built page; the dev server's pages
 * keep their script in <body>, where the attribute would do nothing, so this runs on builds only.
 * A script that fails to load stops blocking, so an error still shows.
 *
 * docs/performance.md ("The first answer") has the figures.
 */
import type { Plugin } from 'vite';

/** an entry module script in <head>: Vite's `<script type="module" crossorigin src="./assets/…">` */
const ENTRY = /<script(?=[^>]*\stype="module")(?=[^>]*\ssrc=")([^>]*)>/i;

/** the page with its first module script in <head> made render-blocking (unchanged when there is none) */
export function withRenderBlockingEntry(html: string): string {
  const head = /<head[^>]*>([\s\S]*?)<\/head>/i.exec(html);
  if (!head) return html;
  const start = head.index + head[0].indexOf(head[1]);
  const entry = ENTRY.exec(head[1]);
  if (!entry || /\sblocking=/i.test(entry[1])) return html;
  const at = start + entry.index;
  return `${html.slice(0, at)}<script blocking="render"${entry[1]}>${html.slice(at + entry[0].length)}`;
}

export function renderBlockingEntry(): Plugin {
  return {
    name: 'kms-playground:render-blocking-entry',
    apply: 'build',
    // after Vite has put the entry's built <script> into <head>
    transformIndexHtml: { order: 'post', handler: withRenderBlockingEntry },
  };
}
