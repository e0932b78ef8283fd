/**
 * A refusal decided at the HTTP edge (auth, parsing, validation, routing), already in upstream's
 * terms: a status and an `error_name`. Domain errors are mapped in error-response.ts instead.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly errorName: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, errorName: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.errorName = errorName;
    this.headers = headers;
  }
}
