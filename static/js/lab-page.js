// The concurrency lab page: an editor, presets, the scenario and server-model controls,
// and the results (figures, the engine's notes, a timeline per run). POST /api/lab does
// the work (docs/lab.md); this module checks the form against the documented caps
// before sending, and says what went wrong when a run cannot happen: never silence.
// The code is kept in localStorage like the playground's, the settings beside it.
import { makeEditor } from "./workbench.js";
import { Progress, readJSON, writeJSON } from "./storage.js";
import { postJSON, RunError, holdRun } from "./run.js";
import { PRESETS } from "./lab-presets.js";
import { Timeline, renderLegend } from "./timeline.js";
import { Words } from "./lab-format.js";
import { initTheme } from "./theme.js";
import { installShortcuts } from "./keys.js";
import { toast } from "./toast.js";
import { h } from "./dom.js";

const CODE_KEY = "_lab";
const SETTINGS_KEY = "wat.lab.v1";
const data = JSON.parse(document.getElementById("page-data").textContent);
const words = new Words(data.strings);
const $ = (id) => document.getElementById(id);

initTheme();
const progress = new Progress({ onError: () => toast(words.t("storage_failed")) });
const form = $("lab-form");
const status = $("lab-status");
const runButton = $("lab-run");
const presetSelect = $("lab-preset");
const compareBox = $("lab-compare");

for (const [name, p] of Object.entries(PRESETS)) presetSelect.append(new Option(words.t(p.title), name));

// ---- the form: read, write, validate ----

function serverOf(prefix) {
  const model = form.querySelector(`input[name="${prefix}-model"]:checked`).value;
  const server = { model, workers: Number($(`${prefix}-workers`).value) };
  if (model === "threads") server.threads = Number($(`${prefix}-threads`).value);
  else server.pool = Number($(`${prefix}-pool`).value);
  return server;
}

function setServer(prefix, server) {
  if (!server) return;
  const model = server.model === "loop" ? "loop" : "threads";
  form.querySelector(`input[name="${prefix}-model"][value="${model}"]`).checked = true;
  for (const key of ["workers", "threads", "pool"]) {
    if (Number.isInteger(server[key])) $(`${prefix}-${key}`).value = String(server[key]);
  }
  syncVisibility();
}

function settings() {
  const spaced = form.querySelector('input[name="arrival"]:checked').value === "spaced";
  return {
    requests: Number($("lab-requests").value),
    every_ms: spaced ? Number($("lab-every").value) : 0,
    spaced,
    a: serverOf("a"),
    b: serverOf("b"),
    compare: compareBox.checked,
  };
}

function applySettings(s) {
  if (!s || typeof s !== "object") return;
  if (Number.isInteger(s.requests)) $("lab-requests").value = String(s.requests);
  const spaced = Boolean(s.spaced ?? s.every_ms > 0);
  form.querySelector(`input[name="arrival"][value="${spaced ? "spaced" : "once"}"]`).checked = true;
  if (Number.isInteger(s.every_ms) && s.every_ms > 0) $("lab-every").value = String(s.every_ms);
  setServer("a", s.a || s.server);
  setServer("b", s.b);
  if (typeof s.compare === "boolean") compareBox.checked = s.compare;
  syncVisibility();
}

function syncVisibility() {
  for (const prefix of ["a", "b"]) {
    const model = form.querySelector(`input[name="${prefix}-model"]:checked`).value;
    for (const box of $(`${prefix}-server`).querySelectorAll(".lab-when")) box.hidden = box.dataset.model !== model;
  }
  form.querySelector(".lab-when-spaced").hidden = form.querySelector('input[name="arrival"]:checked').value !== "spaced";
  $("b-server").hidden = !compareBox.checked;
  $("a-server").querySelector("legend").textContent = words.t(compareBox.checked ? "server_a" : "server");
}

