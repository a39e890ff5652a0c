// One place to write and run code: the editor, the Run button, the request panel and
// the results (diagram, response, transcript) in tabs. The lesson page uses one for
// the exercise and one per runnable example; the playground uses one. Results are
// drawn by diagram.js / response.js / transcript.js; this module only wires them.
import { FlowDiagram } from "./diagram.js";
import { Transcript, outcomeText } from "./transcript.js";
import { renderResult } from "./response.js";
import { runCode, RunError, holdRun } from "./run.js";
import { ScenarioPanel } from "./scenario-panel.js";
import { isDark, onThemeChange } from "./theme.js";
import { t, pageLang } from "./strings.js";
import { h } from "./dom.js";

let count = 0;
const MOD = /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘" : "Ctrl";

// A plain textarea with the editor's interface, used when the CodeMirror bundle is missing.
function textareaEditor(parent, { doc, onChange, label }) {
  const ta = h("textarea", { rows: "14", spellcheck: "false", autocapitalize: "off", autocorrect: "off", "aria-label": label });
  ta.value = doc;
  ta.addEventListener("input", () => onChange && onChange(ta.value));
  parent.append(ta);
  return {
    getCode: () => ta.value, setCode: (t) => { ta.value = t; onChange && onChange(t); },
    setDark() {}, setReadOnly: (f) => { ta.readOnly = f; }, mark() {}, focus: () => ta.focus(),
    showLine() {},
  };
}

// CodeMirror injects its styles with a <style> element when mounted in a document,
// which our CSP (style-src 'self', no nonce) blocks; inside a shadow root it uses a
// constructable stylesheet instead, which CSP allows. So each editor lives in an open
// shadow root, with the few rules of ours it needs adopted there too (custom
// properties such as --step-line inherit through the shadow boundary).
let editorSheet = null;
const EDITOR_CSS = `
  :host { display: block; }
  .cm-editor { max-height: 55vh; font-size: var(--editor-size, 14px); background: var(--surface); color: var(--text); }
  .cm-scroller { font-family: var(--mono); line-height: 1.5; }
  .cm-editor.cm-focused { outline: 3px solid var(--focus); outline-offset: -3px; }
  .cm-editor .cm-gutters { background: var(--surface-2); color: var(--muted); border-right: 1px solid var(--border); }
  /* Long lines wrap (CodeMirror reads white-space to know): no sideways scrolling on a
     phone, and no scrollable region without a tab stop of its own. */
  .cm-editor .cm-content { white-space: pre-wrap; word-break: break-word; overflow-wrap: anywhere; flex-shrink: 1; }
  /* Marked lines: a tint in the light theme; in the dark one a frame only, since any
     tint there pulls One Dark's token colours under 4.5:1. */
  .cm-line.cm-mark-step { background: var(--step-line); box-shadow: inset 4px 0 var(--focus), inset 0 0 0 1px var(--focus); }
  .cm-line.cm-mark-error { background: var(--error-line); box-shadow: inset 4px 0 var(--error), inset 0 0 0 1px var(--error); }
  @media print { .cm-editor { max-height: none; } }
  @media (max-width: 600px) { .cm-editor { font-size: 13px; } }
`;

function shadowMount(parent) {
  const host = document.createElement("div");
  host.className = "editor-host";
  parent.append(host);
  const shadow = host.attachShadow({ mode: "open" });
  if (!editorSheet) {
    editorSheet = new CSSStyleSheet();
    editorSheet.replaceSync(EDITOR_CSS);
  }
  shadow.adoptedStyleSheets = [editorSheet];
  const mount = document.createElement("div");
  shadow.append(mount);
  return mount;
}

// CodeMirror's light highlight style colours escapes #e40 and invalid code #f00, and
// One Dark its comments #7d8799: all under WCAG AA's 4.5:1 on our backgrounds. Its class names are generated, so find the rules that use
// those colours in its sheet and restate them, darker, in ours (later, so it wins).
const DARKER = { "rgb(238, 68, 0)": "#b33600", "rgb(255, 0, 0)": "#c00000", "rgb(125, 135, 153)": "#9ba4b5" };
const fixed = new Set();
function fixContrast(shadow) {
  for (const sheet of shadow.adoptedStyleSheets) {
    if (sheet === editorSheet) continue;
    for (const rule of sheet.cssRules) {
      const better = rule.style && DARKER[rule.style.color];
      if (!better || fixed.has(rule.selectorText)) continue;
      fixed.add(rule.selectorText);
      editorSheet.insertRule(`${rule.selectorText} { color: ${better}; }`, editorSheet.cssRules.length);
    }
  }
}

