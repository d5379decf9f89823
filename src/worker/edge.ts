/**
 * @module
 * Where a request entered Cloudflare's network (`cf.colo`) and the TCP round trip the edge
 * measured to the browser (`cf.clientTcpRtt`), for the teaching panel. Only a request that
 * carries `cf-ray` came through the edge: Miniflare attaches placeholder `cf` properties
 * locally, so their presence proves nothing.
 */
import type { EdgeInfo } from "../protocol";

/** The edge's figures for `request`, or undefined when it did not come through the edge. */
export function edgeOf(request: Request): EdgeInfo | undefined {
  if (request.headers.get("cf-ray") === null) return undefined;
  const cf = request.cf as { colo?: unknown; clientTcpRtt?: unknown } | undefined;
  const colo = cf?.colo;
  // An airport code, as documented; anything else is not shown.
  if (typeof colo !== "string" || !/^[A-Z]{3,4}$/.test(colo)) return undefined;
  const edge: EdgeInfo = { colo };
  const rtt = cf?.clientTcpRtt;
  // 0 over QUIC (HTTP/3): no TCP round trip was measured.
  if (typeof rtt === "number" && Number.isFinite(rtt) && rtt > 0) edge.clientTcpRtt = Math.round(rtt);
  return edge;
}
