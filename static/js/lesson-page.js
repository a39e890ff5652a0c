// The lesson page: each runnable example in the prose becomes a small workbench, and
// the exercise gets the main one with Check, Reset, hints and the solution. Code is
// saved per lesson as it is typed (storage.js); the page data comes from the
// template as JSON in <script type="application/json" id="page-data">.
import { Workbench, makeEditor } from "./workbench.js";
import { Progress } from "./storage.js";
import { postJSON, RunError } from "./run.js";
import { initTheme } from "./theme.js";
import { installShortcuts, linkAction } from "./keys.js";
import { toast } from "./toast.js";
import "./room.js"; // follow mode: "Start a room" shares every run made here
import { mountPredictions } from "./predict.js";
import { t } from "./strings.js";

const data = JSON.parse(document.getElementById("page-data").textContent);
const slug = data.slug;
const text = (key, fallback) => (data.strings && data.strings[key]) || fallback;
initTheme();
const progress = new Progress({ onError: (message) => toast(message) });
progress.setLast(slug);
let active = null; // the workbench Ctrl+Enter runs: the last one used

function parseScenario(raw) {
  try { return JSON.parse(raw || "{}"); } catch { return {}; }
}

// ---- runnable examples in the prose ----
for (const block of document.querySelectorAll(".prose .runnable")) {
  const id = block.dataset.codeId;
  const original = (block.querySelector("pre") || block).textContent.replace(/\n$/, "");
  const key = `${slug}#${id}`;
  const mount = document.createElement("div");
  mount.className = "runnable-bench";
  block.replaceChildren(mount);
  const bench = new Workbench(mount, {
    code: progress.code(key) ?? original,
    scenario: parseScenario(block.dataset.scenario),
    interface: block.dataset.interface || "auto",
    app: block.dataset.app || "app",
    label: t("js.lesson.example_label", "Example {id}", { id }),
    runUrl: data.run_url,
    onCodeChange: (code) => progress.saveCode(key, code),
  });
  block.addEventListener("focusin", () => { active = bench; });
}

// ---- predict-the-next-message questions (after the runnables: a question can run one) ----
mountPredictions(document.querySelector(".prose") || document, { slug, progress });

// ---- the exercise ----
const ex = data.exercise;
const exerciseRoot = document.getElementById("exercise-bench");
if (ex && exerciseRoot) {
  let attempted = Boolean(progress.lesson(slug).passed);
  const checkButton = h("button", "btn", text("lesson.check", t("js.lesson.check", "✓ Check")));
  const resetButton = h("button", "btn", text("lesson.reset", "Reset"));
  const bench = new Workbench(exerciseRoot, {
    code: progress.code(slug) ?? ex.starter,
    scenario: ex.scenario,
    interface: ex.interface || data.interface || "auto",
    app: ex.app || "app",
    buttons: [checkButton, resetButton],
    belowActions: document.getElementById("exercise-extras"), // check results, hints: in sight
    label: t("js.lesson.exercise_label", "Your code for the exercise"),
    runUrl: data.run_url,
    onCodeChange: (code) => progress.saveCode(slug, code),
    onTrace: () => { attempted = true; syncSolution(); },
  });
  active = bench;
  exerciseRoot.addEventListener("focusin", () => { active = bench; });

  resetButton.addEventListener("click", () => {
    bench.editor.setCode(ex.starter);
    bench.setStatus(t("js.lesson.reset_done", "Back to the starting code. Ctrl+Z (⌘Z) brings yours back."));
  });

  const results = document.getElementById("check-results");
  const passedNote = document.getElementById("passed-note");
  const showPassed = () => { if (passedNote) passedNote.hidden = !progress.lesson(slug).passed; };
  showPassed();
  checkButton.addEventListener("click", async () => {
    checkButton.setAttribute("aria-busy", "true");
    bench.setStatus(t("js.lesson.checking", "Checking…"));
    try {
      const answer = await postJSON(data.check_url || "/api/check",
        { lesson: slug, code: bench.getCode(), lang: data.lang || "en" });
      attempted = true;
      if (answer.trace) bench.showTrace(answer.trace);
      renderChecks(results, answer);
      if (answer.passed) progress.setPassed(slug);
      showPassed();
      bench.setStatus(answer.summary || (answer.passed ? t("js.lesson.all_passed", "All checks passed.") : t("js.lesson.some_failed", "Some checks failed.")), false);
      syncSolution();
    } catch (err) {
      bench.setStatus(err instanceof RunError ? err.message : String(err), true);
    } finally {
      checkButton.removeAttribute("aria-busy");
    }
  });

  // Hints: rendered hidden by the template, revealed one at a time.
  const hintButton = document.getElementById("hint-button");
  const hints = [...document.querySelectorAll("#hints > li")];
  if (hintButton) {
    hintButton.hidden = hints.length === 0;
    hintButton.addEventListener("click", () => {
      const next = hints.find((li) => li.hidden);
      if (next) { next.hidden = false; next.tabIndex = -1; next.focus(); }
      const left = hints.filter((li) => li.hidden).length;
      hintButton.textContent = text("lesson.next_hint", "Next hint");
      hintButton.disabled = left === 0;
    });
  }

  // The solution: only after one attempt (a run or a check), and still there after success.
  const solutionButton = document.getElementById("solution-button");
  const solutionBox = document.getElementById("solution");
  const solutionNote = document.getElementById("solution-note");
  function syncSolution() {
    if (solutionNote) solutionNote.hidden = attempted;
  }
  syncSolution();
  if (solutionButton && solutionBox) {
    solutionButton.addEventListener("click", async () => {
      if (!attempted) { syncSolution(); if (solutionNote) solutionNote.hidden = false; return; }
      if (!solutionBox.hidden) return;
      // Not in the page (no spoilers): asked for only after an attempt.
      let solution;
      try {
        const answer = await postJSON(data.solution_url || "/api/solution",
          { lesson: slug, lang: data.lang || "en" });
        solution = answer.solution;
      } catch (err) {
        bench.setStatus(err instanceof RunError ? err.message : String(err), true);
        return;
      }
      if (typeof solution !== "string") return;
      solutionBox.hidden = false;
      const view = document.createElement("div");
      view.className = "editor";
      const use = h("button", "btn", t("js.lesson.use_solution", "Put the solution in my editor"));
      use.addEventListener("click", () => {
        bench.editor.setCode(solution);
        bench.setStatus(t("js.lesson.solution_used", "The solution is in your editor. Ctrl+Z (⌘Z) brings your code back."));
      });
      const title = document.createElement("h3");
      title.textContent = text("lesson.solution_title", "Solution");
      solutionBox.replaceChildren(title, view, use);
      makeEditor(view, { doc: solution, readOnly: true, label: t("js.lesson.solution_label", "The solution (read-only)") });
      use.focus();
    });
  }
}

function h(tag, cls, label) {
  const n = document.createElement(tag);
  n.className = cls;
  n.type = "button";
  n.textContent = label;
  return n;
}

function renderChecks(list, answer) {
  if (!list) return;
  list.replaceChildren();
  for (const c of answer.checks || []) {
    const li = document.createElement("li");
    li.className = c.passed ? "pass" : "fail";
    const status = document.createElement("span");
    status.className = "visually-hidden";
    status.textContent = c.passed ? t("js.lesson.passed", "Passed: ") : t("js.lesson.failed", "Failed: ");
    li.append(status, c.message || "");
    list.append(li);
  }
}

installShortcuts({
  run: () => active && active.run(),
  prev: linkAction("prev"),
  next: linkAction("next"),
});
