// Building elements without HTML strings. Styles come only from classes in
// the app's stylesheet: the server's CSP refuses inline styles and scripts.

type Child = Node | string;
export type Attributes = Record<string, string | boolean>;

/**
 * Creates `<tag>` with attributes and children. `true` sets an empty
 * attribute and `false` leaves it out. Inline styles and event-handler
 * attributes would break under the CSP, so asking for one is a bug.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "style" || name.startsWith("on")) {
      throw new Error(`attribute ${name} is not allowed under the CSP`);
    }
    if (value === false) continue;
    element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children);
  return element;
}

/** Sets or removes a boolean attribute. */
export function toggleAttribute(
  element: Element,
  name: string,
  on: boolean,
): void {
  if (on) element.setAttribute(name, "");
  else element.removeAttribute(name);
}
