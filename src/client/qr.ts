/**
 * @module
 * A QR code as an SVG image, drawn from `qrcode-generator`'s module matrix (no HTML strings):
 * black on white with the standard 4-module quiet zone, whatever the page's colour scheme, so
 * any phone camera reads it off a projector. Only the projector view imports this.
 */
import qrcode from "qrcode-generator";

const SVG = "http://www.w3.org/2000/svg";
/** Modules of white border the standard asks for around the code. */
const QUIET = 4;

/** The dark modules as one path: a rectangle per run of dark modules in a row. */
export function qrPath(text: string): { size: number; d: string } {
  // M (15 % recovery): a good balance of density and robustness for a short URL on a screen.
  const qr = qrcode(0, "M");
  // Byte mode over the text's char codes: callers pass ASCII (an origin and a percent-encoded room).
  qr.addData(text, "Byte");
  qr.make();
  const n = qr.getModuleCount();
  let d = "";
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!qr.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && qr.isDark(row, col)) col++;
      d += `M${start + QUIET} ${row + QUIET}h${col - start}v1h${start - col}z`;
    }
  }
  return { size: n + 2 * QUIET, d };
}

/** An `<svg role="img">` of the QR code of `text`, named `label` for assistive technology. */
export function qrSvg(text: string, label: string): SVGSVGElement {
  const { size, d } = qrPath(text);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const bg = document.createElementNS(SVG, "rect");
  bg.setAttribute("width", String(size));
  bg.setAttribute("height", String(size));
  bg.setAttribute("fill", "#fff");
  const dark = document.createElementNS(SVG, "path");
  dark.setAttribute("d", d);
  dark.setAttribute("fill", "#000");
  svg.append(bg, dark);
  return svg;
}
