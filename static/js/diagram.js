// The message-flow diagram: three lanes (client, server, app), one arrow per trace
// event, drawn as SVG sized to its box. Stepping highlights one arrow, fades the ones
// still to come and fires a bubbling "step" CustomEvent ({index, seq, line, event})
// so the page can mark the editor line. No globals: several diagrams may share a page
// (side-by-side runs) and a `.presenter` ancestor only restyles it.
import { LANES, route, family, label, groupTitle } from "./labels.js";
import { renderDetails, renderViolationList } from "./details.js";
import { t } from "./strings.js";

const SVG = "http://www.w3.org/2000/svg";
// Sizes at scale 1; options.scale (presenter mode, issue 6) multiplies them and the
// label font (CSS reads --flow-scale), so the geometry and the text stay in step.
let ROW = 42;          // one event per row: enough height for a label above the arrow
let GROUP = 30;        // a request heading
let CHAR = 7.3;        // width of one 12px monospace character, to cut labels to fit
const SPEEDS = [["0.5", "0.5×"], ["1", "1×"], ["2", "2×"], ["4", "4×"]];
const LANE_TITLES = {
  client: t("js.lane.client", "Client"), server: t("js.lane.server", "Server"), app: t("js.lane.app", "Your app"),
};

function el(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function html(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// A CJK character takes two monospace columns: count it twice when fitting a label.
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;
const cols = (text) => [...text].reduce((n, ch) => n + (WIDE.test(ch) ? 2 : 1), 0);

function clip(text, room) {
  const max = Math.max(4, Math.floor(room / CHAR));
  if (cols(text) <= max) return text;
  let out = "", used = 0;
  for (const ch of text) {
    const w = WIDE.test(ch) ? 2 : 1;
    if (used + w > max - 1) break;
    out += ch;
    used += w;
  }
  return out + "…";
}

export class FlowDiagram {
  constructor(root, options = {}) {
    this.root = root;
    this.options = options;
    this.trace = null;
    this.current = -1;          // -1: overview, nothing stepped yet
    this.timer = null;
    this.speed = 1;
    this.width = 0;
    // Presenter mode (presenter.js) sets the page's scale; diagrams made later follow it.
    this.scale = options.scale || Number(document.body.dataset.flowScale || 1);
    root.style.setProperty("--flow-scale", String(this.scale));
    root.classList.add("flow");
    root.replaceChildren();
    this.#buildChrome();
    new ResizeObserver(() => this.#maybeRedraw()).observe(this.scroller);
    FlowDiagram.all.add(this);
  }

  /** Every diagram on the page, for presenter mode's clicker keys and scale. */
  static all = new Set();
  /** The diagram last run, clicked or focused: where a clicker's keys go. */
  static active = null;

  #buildChrome() {
    const bar = html("div", { class: "flow-toolbar", role: "toolbar", "aria-label": t("js.flow.toolbar", "Step through the messages") });
    const button = (act, text, title) => {
      const b = html("button", { type: "button", "data-act": act, title, "aria-label": title }, text);
      bar.append(b);
      return b;
    };
    button("first", t("js.flow.first", "« First"), t("js.flow.first_title", "First message (Home)"));
    button("prev", "◀", t("js.flow.prev_title", "Previous message (←)"));
    this.playButton = button("play", t("js.flow.play", "▶ Play"), t("js.flow.play_title", "Play / pause"));
    this.playButton.setAttribute("aria-pressed", "false");
    button("next", "▶", t("js.flow.next_title", "Next message (→)"));
    button("last", t("js.flow.last", "Last »"), t("js.flow.last_title", "Last message (End)"));
    const speedLabel = html("label", { class: "flow-speed" }, t("js.flow.speed", "Speed "));
    this.speedSelect = html("select", { "aria-label": t("js.flow.speed_label", "Playback speed") });
    for (const [value, text] of SPEEDS) this.speedSelect.append(new Option(text, value, value === "1", value === "1"));
    speedLabel.append(this.speedSelect);
    bar.append(speedLabel);
    this.position = html("span", { class: "flow-pos", "aria-live": "polite" });
    bar.append(this.position);

    this.problems = html("div", { class: "flow-problems" });
    this.head = el("svg", { class: "flow-head", "aria-hidden": "true" });
    this.scroller = html("div", {
      class: "flow-scroll", tabindex: "0", role: "group",
      "aria-label": t("js.flow.diagram_label", "Message-flow diagram. Left and right arrow keys step through the messages; Home and End jump."),
    });
    this.svg = el("svg", { class: "flow-svg", "aria-hidden": "true" });
    this.scroller.append(this.svg);
    this.details = html("section", { class: "flow-details", "aria-label": t("js.flow.details_label", "Message details") });
    this.root.append(bar, this.problems, this.head, this.scroller, this.details);

    bar.addEventListener("click", (e) => {
      const act = e.target.closest("button")?.dataset.act;
      if (act === "play") this.toggle();
      else if (act) { this.pause(); this[act](); }
    });
    this.speedSelect.addEventListener("change", () => { this.speed = Number(this.speedSelect.value); });
    this.root.addEventListener("pointerdown", () => { FlowDiagram.active = this; });
    this.root.addEventListener("focusin", () => { FlowDiagram.active = this; });
    this.root.addEventListener("keydown", (e) => this.#onKey(e));
    this.svg.addEventListener("click", (e) => {
      const g = e.target.closest("[data-index]");
      if (g) { this.pause(); this.step(Number(g.dataset.index)); }
    });
    this.problems.addEventListener("click", (e) => {
      const b = e.target.closest("[data-index]");
      if (b) { this.pause(); this.step(Number(b.dataset.index)); this.scroller.focus(); }
    });
    this.#empty();
  }

  #onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.target.tagName === "SELECT") return;
    const acts = { ArrowRight: "next", ArrowLeft: "prev", Home: "first", End: "last" };
    if (acts[e.key]) { this.pause(); this[acts[e.key]](); e.preventDefault(); }
    else if ((e.key === " " || e.key === "p") && e.target === this.scroller) { this.toggle(); e.preventDefault(); }
  }

  #empty() {
    this.svg.replaceChildren();
    this.head.replaceChildren();
    this.problems.replaceChildren();
    this.details.replaceChildren(html("p", { class: "flow-hint" },
      this.options.emptyText || t("js.flow.empty", "Run your code to see every message between the client, the server and your app.")));
    this.position.textContent = "";
    this.root.classList.add("is-empty");
  }

  /** Draw a trace (or clear with null). Starts in overview: every arrow, none current. */
  show(trace) {
    this.pause();
    this.trace = trace;
    this.current = -1;
    this.violationsBySeq = new Map();
    if (!trace || !trace.events || trace.events.length === 0) {
      this.#empty();
      if (trace) this.details.replaceChildren(html("p", { class: "flow-hint" }, t("js.flow.no_messages", "No messages were exchanged: the app was never called.")));
      if (trace) renderViolationList(this.problems, trace.violations || [], new Map());
      return;
    }
    this.root.classList.remove("is-empty");
    FlowDiagram.active = this;
    for (const v of trace.violations || []) {
      if (v.event === null || v.event === undefined) continue;
      if (!this.violationsBySeq.has(v.event)) this.violationsBySeq.set(v.event, []);
      this.violationsBySeq.get(v.event).push(v);
    }
    this.indexBySeq = new Map(trace.events.map((ev, i) => [ev.seq, i]));
    renderViolationList(this.problems, trace.violations || [], this.indexBySeq, this.options.ruleUrl);
    this.width = 0;
    this.#maybeRedraw();
    this.#update(false);
  }

  #maybeRedraw() {
    const width = Math.max(300, this.scroller.clientWidth);
    if (!this.trace || !this.trace.events.length || Math.abs(width - this.width) < 4) return;
    this.width = width;
    this.#draw(width);
    this.#update(false);
  }

  #lanesX(width) {
    const edge = Math.max(46, width * 0.11);
    return { client: edge, server: width / 2, app: width - edge };
  }

  #draw(width) {
    const k = this.scale;
    [ROW, GROUP, CHAR] = [42 * k, 30 * k, 7.3 * k];
    const x = this.#lanesX(width);
    this.head.replaceChildren();
    this.head.setAttribute("viewBox", `0 0 ${width} 34`);
    this.head.setAttribute("width", width);
    this.head.setAttribute("height", 34);
    for (const lane of LANES) {
      const w = Math.min(96, width * 0.22);
      this.head.append(
        el("rect", { class: `lane-box lane-${lane}`, x: x[lane] - w / 2, y: 4, width: w, height: 26, rx: 13 }),
        el("text", { class: "lane-title", x: x[lane], y: 21.5, "text-anchor": "middle" }, LANE_TITLES[lane]));
    }

    const svg = this.svg;
    svg.replaceChildren();
    const rows = el("g");
    let y = 6;
    let group;
    this.groups = [];
    this.trace.events.forEach((ev, index) => {
      const g = ev.request ?? null;
      if (index === 0 || g !== group) {
        group = g;
        rows.append(el("rect", { class: "group-band", x: 0, y, width, height: GROUP - 6, rx: 4 }),
          el("text", { class: "group-title", x: 8, y: y + 16 * this.scale }, groupTitle(this.trace, g)));
        y += GROUP;
      }
      const node = this.#drawEvent(ev, index, y, x, width);
      rows.append(node);
      this.groups[index] = node;
      y += ROW;
    });
    const height = y + 6;
    const lanes = el("g", { class: "lanes" });
    for (const lane of LANES) lanes.append(el("line", { class: `lane lane-${lane}`, x1: x[lane], x2: x[lane], y1: 0, y2: height }));
    svg.append(lanes, rows);
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
  }

  #drawEvent(ev, index, top, x, width) {
    const problems = this.violationsBySeq.get(ev.seq) || [];
    const severity = problems.some((v) => v.severity === "error") ? "error" : problems.length ? "warning" : "";
    const [from, to] = route(ev);
    const g = el("g", {
      class: `flow-ev fam-${family(ev)}${severity ? " sev-" + severity : ""}`,
      "data-index": index, "data-seq": ev.seq, "data-kind": ev.kind,
    });
    const text = (severity ? "⚠ " : "") + label(ev);
    g.append(el("title", {}, `#${ev.seq} ${ev.kind}: ${label(ev)}`));
    g.append(el("rect", { class: "hit", x: 0, y: top, width, height: ROW }));
    const k = this.scale;
    g.append(el("text", { class: "seq", x: 6, y: top + 26 * k }, String(ev.seq)));
    const mid = top + 27 * k;
    if (from !== to) {
      const x1 = x[from], x2 = x[to], dir = Math.sign(x2 - x1);
      g.append(el("line", { class: "shaft", x1, y1: mid, x2: x2 - dir * 9, y2: mid }));
      g.append(el("path", { class: "head", d: `M${x2},${mid} l${-dir * 11},-5.5 v11 z` }));
      g.append(el("circle", { class: "tail", cx: x1, cy: mid, r: 3 }));
      // One arrow per row, so a long label may run past the lanes: centred on the
      // arrow when it fits, slid sideways to stay inside the row when it does not.
      const right = ev.line ? x.app - 4 : width - 8;
      const shown = clip(text, right - 24);
      const half = (cols(shown) * CHAR) / 2;
      const cx = Math.min(Math.max((x1 + x2) / 2, 24 + half), right - half);
      g.append(el("text", { class: "flow-label", x: cx, y: mid - 8 * k, "text-anchor": "middle" }, shown));
    } else if (ev.kind === "note") {
      const left = x.client + 14, right = x.app - 14;
      g.append(el("rect", { class: "note-box", x: left, y: top + 8 * k, width: right - left, height: ROW - 12 * k, rx: 6 }));
      g.append(el("text", { class: "flow-label note-text", x: (left + right) / 2, y: top + 29 * k, "text-anchor": "middle" }, clip("ℹ " + text, right - left - 16)));
    } else {
      const cx = x[from];
      const room = from === "app" ? cx - 30 : width - cx - 40;
      const anchor = from === "app" ? "end" : "start";
      g.append(el("circle", { class: "self-dot", cx, cy: mid, r: 6 }));
      g.append(el("text", { class: "flow-label", x: cx + (from === "app" ? -12 : 12), y: mid + 4 * k, "text-anchor": anchor }, clip(text, room)));
    }
    if (ev.line) g.append(el("text", { class: "line-tag", x: Math.min(width - 4, x.app + 10), y: mid + 4 * k, "text-anchor": x.app + 30 > width ? "end" : "start" }, `L${ev.line}`));
    return g;
  }

  #update(announce) {
    const n = this.trace ? this.trace.events.length : 0;
    (this.groups || []).forEach((g, i) => {
      g.classList.toggle("is-current", i === this.current);
      g.classList.toggle("is-future", this.current >= 0 && i > this.current);
    });
    this.position.textContent = n === 0 ? "" : this.current < 0 ? t("js.flow.count", "{n} messages", { n }) : `${this.current + 1} / ${n}`;
    const ev = this.current >= 0 ? this.trace.events[this.current] : null;
    renderDetails(this.details, ev, ev ? this.violationsBySeq.get(ev.seq) || [] : [], this.options.ruleUrl);
    if (!announce) return;
    const node = this.groups[this.current];
    if (node) {
      const top = node.getBBox().y, s = this.scroller;
      if (top < s.scrollTop + 10 || top + ROW > s.scrollTop + s.clientHeight - 10) s.scrollTop = top - s.clientHeight / 3;
    }
    const detail = { index: this.current, seq: ev ? ev.seq : null, line: ev && ev.line ? ev.line : null, event: ev };
    this.root.dispatchEvent(new CustomEvent("step", { detail, bubbles: true }));
    if (this.options.onStep) this.options.onStep(detail);
  }

  /** Make event `index` current (clamped). */
  step(index) {
    if (!this.trace || !this.trace.events.length) return;
    this.current = Math.max(0, Math.min(this.trace.events.length - 1, index));
    this.#update(true);
  }
  next() { this.step(this.current + 1); }
  prev() { this.step(this.current <= 0 ? 0 : this.current - 1); }
  first() { this.step(0); }
  last() { if (this.trace) this.step(this.trace.events.length - 1); }

  play() {
    if (!this.trace || !this.trace.events.length) return;
    if (this.current >= this.trace.events.length - 1) this.current = -1;
    this.playButton.textContent = t("js.flow.pause", "❚❚ Pause");
    this.playButton.setAttribute("aria-pressed", "true");
    const tick = () => {
      this.next();
      if (this.current >= this.trace.events.length - 1) { this.pause(); return; }
      this.timer = setTimeout(tick, 900 / this.speed);
    };
    clearTimeout(this.timer);
    tick();
  }
  pause() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.playButton) {
      this.playButton.textContent = t("js.flow.play", "▶ Play");
      this.playButton.setAttribute("aria-pressed", "false");
    }
  }
  toggle() { if (this.timer) this.pause(); else this.play(); }

  /** Redraw bigger or smaller (presenter mode): 1 is the normal size. */
  setScale(scale) {
    this.scale = scale;
    this.root.style.setProperty("--flow-scale", String(scale));
    this.width = 0;
    this.#maybeRedraw();
  }
  get playing() { return this.timer !== null; }

  /** Replay speed (0.5, 1, 2, 4): the presenter's control sets every diagram's. */
  setSpeed(speed) {
    this.speed = speed;
    const value = String(speed);
    if ([...this.speedSelect.options].some((o) => o.value === value)) this.speedSelect.value = value;
  }
  get hasTrace() { return Boolean(this.trace && this.trace.events && this.trace.events.length); }
}
