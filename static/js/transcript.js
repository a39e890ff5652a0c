// The diagram as text, for screen readers and for anyone who prefers reading: one
// list item per event with the same words the arrows carry (labels.js), grouped by
// request, and a polite live region that announces how the run ended.
import { sentence, groupTitle } from "./labels.js";
import { t, tn } from "./strings.js";

const OUTCOMES = {
  ok: t("js.outcome.ok", "The app ran to the end"),
  error: t("js.outcome.error", "The run failed with an error"),
  timeout: t("js.outcome.timeout", "The app was stopped: it ran past the time limit"),
  too_many_events: t("js.outcome.too_many_events", "The app was stopped: it exchanged too many messages"),
  output_limit: t("js.outcome.output_limit", "The app was stopped: it printed too much"),
  memory_limit: t("js.outcome.memory_limit", "The app was stopped: it used too much memory"),
  cpu_limit: t("js.outcome.cpu_limit", "The app was stopped: it used too much CPU time"),
  crashed: t("js.outcome.crashed", "The process running the app crashed"),
};

/** One sentence summing up a run: outcome, status, problems. */
export function outcomeText(trace) {
  const parts = [OUTCOMES[trace.outcome] || t("js.outcome.other", "The run ended: {outcome}", { outcome: trace.outcome })];
  const r = trace.response;
  if (r && r.status) parts.push(t("js.outcome.client_got", "the client got {status}", { status: `${r.status} ${r.reason || ""}`.trim() }));
  if (trace.error && trace.error.type) {
    parts.push(`${trace.error.type}: ${trace.error.message || ""}`.trim().replace(/[.:;]+$/, ""));
  }
  const v = trace.violations || [];
  const errors = v.filter((x) => x.severity === "error").length;
  if (errors) parts.push(tn("js.count.spec_errors", errors, "{n} spec error", "{n} spec errors"));
  if (v.length - errors) parts.push(tn("js.count.warnings", v.length - errors, "{n} warning", "{n} warnings"));
  if (!v.length && trace.outcome === "ok") parts.push(t("js.outcome.no_problems", "no spec problems"));
  parts.push(t("js.flow.count", "{n} messages", { n: trace.events.length }));
  return parts.join(t("js.outcome.sep", "; ")) + t("js.outcome.end", ".");
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
        p.textContent = t("js.transcript.violation", " {severity}: {title}. {message}", {
          severity: v.severity === "error" ? t("js.sev.spec_error", "Spec error") : t("js.sev.warning", "Warning"),
          title: v.title, message: v.message,
        });
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
