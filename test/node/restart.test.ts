import { asMessage } from "../support/frame-queue";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startWranglerDev, type WranglerDev } from "../support/wrangler-dev";
import { NodeClient } from "../support/node-client";

describe("a real wrangler dev, stopped and started again", () => {
  const persistTo = mkdtempSync(join(tmpdir(), "roomcast-persist-"));
  let server: WranglerDev | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(persistTo, { recursive: true, force: true });
  });

  it("keeps history and continues seq with --persist-to, and takes --var overrides", async () => {
    const room = `restart-${Date.now()}`;
    server = await startWranglerDev({ persistTo });
    const wsUrl = `${server.url.replace("http", "ws")}/ws/${room}`;
    const sara = await NodeClient.open(`${wsUrl}/Sara`);
    const welcome = await sara.nextOf("welcome");
    // The defaults of wrangler.toml's [vars] are what the contract says.
    expect(welcome.limits).toMatchObject({ ratePerSecond: 5, rateBurst: 10, textMaxChars: 2000 });
    for (const text of ["one", "two", "three"]) sara.send({ type: "message", text });
    for (const seq of [1, 2, 3]) expect((await sara.nextOf("message")).seq).toBe(seq);
    sara.close();
    await server.stop();

    // Also proves that a [vars] value can be overridden with --var NAME:VALUE.
    server = await startWranglerDev({ persistTo, port: server.port, vars: { RATE_LIMIT_BURST: 7 } });
    const ali = await NodeClient.open(`${server.url.replace("http", "ws")}/ws/${room}/Ali`);
    const again = await ali.nextOf("welcome");
    expect(again.seq).toBe(3);
    expect(again.limits.rateBurst).toBe(7);
    expect(again.history.map(asMessage).map((m) => [m.seq, m.text])).toEqual([
      [1, "one"],
      [2, "two"],
      [3, "three"],
    ]);
    ali.send({ type: "message", text: "four" });
    expect(await ali.nextOf("message")).toMatchObject({ seq: 4, from: "Ali", text: "four" });
    ali.close();
  });
});
