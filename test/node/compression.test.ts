import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startServe, type Served } from "../support/serve";
import { type SharedServer, SERVE_VARS, sharedServer } from "../support/shared-server";

/** Opens a socket that offers permessage-deflate as every browser does; returns what the 101 said. */
function offerDeflate(base: string, room: string): Promise<{ extensions: string; header: string | undefined }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace("http", "ws")}/ws/${room}/Sara`, { perMessageDeflate: true });
    let header: string | undefined;
    ws.once("upgrade", (res) => {
      header = res.headers["sec-websocket-extensions"] as string | undefined;
    });
    ws.once("message", () => {
      resolve({ extensions: ws.extensions, header });
      ws.terminate();
    });
    ws.once("error", reject);
  });
}

const room = () => `c-${Math.random().toString(36).slice(2, 10)}`;

// The room declines compression per socket (docs/performance.md says why and how): a browser's
// offer must not give every socket its own zlib state.
describe.each([
  ["npm run serve", () => sharedServer("npm run serve", SERVE_VARS)],
  ["wrangler dev", () => sharedServer("wrangler dev")],
])("a client offering permessage-deflate, on %s", (_, start) => {
  let server: SharedServer;
  beforeAll(async () => {
    server = await start();
  }, 120_000);

  it("gets no extension: the 101 names none and the socket is uncompressed", async () => {
    const { extensions, header } = await offerDeflate(server.url, room());
    expect(header).toBeUndefined();
    expect(extensions).toBe("");
  });
});

describe("a client offering permessage-deflate, on npm run serve with WEBSOCKET_COMPRESSION=on", () => {
  let server: Served;
  beforeAll(async () => {
    server = await startServe({ vars: { WEBSOCKET_COMPRESSION: "on" } });
  }, 120_000);
  afterAll(() => server?.stop());

  it("gets the extension: the deployment's choice reaches the socket's handshake", async () => {
    const { extensions } = await offerDeflate(server.url, room());
    expect(extensions).toMatch(/^permessage-deflate/);
  });
});
