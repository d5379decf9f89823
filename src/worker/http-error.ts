/**
 * @module
 * One typed HTTP error, thrown anywhere in the Worker and turned into a response in one place
 * (`app.onError`). Its code and status come from the protocol (`httpError`), so every HTTP
 * error has the same body, `{error: {code, message}}`, and no code is made up on the spot.
 */
import type { HttpErrorBody, HttpErrorCode } from "../protocol";
import { httpError } from "../protocol-server";

export class HttpError extends Error {
  readonly status: number;
  readonly body: HttpErrorBody;

  constructor(
    readonly code: HttpErrorCode,
    readonly headers: Record<string, string> = {},
    /** `join_busy`: in the body, and as `Retry-After` (whole seconds) for other clients. */
    retryAfterMs?: number,
  ) {
    const { status, body } = httpError(code);
    super(body.error.message);
    this.status = status;
    this.body = body;
    if (retryAfterMs !== undefined) {
      body.error.retryAfterMs = retryAfterMs;
      this.headers = { ...headers, "Retry-After": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
    }
  }

  toResponse(): Response {
    return Response.json(this.body, { status: this.status, headers: this.headers });
  }
}
