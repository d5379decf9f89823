/**
 * @module
 * The page's only way to make elements: text always goes in as `textContent` and is never parsed
 * as HTML, so a message can never inject markup.
 */
import { direction } from "./direction";

type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  text?: string;
  dir?: "auto" | "ltr" | "rtl";
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class !== undefined) node.className = props.class;
  if (props.dir !== undefined) node.dir = props.dir;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  if (props.text !== undefined) node.textContent = props.text;
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** An element the HTML is known to have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`#${id} is missing from index.html`);
  return node as T;
}

/** A template with names filled in as `<bdi>`, so a Persian name cannot flip an English line. */
export function withNames(template: string, names: Record<string, string>): (HTMLElement | string)[] {
  return template
    .split(/(\{\w+\})/)
    .filter((part) => part !== "")
    .map((part) => {
      const name = names[part.slice(1, -1)];
      return /^\{\w+\}$/.test(part) && name !== undefined ? el("bdi", { text: name, dir: direction(name) }) : part;
    });
}
