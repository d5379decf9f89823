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
  ) {
    const { status, body } = httpError(code);
    super(body.error.message);
    this.status = status;
    this.body = body;
  }

  toResponse(): Response {
    return Response.json(this.body, { status: this.status, headers: this.headers });
  }
}
