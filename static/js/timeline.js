// The concurrency lab's timeline: one row per request, its spans (queued, running,
// waiting, blocked) drawn along a shared axis of simulated time.
//
// Drawn as SVG built from one string (a thousand requests are a few thousand rects,
// drawn in a few milliseconds); only numbers and our own class names go into that
// string, never data from the run. States differ by pattern and lightness as well as
// hue (lab.css), so the chart reads in both themes and without colour vision.
// Readers who cannot see it get the chart's summary, the arrow keys (each request
// read out in the detail line) and a table of every request.
import { niceStep } from "./lab-format.js";
import { h } from "./dom.js";

export const STATES = ["queued", "running", "waiting", "blocked"];
const GUTTER = 52; // px for row numbers
const PAD = 26; // room for the last tick label, centred on the right edge
const AXIS_H = 26;
let charts = 0;

/** SVG <pattern>s for the states; `id` keeps several charts' ids apart. */
function patterns(id) {
  return `<defs>
    <pattern id="${id}-queued" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
      <rect class="tl-bg-queued" width="6" height="6"/><rect class="tl-ink-queued" width="2" height="6"/></pattern>
    <pattern id="${id}-running" width="6" height="6" patternUnits="userSpaceOnUse">
      <rect class="tl-bg-running" width="6" height="6"/></pattern>
    <pattern id="${id}-waiting" width="6" height="6" patternUnits="userSpaceOnUse">
      <rect class="tl-bg-waiting" width="6" height="6"/><circle class="tl-ink-waiting" cx="3" cy="3" r="1.3"/></pattern>
    <pattern id="${id}-blocked" width="6" height="6" patternUnits="userSpaceOnUse">
      <rect class="tl-bg-blocked" width="6" height="6"/><path class="tl-ink-blocked" d="M0 0L6 6M6 0L0 6"/></pattern>
  </defs>`;
}

/** The legend: a swatch per state with its meaning. */
export function renderLegend(root, words) {
  const id = "tl-legend";
  const list = h("ul", { class: "tl-legend-list" });
  for (const state of STATES) {
    const item = h("li");
    const swatch = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    swatch.setAttribute("class", "tl-swatch");
    swatch.setAttribute("viewBox", "0 0 28 16");
    swatch.setAttribute("aria-hidden", "true");
    swatch.innerHTML = `${patterns(`${id}-${state}`)}<rect class="tl-span tl-${state}" x="0.5" y="0.5" width="27" height="15" fill="url(#${id}-${state}-${state})"/>`;
    item.append(swatch, h("span", { text: words.t(`state_${state}`) }));
    list.append(item);
  }
  const title = h("h3", { class: "tl-legend-title", text: words.t("legend") });
  root.replaceChildren(title, list);
}

function spansText(request, words) {
  const totals = {};
  for (const s of request.spans || []) totals[s.state] = (totals[s.state] || 0) + (s.end_ms - s.start_ms);
  return STATES.filter((s) => totals[s] > 0)
    .map((s) => `${words.t(`short_${s}`)} ${words.duration(totals[s])}`).join(", ");
}

/** One request in words (the detail line, the tooltip). */
export function describe(request, words) {
  const where = request.thread === null || request.thread === undefined
    ? words.t("where_worker", { worker: request.worker ?? "–" })
    : words.t("where_thread", { worker: request.worker ?? "–", thread: request.thread });
  let text = words.t("row", {
    index: request.index + 1, arrival: words.duration(request.arrival_ms), start: words.duration(request.start_ms),
    end: words.duration(request.end_ms), latency: words.duration(request.latency_ms), where,
    status: request.status ?? words.t("no_status"),
  });
  const states = spansText(request, words);
  if (states) text += " " + words.t("row_states", { states });
  if (request.error) text += " " + words.t("row_error", { error: request.error });
  if (request.spans_truncated) text += " " + words.t("spans_truncated", { n: request.spans_truncated });
  return text;
}

