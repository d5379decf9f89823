import { afterEach, describe, expect, it } from "vitest";
import { TabCensus, type Here } from "../../src/client/tab-census";

describe("the tab census", () => {
  const channels: BroadcastChannel[] = [];
  /** A tab of this browser: its census on its own channel, answering with `here`. */
  const tab = (here: Here = () => null) => {
    const channel = new BroadcastChannel("roomcast-test");
    channels.push(channel);
    return new TabCensus(here, channel);
  };
  afterEach(() => {
    for (const c of channels.splice(0)) c.close();
  });

  it("hears the names the other tabs are in the room under, and only that room's", async () => {
    tab(() => ({ room: "demo", name: "Sara" }));
    tab(() => ({ room: "demo", name: "Omid" }));
    tab(() => ({ room: "other", name: "Ali" }));
    tab(() => null); // on the form, or replaced
    const asking = tab(() => ({ room: "demo", name: "Me" }));
    expect((await asking.ask("demo", 100)).sort()).toEqual(["Omid", "Sara"]);
    expect(await asking.ask("nowhere", 50)).toEqual([]);
  });

  it("ignores answers that are not names, or not to its question", async () => {
    const asking = tab();
    const liar = new BroadcastChannel("roomcast-test");
    channels.push(liar);
    liar.onmessage = (e: MessageEvent<{ ask?: string }>) => {
      if (e.data.ask === undefined) return;
      liar.postMessage({ answer: e.data.ask, name: "x".repeat(500) });
      liar.postMessage({ answer: e.data.ask, name: 7 });
      liar.postMessage({ answer: "another question", name: "Sara" });
      liar.postMessage(null);
    };
    expect(await asking.ask("demo", 100)).toEqual([]);
  });

  it("answers nothing without BroadcastChannel", async () => {
    expect(await new TabCensus(() => null, null).ask("demo", 10)).toEqual([]);
  });
});