/** Every visible number field within its caps; marks the bad ones. Null if any is bad. */
function validate() {
  let firstBad = null;
  for (const input of form.querySelectorAll('input[type="number"]')) {
    const hiddenField = input.closest("[hidden]") !== null;
    const error = $(`${input.id}-error`);
    const min = Number(input.min);
    const max = Number(input.max);
    const value = input.value.trim() === "" ? NaN : Number(input.value);
    const ok = hiddenField || (Number.isInteger(value) && value >= min && value <= max);
    if (ok) input.removeAttribute("aria-invalid"); else input.setAttribute("aria-invalid", "true");
    error.hidden = ok;
    error.textContent = ok ? "" : words.t("field_range", {
      label: input.closest("label").querySelector("span").textContent, min, max,
    });
    if (!ok && !firstBad) firstBad = input;
  }
  if (firstBad) {
    setStatus(words.t("fix_fields") + " " + $(`${firstBad.id}-error`).textContent, true);
    firstBad.focus();
    return null;
  }
  return settings();
}

function setStatus(text, isError = false) {
  status.textContent = text;
  status.classList.toggle("is-error", isError);
  if (isError) status.setAttribute("role", "alert");
  else status.removeAttribute("role");
}

function saveSettings() { writeJSON(SETTINGS_KEY, settings()); }

// ---- the editor and where its first code comes from ----

const params = new URLSearchParams(location.search);
const wanted = params.get("preset");
const preset = wanted ? PRESETS[wanted] : null;
if (wanted && !preset) toast(words.t("unknown_preset", { name: wanted }));
const savedCode = progress.code(CODE_KEY);

const editor = makeEditor($("lab-editor"), {
  doc: savedCode ?? PRESETS["wsgi-sleep"].code,
  label: words.t("editor_label"),
  onRun: () => run(),
  onChange: (code) => progress.saveCode(CODE_KEY, code),
});

applySettings(readJSON(SETTINGS_KEY));
if (preset) loadPreset(preset, savedCode !== null); // over the saved code, undoably
else if (savedCode === null) loadPreset(PRESETS["wsgi-sleep"], false);
if (wanted) {
  // The preset is loaded and saved: drop it from the address, so a reload keeps
  // the learner's edits instead of loading the preset over them again.
  params.delete("preset");
  const rest = params.toString();
  history.replaceState(null, "", location.pathname + (rest ? `?${rest}` : "") + location.hash);
}
syncVisibility();

function loadPreset(p, say) {
  if (editor.getCode() !== p.code) editor.setCode(p.code); // undoable: Ctrl+Z brings the old code back
  progress.saveCode(CODE_KEY, p.code);
  applySettings({ requests: p.requests, every_ms: p.every_ms, spaced: p.every_ms > 0, a: p.server });
  saveSettings();
  if (say) setStatus(words.t("preset_loaded", { title: words.t(p.title) }));
}

presetSelect.addEventListener("change", () => {
  const p = PRESETS[presetSelect.value];
  if (!p) return;
  loadPreset(p, true);
  presetSelect.value = "";
});
form.addEventListener("change", () => { syncVisibility(); saveSettings(); });
form.addEventListener("input", () => saveSettings()); // typed, not yet left: kept too
form.addEventListener("submit", (e) => { e.preventDefault(); run(); });

// ---- running and showing ----

const results = $("lab-results");
const orderSelect = $("lab-order");
const charts = [];
let controller = null;
let shown = null; // the runs on screen, redrawn when the row order changes
orderSelect.addEventListener("change", () => { if (shown) show(shown); });

function labRequest(s, server) {
  return {
    code: editor.getCode(), interface: "auto", app: "app", lang: data.lang || "en", // the notes' language
    lab: { requests: s.requests, every_ms: s.every_ms, method: "GET", path: "/", server },
  };
}

async function run() {
  const s = validate();
  if (!s) return;
  if (controller) controller.abort();
  const mine = (controller = new AbortController());
  runButton.setAttribute("aria-busy", "true");
  editor.mark("error", []);
  setStatus(words.t("running", { n: s.requests }));
  const servers = s.compare ? [s.a, s.b] : [s.a];
  const done = [];
  try {
    // One after the other: the sandbox's children are a shared, small pool.
    for (const server of servers) {
      done.push(await postJSON(data.lab_url, labRequest(s, server), { signal: mine.signal }));
    }
  } catch (err) {
    if (err.name === "AbortError") return;
    const message = err instanceof RunError ? err.message : String(err);
    setStatus(words.t("run_failed", { message }), true);
    toast(words.t("run_failed", { message }));
    if (err.retryAfter) holdRun(runButton, err.retryAfter, (v) => words.t("unit_s", { v }));
    return;
  } finally {
    if (controller === mine) {
      controller = null;
      runButton.removeAttribute("aria-busy");
    }
  }
  show(done);
}