export function makeEditor(parent, options) {
  if (!window.TourEditor) return textareaEditor(parent, options);
  const mount = shadowMount(parent);
  const editor = window.TourEditor.create(mount, { dark: isDark(), ...options });
  fixContrast(mount.getRootNode());
  onThemeChange((dark) => { editor.setDark(dark); fixContrast(mount.getRootNode()); });
  // Scroll a line into view (and optionally put the cursor there) without a new API.
  editor.showLine = (n, focus) => {
    const { view } = editor;
    if (n < 1 || n > view.state.doc.lines) return;
    const pos = view.state.doc.line(n).from;
    view.dispatch({
      effects: view.constructor.scrollIntoView(pos, { y: "center" }),
      ...(focus ? { selection: { anchor: pos } } : {}),
    });
    if (focus) view.focus();
  };
  return editor;
}

export class Workbench {
  constructor(root, opts = {}) {
    this.opts = opts;
    this.interface = opts.interface || "auto";
    this.app = opts.app || "app";
    this.controller = null;
    const id = `wb${++count}`;

    this.runButton = h("button", { type: "button", class: "btn btn-primary", text: t("js.bench.run", "▶ Run") });
    this.runButton.title = t("js.bench.run_title", "Run ({key}+Enter)", { key: MOD });
    this.runButton.addEventListener("click", () => this.run());
    const actions = h("div", { class: "actions" }, this.runButton, ...(opts.buttons || []),
      h("span", { class: "hint-text", text: t("js.bench.run_hint", "{key}+Enter runs", { key: MOD }) }));
    this.status = h("p", { class: "run-status" });
    const editorBox = h("div", { class: "editor" });
    const editorPanel = h("div", { class: "editor-panel" }, editorBox, actions, this.status,
      ...(opts.belowActions ? [opts.belowActions] : []));
    root.append(editorPanel);
    this.editor = makeEditor(editorBox, {
      doc: opts.code || "", label: opts.label || t("js.bench.code_label", "Your app's code"),
      onRun: () => this.run(), onChange: (code) => opts.onCodeChange && opts.onCodeChange(code),
    });

    if (opts.scenarioPanel !== false) {
      const details = h("details", { class: "panel request-panel" });
      const summary = h("summary");
      const body = h("div");
      details.append(summary, body);
      root.append(details);
      this.scenario = new ScenarioPanel(body, {
        scenario: opts.scenario || {},
        onChange: () => {
          summary.textContent = t("js.bench.request", "Request: {summary}", { summary: this.scenario.summary() });
          if (opts.onScenarioChange) opts.onScenarioChange();
        },
      });
      summary.textContent = t("js.bench.request", "Request: {summary}", { summary: this.scenario.summary() });
    } else {
      this.fixedScenario = opts.scenario || {};
    }

    this.results = h("section", { class: "results", "aria-label": t("js.bench.results_label", "Results of the run") });
    this.results.hidden = true;
    this.live = h("p", { class: "visually-hidden", "aria-live": "polite" });
    const tabs = h("div", { class: "result-tabs", role: "tablist", "aria-label": t("js.bench.results", "Results") });
    this.panels = {};
    this.tabButtons = {};
    for (const [key, text] of [["flow", t("js.bench.tab_flow", "Messages")], ["response", t("js.bench.tab_response", "Response & output")],
      ["transcript", t("js.bench.tab_transcript", "Transcript")]]) {
      const tab = h("button", { type: "button", role: "tab", id: `${id}-t-${key}`, "aria-controls": `${id}-p-${key}`, text });
      const panel = h("div", { role: "tabpanel", id: `${id}-p-${key}`, "aria-labelledby": tab.id, class: `tab-${key}` });
      tabs.append(tab);
      this.tabButtons[key] = tab;
      this.panels[key] = panel;
    }
    tabs.addEventListener("click", (e) => { const t = e.target.closest("[role=tab]"); if (t) this.showTab(t.id.split("-t-")[1]); });
    tabs.addEventListener("keydown", (e) => this.#tabKeys(e));
    this.panels.transcript.classList.add("transcript");
    this.results.append(this.live, tabs, ...Object.values(this.panels));
    root.append(this.results);

    this.diagram = new FlowDiagram(this.panels.flow, { ruleUrl: opts.ruleUrl });
    this.transcript = new Transcript(this.panels.transcript, this.live);
    this.panels.flow.addEventListener("step", (e) => {
      const line = e.detail.line;
      this.editor.mark("step", line ? [line] : []);
      if (line) this.editor.showLine(line, false);
      this.transcript.markCurrent(e.detail.index);
    });
    this.showTab("flow");
  }

  #tabKeys(e) {
    const keys = Object.keys(this.tabButtons);
    const at = keys.indexOf(e.target.id.split("-t-")[1]);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: keys.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    const key = keys[(to + keys.length) % keys.length];
    this.showTab(key);
    this.tabButtons[key].focus();
  }

