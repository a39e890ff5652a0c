// Show trace values the way a Python programmer wrote them. The engine encodes what
// JSON cannot hold (docs/trace.md): {"$bytes", "repr"}, {"$tuple"}, {"$repr"},
// {"$float"}, {"$str"}, {"$more"}, and escapes learner keys that start with "$".

import { t } from "./strings.js";

const INLINE = 64; // wider values break over lines, one item per line

// "… 3 more": pyFormat knows these markers by their leading "… ", in every language.
const more = (n) => "… " + t("js.value.more", "{n} more", { n });

function pyStr(s) {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0);
    if (ch === "\\" || ch === quote) out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += ch;
  }
  return quote + out + quote;
}

function isTagged(v, tag) {
  return v !== null && typeof v === "object" && !Array.isArray(v) && tag in v;
}

/** A key as the learner wrote it: "$$x" was "$x", "$key:<repr>" was a non-str key. */
export function keyText(key) {
  if (key.startsWith("$key:")) return key.slice(5);
  if (key.startsWith("$$")) return pyStr(key.slice(1));
  return pyStr(key);
}

/** The leaf text of a tagged value, or null when `v` is a container. */
function leaf(v) {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === "string") return pyStr(v);
  if (Array.isArray(v)) return null;
  if (isTagged(v, "$bytes")) {
    return v.truncated ? `${v.repr}…  ` + t("js.value.bytes_cut", "({n} bytes, first 256 shown)", { n: v.length }) : v.repr;
  }
  if (isTagged(v, "$repr")) return v.$repr;
  if (isTagged(v, "$float")) return `float('${v.$float}')`;
  if (isTagged(v, "$str")) return `${pyStr(v.$str)}…  ` + t("js.value.chars", "({n} characters)", { n: v.length });
  return null;
}

function items(v) {
  // [open, close, parts] for a list, tuple or dict.
  if (Array.isArray(v)) {
    return ["[", "]", v.map((x) => (isTagged(x, "$more") ? [null, more(x.$more)] : [null, x]))];
  }
  if (isTagged(v, "$tuple")) {
    const parts = v.$tuple.map((x) => [null, x]);
    return ["(", parts.length === 1 ? ",)" : ")", parts];
  }
  const parts = Object.entries(v).map(([k, x]) =>
    k === "$more" ? [null, more(x)] : [keyText(k), x]);
  return ["{", "}", parts];
}

/** Python-like text for a trace value, broken over lines when long. */
export function pyFormat(v, indent = "") {
  const simple = leaf(v);
  if (simple !== null) return simple;
  const [open, close, parts] = items(v);
  const render = (x) => (typeof x === "string" && x.startsWith("… ") ? x : null);
  const flat = parts.map(([k, x]) => (k === null ? "" : k + ": ") + (render(x) ?? pyFormat(x, "")));
  const one = open + flat.join(", ") + close;
  if (one.length + indent.length <= INLINE && !one.includes("\n")) return one;
  const inner = indent + "    ";
  const lines = parts.map(([k, x]) =>
    inner + (k === null ? "" : k + ": ") + (render(x) ?? pyFormat(x, inner)) + ",");
  return open + "\n" + lines.join("\n") + "\n" + indent + close.replace(/^,/, "");
}

/** One short line for labels: long values end with "…". */
export function short(v, max = 24) {
  const text = pyFormat(v, "").replace(/\s*\n\s*/g, " ");
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

/** Length in bytes of a $bytes value (or of a str as UTF-8). */
export function byteLength(v) {
  if (isTagged(v, "$bytes")) return v.length;
  if (typeof v === "string") return new TextEncoder().encode(v).length;
  return null;
}

export { pyStr, isTagged };
