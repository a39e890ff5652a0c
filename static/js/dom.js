// Building DOM nodes without HTML strings (no innerHTML: learner text is never markup).
// h("button", {type: "button", class: "btn", text: "Run"}, child, ...): `text` sets the
// text content, every other key an attribute; children are appended in order.
export function h(tag, attrs = {}, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") n.textContent = v;
    else n.setAttribute(k, v);
  }
  n.append(...children);
  return n;
}