// Where a request's bar ends: its end, or for one that never finished (cut off at the
// simulated-time cap, or stuck) its last span.
function endOf(r) {
  const spans = r.spans || [];
  return r.end_ms ?? (spans.length ? spans[spans.length - 1].end_ms : r.arrival_ms) ?? 0;
}

const lane = (r) => `${r.worker ?? -1}/${r.thread ?? -1}`;
function byLane(a, b) {
  return (a.worker ?? -1) - (b.worker ?? -1) || (a.thread ?? -1) - (b.thread ?? -1)
    || (a.start_ms ?? 0) - (b.start_ms ?? 0) || a.index - b.index;
}

export class Timeline {
  /** `root`: an empty element. `title`: optional heading (the server model, when comparing). */
  constructor(root, words, { title } = {}) {
    this.words = words;
    this.id = `tl${++charts}`;
    this.root = root;
    this.current = -1;
    this.requests = [];
    root.classList.add("tl");
    this.heading = h("h3", { class: "tl-title", text: title || "" });
    this.heading.hidden = !title;
    this.axis = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    this.axis.setAttribute("class", "tl-axis");
    this.axis.setAttribute("aria-hidden", "true");
    this.scroll = h("div", { class: "tl-scroll" });
    this.scroll.tabIndex = 0;
    this.scroll.setAttribute("role", "group");
    this.keysHint = h("p", { class: "visually-hidden", text: words.t("chart_keys") });
    this.keysHint.id = `${this.id}-keys`;
    this.scroll.setAttribute("aria-describedby", this.keysHint.id);
    this.svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    this.svg.setAttribute("class", "tl-body");
    this.svg.setAttribute("aria-hidden", "true");
    this.tip = h("div", { class: "tl-tip" });
    this.tip.hidden = true;
    this.tip.setAttribute("aria-hidden", "true");
    this.scroll.append(this.svg);
    this.frame = h("div", { class: "tl-frame" });
    this.frame.append(this.axis, this.scroll, this.tip);
    this.detail = h("p", { class: "tl-detail" });
    this.detail.setAttribute("aria-live", "polite");
    this.table = h("details", { class: "tl-table" });
    const summary = h("summary", { text: words.t("table") });
    this.table.append(summary);
    this.table.addEventListener("toggle", () => { if (this.table.open) this.#fillTable(); });
    root.replaceChildren(this.heading, this.keysHint, this.frame, this.detail, this.table);

    this.scroll.addEventListener("keydown", (e) => this.#keys(e));
    this.svg.addEventListener("pointermove", (e) => this.#hover(e));
    this.svg.addEventListener("pointerleave", () => { this.tip.hidden = true; });
    this.svg.addEventListener("click", (e) => { this.#hover(e); this.scroll.focus({ preventScroll: true }); });
    this.width = 0;
    this.resize = new ResizeObserver(() => {
      if (this.result && Math.abs(this.frame.clientWidth - this.width) > 4) this.#draw();
    });
    this.resize.observe(this.frame);
  }

  setTitle(title) {
    this.heading.textContent = title || "";
    this.heading.hidden = !title;
  }

  /** Draw a lab result; `domainMs` fixes the axis (to line up two charts); `order`
   * "lane" groups the rows by worker and thread instead of arrival. */
  show(result, { domainMs, order } = {}) {
    this.result = result;
    this.order = order === "lane" ? "lane" : "arrival";
    this.requests = [...(result.requests || [])].sort(this.order === "lane" ? byLane : (a, b) => a.index - b.index);
    const lastEnd = Math.max(0, ...this.requests.map(endOf));
    this.domain = Math.max(domainMs || 0, result.makespan_ms || 0, lastEnd, 1);
    this.current = -1;
    this.detail.textContent = "";
    this.tip.hidden = true;
    this.tableFilled = false;
    this.table.open = false;
    this.table.querySelector(".tl-table-scroll")?.remove();
    this.scroll.setAttribute("aria-label", this.words.t("chart", {
      n: this.requests.length, makespan: this.words.duration(result.makespan_ms),
    }));
    this.#draw();
  }

  #x(ms) {
    return GUTTER + (ms / this.domain) * (this.width - GUTTER - PAD);
  }

  #draw() {
    const began = performance.now();
    const n = this.requests.length;
    this.width = Math.max(320, this.frame.clientWidth || 640);
    // Rows shrink with their number but never below 2 px; the box scrolls beyond ~36rem.
    this.rowH = Math.max(2, Math.min(18, Math.floor(560 / Math.max(n, 1))));
    const barH = this.rowH >= 8 ? this.rowH - 3 : this.rowH >= 4 ? this.rowH - 1 : this.rowH;
    const height = n * this.rowH + 4;
    const step = niceStep(this.domain, Math.max(2, Math.floor((this.width - GUTTER) / 90)));
    const ticks = [];
    for (let v = 0; v <= this.domain + step * 1e-9; v += step) ticks.push(v);

    let grid = "";
    let labels = "";
    for (const v of ticks) {
      const x = this.#x(v).toFixed(1);
      grid += `<line class="tl-grid" x1="${x}" x2="${x}" y1="0" y2="${height}"/>`;
      labels += `<line class="tl-tick" x1="${x}" x2="${x}" y1="${AXIS_H - 6}" y2="${AXIS_H}"/>`;
    }
    const every = Math.max(1, Math.ceil(14 / this.rowH));
    let rows = "";
    let numbers = "";
    for (let i = 0; i < n; i += 1) {
      const r = this.requests[i];
      const y = i * this.rowH + 2;
      let spans = "";
      for (const s of r.spans || []) {
        const state = STATES.includes(s.state) ? s.state : "running";
        const x0 = this.#x(s.start_ms);
        const w = Math.max(this.#x(s.end_ms) - x0, 0.75);
        spans += `<rect class="tl-span tl-${state}" x="${x0.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${barH}" fill="url(#${this.id}-${state})"/>`;
      }
      if (r.error || (r.status !== null && r.status !== undefined && r.status >= 500)) {
        const xe = this.#x(endOf(r));
        spans += `<rect class="tl-failed-mark" x="${(xe + 1).toFixed(2)}" y="${y}" width="3" height="${barH}"/>`;
      }
      if (this.order === "lane" && i > 0 && lane(r) !== lane(this.requests[i - 1])) {
        grid += `<line class="tl-lane" x1="0" x2="${this.width}" y1="${y - 1}" y2="${y - 1}"/>`;
      }
      rows += `<g class="tl-row${r.error ? " tl-failed" : ""}" data-row="${i}">${spans}</g>`;
      if (i % every === 0) {
        numbers += `<text class="tl-num" x="${GUTTER - 6}" y="${y + Math.min(barH, 12) / 2}" dy="0.35em">${r.index + 1}</text>`;
      }
    }
    this.svg.setAttribute("width", String(this.width));
    this.svg.setAttribute("height", String(height));
    this.svg.setAttribute("viewBox", `0 0 ${this.width} ${height}`);
    this.svg.innerHTML = `${patterns(this.id)}${grid}<g class="tl-rows">${rows}</g>${numbers}`
      + `<rect class="tl-cursor" x="0" y="0" width="${this.width}" height="${this.rowH}" visibility="hidden"/>`;
    this.cursor = this.svg.querySelector(".tl-cursor");

    this.axis.setAttribute("width", String(this.width));
    this.axis.setAttribute("height", String(AXIS_H + 4));
    this.axis.setAttribute("viewBox", `0 0 ${this.width} ${AXIS_H + 4}`);
    this.axis.innerHTML = `<line class="tl-axis-line" x1="${GUTTER}" x2="${this.width - PAD}" y1="${AXIS_H}" y2="${AXIS_H}"/>${labels}`;
    for (const v of ticks) {
      const t = document.createElementNS("http://www.w3.org/2000/svg", "text");
      t.setAttribute("class", "tl-tick-label");
      t.setAttribute("x", this.#x(v).toFixed(1));
      t.setAttribute("y", String(AXIS_H - 10));
      t.textContent = this.words.tick(v, step);
      this.axis.append(t);
    }
    if (this.current >= 0) this.#select(this.current, false);
    // How long drawing took, for the tests' budget (1000 requests must stay quick).
    this.root.dataset.drawMs = (performance.now() - began).toFixed(1);
  }

  #rowAt(clientY) {
    const box = this.svg.getBoundingClientRect();
    const i = Math.floor((clientY - box.top - 2) / this.rowH);
    return Math.min(Math.max(i, 0), this.requests.length - 1);
  }

  #hover(e) {
    if (!this.requests.length) return;
    const i = this.#rowAt(e.clientY);
    this.#select(i, false);
    const frame = this.frame.getBoundingClientRect();
    this.tip.textContent = describe(this.requests[i], this.words);
    this.tip.hidden = false;
    // Inline styles set through the CSSOM are allowed by our CSP (style-src 'self').
    const left = Math.min(e.clientX - frame.left + 14, frame.width - this.tip.offsetWidth - 4);
    this.tip.style.left = `${Math.max(4, left)}px`;
    this.tip.style.top = `${e.clientY - frame.top + 16}px`;
  }

  #keys(e) {
    const n = this.requests.length;
    if (!n) return;
    const page = Math.max(1, Math.floor(this.scroll.clientHeight / this.rowH) - 1);
    const at = this.current < 0 ? -1 : this.current;
    const to = {
      ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: n - 1, PageDown: at + page, PageUp: at - page,
    }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    this.#select(Math.min(Math.max(to, 0), n - 1), true);
  }

  #select(i, scroll) {
    this.current = i;
    const y = i * this.rowH + 2 - Math.max(0, (Math.max(this.rowH, 8) - this.rowH) / 2);
    this.cursor.setAttribute("y", String(y - 1));
    this.cursor.setAttribute("height", String(Math.max(this.rowH, 8)));
    this.cursor.setAttribute("visibility", "visible");
    const text = describe(this.requests[i], this.words);
    if (this.detail.textContent !== text) this.detail.textContent = text;
    if (scroll) {
      const top = i * this.rowH;
      if (top < this.scroll.scrollTop) this.scroll.scrollTop = top - 8;
      else if (top + this.rowH > this.scroll.scrollTop + this.scroll.clientHeight) {
        this.scroll.scrollTop = top + this.rowH - this.scroll.clientHeight + 8;
      }
    }
  }

  // Built on first opening: most learners never open it, and 1000 rows cost a little.
  #fillTable() {
    if (this.tableFilled) return;
    this.tableFilled = true;
    const w = this.words;
    const table = h("table", { class: "tl-grid-table" });
    const head = h("tr");
    for (const key of ["col_request", "col_arrival", "col_start", "col_end", "col_latency", "col_where", "col_status", "col_states"]) {
      const th = h("th", { text: w.t(key) });
      th.scope = "col";
      head.append(th);
    }
    const thead = h("thead");
    thead.append(head);
    const body = h("tbody");
    for (const r of this.requests) {
      const tr = h("tr");
      const th = h("th", { text: String(r.index + 1) });
      th.scope = "row";
      const where = r.thread === null || r.thread === undefined
        ? w.t("where_worker", { worker: r.worker ?? "–" })
        : w.t("where_thread", { worker: r.worker ?? "–", thread: r.thread });
      tr.append(th, ...[w.duration(r.arrival_ms), w.duration(r.start_ms), w.duration(r.end_ms),
        w.duration(r.latency_ms), where, r.error ? `${r.status ?? w.t("no_status")}: ${r.error}` : String(r.status ?? w.t("no_status")),
        spansText(r, w)].map((text) => h("td", { text })));
      body.append(tr);
    }
    table.append(thead, body);
    const box = h("div", { class: "tl-table-scroll" });
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", w.t("table"));
    box.append(table);
    this.table.append(box);
  }
}
