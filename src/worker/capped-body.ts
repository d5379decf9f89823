/**
 * @module
 * A request body read as it arrives, up to a size: a body that says it is larger
 * (`Content-Length`) is refused unread, and one that grows past the size as it streams is
 * refused at the chunk that passes it. What is kept is never more than the size: one client
 * cannot make the Worker buffer a body of any length.
 */

/** The body as text (UTF-8, as `Request.text()` decodes it), or null when it is over `maxBytes`. */
export async function readCapped(request: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) return null;
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel();
      return null;
    }
    text += decoder.decode(value, { stream: true });
  }
}
