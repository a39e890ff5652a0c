// Pages without their own logic (rules, not found): theme toggle and shortcuts.
import { initTheme } from "./theme.js";
import { installShortcuts } from "./keys.js";
import { withCode } from "./details.js";

initTheme();
installShortcuts();

// Rule texts use Markdown backticks; show them as code (built as DOM, never HTML).
for (const el of document.querySelectorAll("[data-ticks]")) {
  if (el.children.length === 0 && el.textContent.includes("`")) el.replaceChildren(...withCode(el.textContent));
}
