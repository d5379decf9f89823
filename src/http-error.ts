/**
 * @module
 * One typed HTTP error, thrown anywhere in the Worker and turned into a response in one place
 * (`app.onError`), so every refusal has the same shape: `{error: {code, message}}`.
 */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 426,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toResponse(): Response {
    return Response.json(
      { error: { code: this.code, message: this.message } },
      { status: this.status, headers: this.headers },
    );
  }
}
