/**
 * Failures of workspace operations in plain words. The browser's storage often fails with a
 * DOMException whose message is empty (a full disk is a bare QuotaExceededError in several
 * browsers), so a message is never shown as is when it is empty: the error's name is explained
 * instead.
 */
import type { ImportResult } from '../../store/index';

/** what an error name means to someone using the playground (no trailing period) */
const MEANINGS: Readonly<Record<string, string>> = {
  QuotaExceededError: 'the browser’s storage for this site is full: free space by deleting or exporting workspaces, then try again',
  AbortError: 'the browser’s storage cancelled the change before it was saved',
  UnknownError: 'the browser’s storage failed for a reason it did not give (the disk may be full or failing): try again, or reload the page',
  InvalidStateError: 'the browser’s storage was closed (another tab may have upgraded the playground): reload this tab',
  TransactionInactiveError: 'the browser’s storage closed the change before it was complete: try again',
  ReadOnlyError: 'the browser’s storage refused to write',
  ConstraintError: 'the browser’s storage already holds a record with the same id: try again',
  DataCloneError: 'it holds data the browser’s storage cannot keep',
  DataError: 'it holds a value the browser’s storage does not accept as a key',
  NotFoundError: 'a part of the browser’s storage the playground needs is missing: reload the page',
  VersionError: 'a newer version of the playground has upgraded this site’s storage: reload this tab',
  SecurityError: 'the browser does not let this page store data (a private window, or storage disabled for this site)',
  NotAllowedError: 'the browser does not let this page store data (a private window, or storage disabled for this site)',
  NotReadableError: 'the browser could not read the file (it may have been moved or changed while it was read)',
  EncodingError: 'the file is not text the browser can read',
  TimeoutError: 'the browser’s storage did not answer in time: try again',
  StoreClosedError: 'the playground’s storage is closed: reload this tab',
};

/** why `e` happened, as a phrase (no trailing period); never empty */
export function describeFailure(e: unknown): string {
  const name = e !== null && typeof e === 'object' && typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name : undefined;
  const raw = e !== null && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : e === undefined || e === null ? '' : typeof e === 'object' ? '' : String(e);
  const msg = raw.trim().replace(/\.+$/, '');
  // a full disk is said the same way whatever the browser wrote
  if (name === 'QuotaExceededError') return MEANINGS.QuotaExceededError;
  if (msg) return msg;
  if (name && MEANINGS[name]) return MEANINGS[name];
  if (name && name !== 'Error') return `the browser reported a ${name} without saying why`;
  return 'an error that gave no reason (see the browser’s console)';
}

/** the sentence the workspace menu shows after importing `fileName` */
export function importOutcome(fileName: string, outcome: { result: ImportResult } | { error: unknown }): { ok: boolean; text: string } {
  if ('error' in outcome) return { ok: false, text: `${fileName} could not be imported: ${describeFailure(outcome.error)}. Nothing was changed.` };
  const result = outcome.result;
  if (result.ok) return { ok: true, text: `Imported ${fileName} as a new workspace; nothing was overwritten.` };
  const why =
    result.error === 'newer-version' ? 'it was made by a newer version of the playground' : result.error === 'not-a-workspace' ? 'it is not a playground workspace file' : 'its contents are damaged';
  const detail = result.detail.trim();
  return { ok: false, text: `${fileName} could not be imported: ${why}.${detail ? ` ${/[.!?]$/.test(detail) ? detail : `${detail}.`}` : ''} Nothing was changed.` };
}
