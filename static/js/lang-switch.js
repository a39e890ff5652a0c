// The language switch (English / 中文, in the page header): following it remembers the
// choice, so the bare entry "/" opens in that language next time (site/lang_choice.py
// reads the cookie). The cookie is a language code, nothing secret: readable here,
// SameSite=Lax, for a year. localStorage keeps a copy for scripts that want it.
const COOKIE = "wat_lang";
const YEAR = 365 * 24 * 3600;

for (const link of document.querySelectorAll("[data-lang-switch]")) {
  link.addEventListener("click", () => {
    const lang = link.dataset.langSwitch;
    document.cookie = `${COOKIE}=${lang}; path=/; max-age=${YEAR}; samesite=lax`;
    try { localStorage.setItem("wat.lang", lang); } catch { /* storage blocked: the cookie is enough */ }
  });
}
