import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("serves the page", async () => {
  const res = await SELF.fetch("http://example.com/");
  expect(res.status).toBe(200);
  expect(await res.text()).toContain("<html");
});

it("upgrades", async () => {
  const res = await SELF.fetch("http://example.com/ws/demo/Sara", { headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const first = await new Promise<string>((r) => ws.addEventListener("message", (e) => r(e.data as string), { once: true }));
  console.log(first.slice(0, 300));
  ws.close(1000, "bye");
});
