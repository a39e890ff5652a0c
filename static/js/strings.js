// The page's UI strings in its language. The server renders them as JSON in
// <script type="application/json" id="strings"> (data, not code: the CSP forbids
// inline scripts), from site/strings/<lang>.toml keys js.*, lab.*, follow.*, ...
// t(key, fallback, params): the catalog's text, else the English fallback given at the
// call (pages without the block, such as the test harness, still read well); {name}
// in the text is replaced from params. tn() picks key_one or key_other by a count.
let table = null;

function catalog() {
  if (table === null) {
    const node = document.getElementById("strings");
    try { table = node ? JSON.parse(node.textContent) : {}; } catch { table = {}; }
  }
  return table;
}

function fill(text, params) {
  if (!params) return text;
  return text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (all, name) => (name in params ? String(params[name]) : all));
}

export function t(key, fallback, params) {
  const text = catalog()[key];
  return fill(typeof text === "string" ? text : (fallback ?? key), params);
}

/** Plural: `key_one` when n is 1, else `key_other`; {n} is the count. */
export function tn(key, n, one, other, params = {}) {
  return n === 1 ? t(`${key}_one`, one, { n, ...params }) : t(`${key}_other`, other, { n, ...params });
}

/** The page's language as the site names it: "en", "zh". */
export function pageLang() {
  return document.documentElement.dataset.lang || "en";
}

/** A site path in the page's language: "/rules#x" -> "/zh/rules#x" on a Chinese page. */
export function localPath(path) {
  const base = document.documentElement.dataset.base || "";
  if (!base || !path.startsWith("/") || path.startsWith("//")) return path;
  return base + (path === "/" ? "/" : path);
}
