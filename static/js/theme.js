// Light and dark: follow the system until the learner picks one with the toggle, then
// remember the choice (theme-boot.js applies it before paint on the next page).
// Listeners (the editors) hear "themechange" on document with {dark}.
import { t } from "./strings.js";

const KEY = "wat.theme";
const system = matchMedia("(prefers-color-scheme: dark)");
const root = document.documentElement;

export function isDark() {
  const t = root.dataset.theme;
  return t ? t === "dark" : system.matches;
}

function announce() {
  document.dispatchEvent(new CustomEvent("themechange", { detail: { dark: isDark() } }));
}

/** "light", "dark", or null to follow the system again. */
export function setTheme(theme) {
  if (theme) {
    root.dataset.theme = theme;
    delete root.dataset.themeSource;
  } else {
    root.dataset.theme = system.matches ? "dark" : "light";
    root.dataset.themeSource = "system";
  }
  try {
    if (theme) localStorage.setItem(KEY, theme);
    else localStorage.removeItem(KEY);
  } catch { /* private mode: the choice lasts for this page only */ }
  announce();
}

export function onThemeChange(callback) {
  document.addEventListener("themechange", (e) => callback(e.detail.dark));
}

/** Wire the toggle button(s) marked [data-theme-toggle]. */
export function initTheme(scope = document) {
  if (!root.dataset.theme) setTheme(null);
  const buttons = [...scope.querySelectorAll("[data-theme-toggle]")];
  const sync = () => {
    for (const b of buttons) {
      b.setAttribute("aria-pressed", String(isDark()));
      b.setAttribute("aria-label", t("js.theme.label", "Dark theme"));
      b.title = isDark() ? t("js.theme.to_light", "Switch to the light theme") : t("js.theme.to_dark", "Switch to the dark theme");
      b.textContent = t("js.theme.button", "☾ Dark"); // pressed = dark; CSS shows the state
    }
  };
  for (const b of buttons) b.addEventListener("click", () => setTheme(isDark() ? "light" : "dark"));
  system.addEventListener("change", () => {
    if (root.dataset.themeSource === "system") setTheme(null);
  });
  document.addEventListener("themechange", sync);
  sync();
}
