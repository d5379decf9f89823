/**
 * @module
 * Keyboard focus that outlives its row. A list redrawn after Let in, Refuse, Let back in or
 * Remove loses the row whose button had focus, and focus falls to `<body>`: the next Tab starts
 * over at the top of the page. Taken before the redraw and given back after, focus lands nearby.
 */

/** Where focus was in a list: its control's class and its row's key and place. */
export interface Spot {
  control: string;
  key: string | undefined;
  index: number;
}

/** The focused control in `list` (rows are its `<li>`s, keyed by `data-key`); null when focus is elsewhere. */
export function focusIn(list: HTMLElement): Spot | null {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !list.contains(active) || active.classList.length === 0) return null;
  const row = active.closest<HTMLElement>("li");
  return { control: active.classList[0]!, key: row?.dataset.key, index: [...list.children].indexOf(row as Element) };
}

/**
 * After the redraw: the same control in the same row, else in the next row that has one, else
 * the previous, else the first of `fallbacks` on screen, else the log. Nothing when focus was not
 * lost (it is still in place, or the teacher moved on meanwhile).
 */
export function refocus(spot: Spot | null, list: HTMLElement, fallbacks: (HTMLElement | null)[] = []): void {
  if (spot === null || (document.activeElement !== null && document.activeElement !== document.body)) return;
  const rows = [...list.children].filter((r) => !(r as HTMLElement).hidden) as HTMLElement[];
  const control = (row: HTMLElement | undefined) => row?.querySelector<HTMLElement>(`.${CSS.escape(spot.control)}`);
  const same = rows.find((r) => spot.key !== undefined && r.dataset.key === spot.key);
  const at = Math.min(spot.index, rows.length);
  const near = [same, ...rows.slice(at), ...rows.slice(0, at).reverse()].map(control).find((c) => c != null);
  const log = document.querySelector<HTMLElement>('[role="log"]');
  const target = near ?? [...fallbacks, log].find((f) => f?.checkVisibility() === true);
  target?.focus();
}
