// The table of contents: progress marks from localStorage, "continue where you left
// off", and export/import of progress as a file (no accounts).
import { Progress } from "./storage.js";
import { initTheme } from "./theme.js";
import { installShortcuts } from "./keys.js";
import { toast } from "./toast.js";
import { t, tn } from "./strings.js";

initTheme();
installShortcuts();
const progress = new Progress({ onError: (m) => toast(m) });

function mark() {
  const data = progress.read();
  let done = 0;
  for (const li of document.querySelectorAll("[data-lesson]")) {
    const entry = data.lessons[li.dataset.lesson] || {};
    li.classList.toggle("done", Boolean(entry.passed));
    li.classList.toggle("started", !entry.passed && typeof entry.code === "string");
    const state = li.querySelector(".visually-hidden.state");
    if (state) state.textContent = entry.passed ? t("js.toc.passed", " (exercise passed)") : entry.code ? t("js.toc.started", " (started)") : "";
    if (entry.passed) done += 1;
  }
  const resume = document.getElementById("resume");
  const last = data.last && document.querySelector(`[data-lesson="${CSS.escape(data.last)}"] a`);
  if (resume && last) {
    resume.hidden = false;
    const link = resume.querySelector("a");
    link.href = last.href;
    link.textContent = t("js.toc.continue", "Continue with “{title}”", { title: last.textContent.trim() });
  }
  const count = document.getElementById("progress-count");
  if (count) count.textContent = t("js.toc.count", "{done} of {total} exercises passed", { done, total: document.querySelectorAll("[data-lesson]").length });
}
mark();

document.getElementById("export-progress")?.addEventListener("click", () => progress.exportFile());
const input = document.getElementById("import-progress");
input?.addEventListener("change", async () => {
  const file = input.files && input.files[0];
  if (!file) return;
  try {
    const n = await progress.importFile(file);
    toast(tn("js.toc.imported", n, "Imported progress for {n} lesson.", "Imported progress for {n} lessons."));
    mark();
  } catch (err) {
    toast(err.message);
  } finally {
    input.value = "";
  }
});
