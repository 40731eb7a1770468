/**
 * The full app (index.html, lesson.html) inside another site's frame: a `<meta>` policy cannot
 * say `frame-ancestors` (only a response header can: docs/deploy.md), so the entry points ask
 * here before they start, and a page framed by another origin shows a short note with a link
 * that opens it in a tab of its own instead of running there (where the framing site could lay
 * things over its buttons, clickjacking). Frames of the same origin are fine (a lesson embedding
 * the playground would be one); embed.html is made for frames and does not ask.
 */

/** true when this page is a frame whose top-level page is of another origin */
export function framedByAnotherOrigin(win: Window = window): boolean {
  let top: Window | null;
  try {
    top = win.top;
  } catch {
    return true;
  }
  if (!top || top === win.self) return false;
  try {
    // reading another origin's location throws (a SecurityError); our own origin's does not
    return typeof top.location.href !== 'string';
  } catch {
    return true;
  }
}

/** replaces the page's content with the note and a link to `href` in a new tab */
export function showFramedNotice(target: HTMLElement, href: string, what: string): void {
  const main = document.createElement('main');
  main.className = 'framed-notice';
  main.setAttribute('style', 'max-width: 36rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5;');
  const h1 = document.createElement('h1');
  h1.textContent = `${what} opens in its own tab`;
  h1.setAttribute('style', 'font-size: 1.25rem;');
  const p = document.createElement('p');
  p.textContent = 'This page is shown inside another website, where it does not run. Open it in a tab of its own to use it.';
  const link = document.createElement('a');
  link.href = href;
  link.target = '_blank';
  link.rel = 'noopener';
  link.textContent = `Open ${what} in a new tab`;
  link.dataset.testid = 'framed-open';
  const p2 = document.createElement('p');
  p2.append(link);
  main.append(h1, p, p2);
  target.replaceChildren(main);
  document.title = `${what} · open in a new tab`;
}
