/**
 * @module
 * A button that shows and hides a panel (`aria-expanded`, the panel's `open` class). Used where a
 * phone folds what a wide screen shows in full (the header's menu, the host's tools): there the
 * stylesheet hides the button and shows the panel whatever its state.
 */
export function disclosure(
  button: HTMLButtonElement,
  panel: HTMLElement,
  closeOnPick = false,
): (open: boolean) => void {
  const set = (open: boolean) => {
    button.setAttribute("aria-expanded", String(open));
    panel.classList.toggle("open", open);
  };
  button.addEventListener("click", () => set(button.getAttribute("aria-expanded") !== "true"));
  panel.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    set(false);
    button.focus();
  });
  if (closeOnPick) {
    // A menu: it goes once something in it is chosen, or on a tap anywhere else.
    document.addEventListener("click", (e) => {
      const target = e.target as Element;
      if (!button.contains(target) && (!panel.contains(target) || target.closest("button") !== null)) set(false);
    });
  }
  return set;
}

/**
 * Where focus goes back to when a panel `button` opened is closed: the button itself, or, when it
 * sits in a menu that has closed meanwhile (the phone's ⋯ closes once something in it is chosen),
 * the button that opens that menu. Focus on a button nobody can see is lost to the page's body.
 * (`getClientRects`, not `checkVisibility`: phones with an older Safari lack the latter.)
 */
export function visibleOpener(button: HTMLElement): HTMLElement {
  for (let el: HTMLElement | null = button; el !== null; el = el.parentElement) {
    const opener =
      el === button ? button : el.id === "" ? null : document.querySelector<HTMLElement>(`[aria-controls="${el.id}"]`);
    if (opener !== null && opener.getClientRects().length > 0) return opener;
  }
  return button;
}
