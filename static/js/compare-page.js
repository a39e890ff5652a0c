// Side by side: two workbenches share one request; "Run both" runs them at once and
// the table below lines their messages up phase by phase (align.js). Stepping either
// diagram steps the other to the same phase, so a class can follow both at once.
// The two apps, their servers and the request are kept in this browser.
import { Workbench } from "./workbench.js";
import { ScenarioPanel } from "./scenario-panel.js";
import { Progress, readJSON, writeJSON } from "./storage.js";
import { alignTraces } from "./align.js";
import { initTheme } from "./theme.js";
import { installShortcuts } from "./keys.js";
import { toast } from "./toast.js";
import { t, localPath } from "./strings.js";
import { h } from "./dom.js";

initTheme();
const data = JSON.parse(document.getElementById("page-data").textContent);
const say = (key, params = {}) => t(`compare.${key}`, key, params);
const STATE_KEY = "wsgi-asgi-tour.compare";
const progress = new Progress({ onError: (m) => toast(m) });
const status = document.getElementById("compare-status");
const presetSelect = document.getElementById("preset");
const lessonLink = document.getElementById("preset-lesson");
const byKey = Object.fromEntries(data.presets.map((p) => [p.key, p]));

function saveState() {
  let scenario;
  try { scenario = scenarioPanel.value(); } catch { return; }  // half-typed: keep the last good one
  const state = { preset: presetSelect.value, scenario, left: sides.left.interface, right: sides.right.interface };
  writeJSON(STATE_KEY, state);
}

// Where the first code comes from: ?preset= (a lesson's link), else the last session.
const asked = new URLSearchParams(location.search).get("preset");
const saved = readJSON(STATE_KEY);
const fromLink = asked && byKey[asked];
const preset = fromLink || byKey[(saved && saved.preset) || ""] || data.presets[0];
presetSelect.value = preset.key;

const summary = document.getElementById("scenario-summary");
const summaryTitle = summary.textContent;
const scenarioPanel = new ScenarioPanel(document.getElementById("scenario"), {
  scenario: (!fromLink && saved && saved.scenario) || preset.scenario,
  onChange: () => { showSummary(); saveState(); },
});
// Closed by default, so the two apps start high on the page; the summary says the request.
function showSummary() { summary.textContent = `${summaryTitle}: ${scenarioPanel.summary()}`; }
showSummary();

const traces = { left: null, right: null };
const sides = {};
for (const side of ["left", "right"]) {
  const key = `_compare_${side}`;
  const code = !fromLink && progress.code(key) !== null ? progress.code(key) : preset[side].code;
  const select = document.getElementById(`${side}-interface`);
  const bench = new Workbench(document.getElementById(`${side}-bench`), {
    code,
    interface: (!fromLink && saved && saved[side]) || preset[side].interface,
    scenarioPanel: false,
    runUrl: data.run_url,
    label: say(side === "left" ? "left_code" : "right_code"),
    onCodeChange: (c) => progress.saveCode(key, c),
    onTrace: (trace) => { traces[side] = trace; renderAligned(); },
  });
  bench.scenarioValue = () => scenarioPanel.value();
  select.value = bench.interface;
  select.addEventListener("change", () => { bench.interface = select.value; saveState(); });
  bench.select = select;
  sides[side] = bench;
}
showLessonLink(preset);

// The two editors keep one height, so the two diagrams below them start level and
// their rows can be read across.
const editorBoxes = ["left", "right"].map((side) => document.querySelector(`#${side}-bench .editor`));
const grid = document.querySelector(".compare-grid");
const level = () => {
  for (const box of editorBoxes) box.style.minHeight = "";
  if (getComputedStyle(grid).gridTemplateColumns.split(" ").length < 2) return;  // stacked
  const tallest = Math.max(...editorBoxes.map((box) => box.offsetHeight));
  for (const box of editorBoxes) box.style.minHeight = `${tallest}px`;
};
const levelObserver = new ResizeObserver(() => requestAnimationFrame(level));
for (const box of editorBoxes) levelObserver.observe(box.firstElementChild || box);

