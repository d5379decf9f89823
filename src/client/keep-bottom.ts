/**
 * @module
 * A log read at its bottom stays at its bottom when it gets shorter: the on-screen keyboard
 * opening (the viewport shrinks), the composer growing, a panel unfolding. Whether the reader
 * was at the bottom is kept from the last scroll, before the resize, since after it the newest
 * lines are already out of sight.
 */
export function keepAtBottom(scroller: HTMLElement, atBottom: () => boolean, toBottom: () => void): void {
  let stuck = true;
  scroller.addEventListener("scroll", () => {
    stuck = atBottom();
  });
  const keep = () => {
    if (stuck) toBottom();
  };
  // The log's own size covers every cause; the viewport's, a browser that only pans (iOS).
  new ResizeObserver(keep).observe(scroller);
  visualViewport?.addEventListener("resize", keep);
}
