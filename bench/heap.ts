/**
 * @module
 * The Worker's JS heap, from a heap snapshot taken through the runtime's inspector (the Chrome
 * DevTools protocol over a WebSocket, `HeapProfiler.takeHeapSnapshot` on the isolate that runs
 * the Worker and its rooms). V8 collects garbage before a snapshot, so the sum of the nodes'
 * self sizes is the live heap. (workerd does not answer `HeapProfiler.collectGarbage`.)
 */
import WebSocket from "ws";

interface Snapshot {
  snapshot: { meta: { node_fields: string[] } };
  nodes: number[];
}

export async function heapUsedBytes(inspectorPort: number, worker = "core:user:roomcast"): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}/${worker}`, { maxPayload: 1 << 30 });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  try {
    const chunks: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the inspector took no heap snapshot in 60 s")), 60_000);
      ws.on("message", (data) => {
        const m = JSON.parse(data.toString()) as { id?: number; method?: string; params?: { chunk: string } };
        if (m.method === "HeapProfiler.addHeapSnapshotChunk") chunks.push(m.params!.chunk);
        if (m.id === 2) {
          clearTimeout(timer);
          resolve();
        }
      });
      ws.send(JSON.stringify({ id: 1, method: "HeapProfiler.enable" }));
      ws.send(JSON.stringify({ id: 2, method: "HeapProfiler.takeHeapSnapshot", params: { reportProgress: false } }));
    });
    const snap = JSON.parse(chunks.join("")) as Snapshot;
    const fields = snap.snapshot.meta.node_fields;
    const selfSize = fields.indexOf("self_size");
    let total = 0;
    for (let i = selfSize; i < snap.nodes.length; i += fields.length) total += snap.nodes[i]!;
    return total;
  } finally {
    ws.close();
  }
}
