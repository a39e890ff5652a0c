// Loaded as a classic, blocking script in <head> (no inline scripts under our CSP) so
// the theme is on <html data-theme> before the first paint: the remembered choice, or
// the system's. Pygments' highlight.css is scoped by [data-theme=light|dark], so the
// attribute is always set; data-theme-source says whether it follows the system.
(function () {
  var t = null;
  try { t = localStorage.getItem("wat.theme"); } catch (e) { /* storage blocked */ }
  var root = document.documentElement;
  if (t !== "light" && t !== "dark") {
    t = window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    root.setAttribute("data-theme-source", "system");
  }
  root.setAttribute("data-theme", t);
})();
