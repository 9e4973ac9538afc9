// registers studio: DOM helpers. `h()` builds elements from a tag, properties and children; text is
// always set as text (never as HTML), so values from the database cannot inject markup.

/**
 * An element: `h("a", { href: "#/" }, "Home")`. Properties starting with `on` are listeners,
 * `class`, `for` and `aria-*` / `data-*` are attributes, `null` / `undefined` / `false` children are skipped.
 * @param {string} tag
 * @param {Record<string, unknown>} [props]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "class" || name === "for" || name === "role" || name.includes("-"))
      el.setAttribute(name, String(value));
    else el[name] = value;
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A string safe as part of an id attribute. */
export function idFor(...parts) {
  return parts.map((p) => String(p).replace(/[^A-Za-z0-9_-]/g, "_")).join("-");
}

/** Shows a short message in the live region (read by screen readers). */
export function announce(message) {
  const status = document.getElementById("status");
  if (status) status.textContent = message;
}

/** A value as the table shows it. */
export function shown(value) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") return JSON.stringify(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}