function showLessonLink(p) {
  const title = data.lessons[p.lesson];
  lessonLink.hidden = !title;
  if (!title) return;
  lessonLink.href = localPath(`/lessons/${p.lesson}`);
  lessonLink.textContent = say("lesson_link", { title });
}

presetSelect.addEventListener("change", () => {
  const p = byKey[presetSelect.value];
  if (!p) return;
  for (const side of ["left", "right"]) {
    sides[side].editor.setCode(p[side].code);  // undoable with Ctrl+Z
    sides[side].interface = sides[side].select.value = p[side].interface;
  }
  scenarioPanel.set(p.scenario);
  showLessonLink(p);
  saveState();
  status.textContent = say("loaded", { title: presetSelect.selectedOptions[0].textContent });
});

async function runBoth() {
  status.textContent = say("running");
  const [left, right] = await Promise.all([sides.left.run(), sides.right.run()]);
  if (left && right) status.textContent = say("ran");
  else {
    const failed = (left ? sides.right : sides.left).status.textContent;
    status.textContent = say("failed", { message: failed });
  }
}
document.getElementById("run-both").addEventListener("click", runBoth);
installShortcuts({ run: runBoth });

// ---- the aligned table and linked stepping ------------------------------------------------
const table = document.getElementById("aligned");
const body = document.getElementById("aligned-body");
const pos = document.getElementById("phase-pos");
let rows = [];
let current = -1;
let syncing = false;

function cell(items) {
  if (!items.length) return h("td", { class: "is-empty", text: say("none") });
  return h("td", {}, h("ul", {}, ...items.map((item) => h("li", {}, h("code", { text: item.text })))));
}

function renderAligned() {
  if (!traces.left && !traces.right) return;
  rows = alignTraces(traces.left, traces.right);
  for (const side of ["left", "right"]) {
    const kind = traces[side] && traces[side].interface ? ` · ${String(traces[side].interface).toUpperCase()}` : "";
    document.getElementById(`aligned-${side}`).textContent = say(side) + kind;
  }
  current = -1;
  const numbered = rows.some((r) => r.request > 0); // several requests: say which
  body.replaceChildren(...rows.map((row, i) => h("tr", { "data-row": String(i) },
    h("th", { scope: "row" }, h("button", { type: "button", class: "phase-button",
      text: (row.request >= 0 && numbered ? `${row.request + 1} · ` : "") + row.title })),
    cell(row.left), cell(row.right))));
  table.hidden = rows.length === 0;
  pos.textContent = "";
}

function selectRow(i, from = null) {
  if (!rows.length) return;
  current = Math.max(0, Math.min(rows.length - 1, i));
  for (const tr of body.children) tr.classList.toggle("is-current", Number(tr.dataset.row) === current);
  body.children[current].scrollIntoView({ block: "nearest" });
  pos.textContent = say("phase_pos", { n: current + 1, total: rows.length });
  syncing = true;
  try {
    for (const side of ["left", "right"]) {
      if (side === from) continue;
      const items = rows[current][side];
      if (items.length) sides[side].diagram.step(items[0].index);
    }
  } finally { syncing = false; }
}

body.addEventListener("click", (e) => {
  const tr = e.target.closest("tr[data-row]");
  if (tr) selectRow(Number(tr.dataset.row));
});
document.getElementById("phase-prev").addEventListener("click", () => selectRow(current <= 0 ? 0 : current - 1));
document.getElementById("phase-next").addEventListener("click", () => selectRow(current + 1));

// Stepping one diagram (keys, clicks, a presenter's clicker) brings the other along.
for (const side of ["left", "right"]) {
  sides[side].panels.flow.addEventListener("step", (e) => {
    if (syncing || e.detail.index < 0) return;
    const row = rows.findIndex((r) => r[side].some((item) => item.index === e.detail.index));
    if (row >= 0 && row !== current) selectRow(row, side);
  });
}
