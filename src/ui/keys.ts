/**
 * Page-wide single-key shortcuts (`.`, `[`, `]`, `?`) must not fire while the user types: in a
 * text field, a select, a contenteditable element or the Monaco editor.
 */
function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || !!el.closest('.monaco-editor');
}

/** a key pressed alone (no Ctrl, ⌘ or Alt), outside any text field, not handled yet */
export function isPlainKey(e: KeyboardEvent): boolean {
  return !e.defaultPrevented && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target);
}
