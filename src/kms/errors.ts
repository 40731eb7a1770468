/**
 * Two kinds of failure, kept apart (msw's InternalError is the model):
 * - KmsError: the request is wrong or not allowed. It carries the AWS exception name and the
 *   message real KMS sends; only the wire layer turns it into an HTTP response.
 * - InternalError: the simulator broke an invariant. It is thrown, caught at dispatch, and
 *   answered as KMSInternalException so the UI can show a bug banner.
 */
export class KmsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status on the JSON wire: 400 for client errors, 500 for the modelled faults */
    readonly status: number = FAULTS.has(code) ? 500 : 400,
  ) {
    super(message);
    this.name = code;
  }
}

export class InternalError extends Error {
  override name = 'InternalError';
}

/** the three `fault` shapes of the KMS model answer 500 */
export const FAULTS: ReadonlySet<string> = new Set([
  'DependencyTimeoutException',
  'KMSInternalException',
  'KeyUnavailableException',
]);

export const notFound = (message: string) => new KmsError('NotFoundException', message);
export const validation = (message: string) => new KmsError('ValidationException', message);
