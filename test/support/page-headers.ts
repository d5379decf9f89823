/**
 * @module
 * The page's security headers as `public/_headers` sends them with the page and every asset: what
 * the workers tests (through `SELF`) and the node tests (a real server, Chromium) expect.
 */
export const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
} as const;
