// The diagram as text, for screen readers and for anyone who prefers reading: one
// list item per event with the same words the arrows carry (labels.js), grouped by
// request, and a polite live region that announces how the run ended.
import { sentence, groupTitle } from "./labels.js";

const OUTCOMES = {
  ok: "The app ran to the end",
  error: "The run failed with an error",
  timeout: "The app was stopped: it ran past the time limit",
  too_many_events: "The app was stopped: it exchanged too many messages",
  output_limit: "The app was stopped: it printed too much",
  memory_limit: "The app was stopped: it used too much memory",
  cpu_limit: "The app was stopped: it used too much CPU time",
  crashed: "The process running the app crashed",
};

/** One sentence summing up a run: outcome, status, problems. */
export function outcomeText(trace) {
  const parts = [OUTCOMES[trace.outcome] || `The run ended: ${trace.outcome}`];
  const r = trace.response;
  if (r && r.status) parts.push(`the client got ${r.status} ${r.reason || ""}`.trim());
  if (trace.error && trace.error.type) {
    parts.push(`${trace.error.type}: ${trace.error.message || ""}`.trim().replace(/[.:;]+$/, ""));
  }
  const v = trace.violations || [];
  const errors = v.filter((x) => x.severity === "error").length;
  if (errors) parts.push(`${errors} spec error${errors === 1 ? "" : "s"}`);
  if (v.length - errors) parts.push(`${v.length - errors} warning${v.length - errors === 1 ? "" : "s"}`);
  if (!v.length && trace.outcome === "ok") parts.push("no spec problems");
  parts.push(`${trace.events.length} messages`);
  return parts.join("; ") + ".";
}

export class Transcript {
  /** `container` gets the list; `live` (an element with aria-live) gets the outcome. */
  constructor(container, live) {
    this.container = container;
    this.live = live;
    this.items = [];
  }

  show(trace) {
    this.container.replaceChildren();
    this.items = [];
    if (!trace) return;
    const bad = new Map();
    for (const v of trace.violations || []) if (v.event !== null && v.event !== undefined) {
      bad.set(v.event, [...(bad.get(v.event) || []), v]);
    }
    let group;
    let list;
    trace.events.forEach((ev, i) => {
      const g = ev.request ?? null;
      if (!list || g !== group) {
        group = g;
        const h = document.createElement("h4");
        h.textContent = groupTitle(trace, g);
        list = document.createElement("ol");
        list.className = "transcript-list";
        this.container.append(h, list);
      }
      const li = document.createElement("li");
      li.value = ev.seq;
      li.dataset.index = String(i);
      li.textContent = sentence(ev);
      for (const v of bad.get(ev.seq) || []) {
        const p = document.createElement("strong");
        p.className = `sev-${v.severity === "error" ? "error" : "warning"}`;
        p.textContent = ` ${v.severity === "error" ? "Spec error" : "Warning"}: ${v.title}. ${v.message}`;
        li.append(p);
      }
      list.append(li);
      this.items.push(li);
    });
    if (this.live) this.announce(outcomeText(trace));
  }

  /** Say something once in the live region (emptied first so a repeat is read too). */
  announce(text) {
    this.live.textContent = "";
    setTimeout(() => { this.live.textContent = text; }, 30);
  }

  markCurrent(index) {
    this.items.forEach((li, i) => {
      if (i === index) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    });
  }
}
