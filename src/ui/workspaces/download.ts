/**
 * A file name made from a name a user (or a link) chose: letters, digits, `_`, `.` and `-` only,
 * no leading dots or dashes (no hidden file, no option-like name, no path), at most 60
 * characters; `fallback` when nothing is left.
 */
export function safeFileName(name: string, fallback: string): string {
  return (
    name
      .replace(/[^\w.-]+/g, '-')
      .replace(/^[.-]+|[.-]+$/g, '')
      .slice(0, 60)
      .replace(/[.-]+$/, '') || fallback
  );
}

/** Saves `text` as a JSON file named `fileName` through the browser's download (workspace export). */
export function downloadJson(fileName: string, text: string): void {
  downloadText(fileName, text, 'application/json');
}

/** Saves `text` as a file named `fileName` of the given media type through the browser's download. */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // some browsers read the URL after click() returns
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
