import { appendFileSync, readFileSync, readdirSync } from "node:fs";
import { afterEach, beforeEach, expect } from "vitest";
const cats = () => {
  const out: Record<string, number> = { self: (process.cpuUsage().user + process.cpuUsage().system) / 1e6 };
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      let k = "";
      if (cmd.includes("roomcast-chromium")) k = /--type=renderer/.test(cmd) ? "rend" : "chr";
      else if (cmd.includes("workerd")) k = "wd";
      else if (cmd.includes("wrangler")) k = "wr";
      else continue;
      const st = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
      out[k] = (out[k] ?? 0) + (Number(f[11]) + Number(f[12])) / 100;
    } catch {}
  }
  return out;
};
let a: Record<string, number> = {};
let t = 0;
beforeEach(() => {
  a = cats();
  t = Date.now();
});
afterEach(() => {
  const b = cats();
  const s = expect.getState();
  const parts = ["rend", "chr", "wd", "wr", "self"].map((k) => `${k}=${((b[k] ?? 0) - (a[k] ?? 0)).toFixed(2)}`);
  appendFileSync(
    "/tmp/prof/pertest2.txt",
    `${((Date.now() - t) / 1000).toFixed(2)}s ${parts.join(" ")}\t${s.testPath?.split("/").pop()}\t${s.currentTestName?.slice(0, 90)}\n`,
  );
});