function failure(result) {
  if (!result.error && (result.outcome === "ok" || !result.outcome)) return null;
  const e = result.error || {};
  let message = [e.type, e.message].filter(Boolean).join(": ") || result.outcome;
  if (Number.isInteger(e.line)) message += ` (${words.t("at_line", { line: e.line })})`;
  return { message: words.t("outcome_failed", { outcome: result.outcome, message }), line: e.line };
}

function show(runs) {
  const problems = runs.map(failure).filter(Boolean);
  const lines = problems.map((p) => p.line).filter(Number.isInteger);
  editor.mark("error", lines);
  if (lines.length) editor.showLine(lines[0], false);
  const drawable = runs.filter((r) => Array.isArray(r.requests) && r.requests.length);
  if (problems.length) setStatus(problems.map((p) => p.message).join(" "), true);
  else if (runs.length === 2) setStatus(words.t("done_compare", { a: words.duration(runs[0].makespan_ms), b: words.duration(runs[1].makespan_ms) }));
  else setStatus(words.t("done", { n: runs[0].requests_n ?? runs[0].requests.length, makespan: words.duration(runs[0].makespan_ms), real: words.duration(runs[0].real_ms) }));
  if (!drawable.length) {
    results.hidden = true;
    if (!problems.length) setStatus(words.t("nothing"), true);
    return;
  }
  // The first results appear below the fold: bring them into view once; later runs
  // leave the scroll where the learner put it.
  const first = results.hidden && !shown;
  results.hidden = false;
  if (first) results.scrollIntoView({ behavior: "smooth", block: "start" });
  const labels = runs.length === 2 ? [`A · ${words.server(runs[0].server)}`, `B · ${words.server(runs[1].server)}`] : [words.server(runs[0].server)];
  renderFigures(runs, labels);
  renderNotes(runs);
  renderLegend($("lab-legend"), words);
  const box = $("lab-charts");
  while (charts.length < runs.length) {
    const holder = h("div");
    box.append(holder);
    charts.push(new Timeline(holder, words));
  }
  while (charts.length > runs.length) charts.pop().root.remove();
  const domainMs = Math.max(...runs.map((r) => r.makespan_ms || 0), 0);
  runs.forEach((r, i) => {
    charts[i].setTitle(runs.length === 2 ? labels[i] : "");
    charts[i].show({ ...r, requests: r.requests || [] }, { domainMs, order: orderSelect.value });
  });
  shown = runs;
}


const FIGURES = [
  ["makespan", "fig_makespan", (r) => words.duration(r.makespan_ms)],
  ["throughput", "fig_throughput", (r) => words.rate(r.throughput_rps)],
  ["p50", "fig_p50", (r) => words.duration(r.p50_ms)],
  ["p99", "fig_p99", (r) => words.duration(r.p99_ms)],
  ["in-flight", "fig_in_flight", (r) => String(r.max_in_flight ?? "–")],
];

function renderFigures(runs, labels) {
  const head = h("tr", {}, h("td", { text: "" }), ...labels.map((l) => h("th", { scope: "col", text: l })));
  const body = h("tbody", {}, ...FIGURES.map(([key, label, value]) => h("tr", {},
    h("th", { scope: "row", text: words.t(label) }),
    ...runs.map((r, i) => h("td", { "data-figure": key, "data-run": String(i), text: value(r) })))));
  const table = h("table", { class: "lab-figure-table" },
    h("caption", { text: words.t("figures") }), h("thead", {}, head), body);
  $("lab-figures").replaceChildren(table);
}

function renderNotes(runs) {
  const box = $("lab-notes");
  const notes = runs.flatMap((r, i) => (Array.isArray(r.notes) ? r.notes : [])
    .map((n) => (runs.length === 2 ? `${"AB"[i]}: ${n}` : String(n))));
  if (!notes.length) { box.replaceChildren(); return; }
  box.replaceChildren(h("h3", { text: words.t("notes") }), h("ul", {}, ...notes.map((n) => h("li", { text: n }))));
}

installShortcuts({ run: () => run() });