  showTab(key) {
    for (const [k, tab] of Object.entries(this.tabButtons)) {
      tab.setAttribute("aria-selected", String(k === key));
      tab.tabIndex = k === key ? 0 : -1;
      this.panels[k].hidden = k !== key;
    }
  }

  scenarioValue() { return this.scenario ? this.scenario.value() : this.fixedScenario; }
  getCode() { return this.editor.getCode(); }

  setStatus(text, isError = false) {
    this.status.textContent = text;
    this.status.classList.toggle("is-error", isError);
    if (isError) this.status.setAttribute("role", "alert");
    else this.status.removeAttribute("role");
  }

  /** Run the code; resolves to the trace, or null when the run could not happen. */
  async run() {
    let scenario;
    try { scenario = this.scenarioValue(); } catch (err) {
      this.setStatus(err.message, true);
      return null;
    }
    if (this.controller) this.controller.abort();
    const controller = (this.controller = new AbortController());
    this.runButton.setAttribute("aria-busy", "true");
    this.setStatus(t("js.bench.running", "Running…"));
    try {
      // lang: the engine explains violations in the page's language.
      const trace = await runCode({ interface: this.interface, code: this.getCode(), app: this.app, scenario, lang: pageLang() },
        { signal: controller.signal, url: this.opts.runUrl });
      this.showTrace(trace);
      return trace;
    } catch (err) {
      if (err.name === "AbortError") return null;
      this.setStatus(err instanceof RunError ? err.message : String(err), true);
      if (err.retryAfter) holdRun(this.runButton, err.retryAfter, (n) => t("js.bench.wait", "Wait {n}s", { n }));
      return null;
    } finally {
      if (this.controller === controller) {
        this.controller = null;
        this.runButton.removeAttribute("aria-busy");
      }
    }
  }

  /** Draw a trace (from a run, a check, or a share link). */
  showTrace(trace) {
    this.results.hidden = false;
    this.setStatus(outcomeText(trace), false);
    this.diagram.show(trace);
    this.transcript.show(trace);
    renderResult(this.panels.response, trace, this.editor, (line) => this.editor.showLine(line, true));
    this.editor.mark("step", []);
    // A crash is read first as its traceback; everything else as the flow.
    const failedEarly = Boolean(trace.error);
    this.tabButtons.response.textContent = t("js.bench.tab_response", "Response & output") + (trace.error || trace.stdout ? " •" : "");
    this.showTab(failedEarly ? "response" : "flow");
    if (this.opts.onTrace) this.opts.onTrace(trace);
    // Follow mode (room.js) publishes every run a teacher sees; any page may listen.
    let scenario = {};
    try { scenario = this.scenarioValue(); } catch { /* half-typed: the trace says it */ }
    this.results.dispatchEvent(new CustomEvent("tour:trace", { bubbles: true, detail: {
      code: this.getCode(), scenario, interface: trace.interface || this.interface, trace } }));
  }
}
