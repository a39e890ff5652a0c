// The panels around the diagram: the full data of the current message with its
// violations, and the list of every problem in the run (each jumps to its message).
// Everything is built with textContent: trace values are learner data, never HTML.
import { route, label } from "./labels.js";
import { pyFormat } from "./values.js";

const WHO = { client: "Client", server: "Server", app: "Your app" };

function node(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}

/** Text with `code` spans (rule texts use Markdown backticks) as DOM nodes. */
export function withCode(text) {
  return String(text).split(/`([^`]+)`/).map((part, i) => (i % 2 ? node("code", "", part) : part));
}

function para(tag, cls, text) {
  const n = node(tag, cls);
  n.append(...withCode(text));
  return n;
}

/** Only http(s) links reach an href: a trace is data, and data may lie. */
function safeLink(href, text, cls) {
  const a = node("a", cls, text);
  try {
    const url = new URL(href, location.href);
    if (url.protocol === "http:" || url.protocol === "https:") a.href = url.href;
  } catch { /* left without href */ }
  return a;
}

export const defaultRuleUrl = (rule) => `/rules#${encodeURIComponent(rule)}`;

/** One violation explained: what happened, why the spec forbids it, how to fix it. */
export function violationCard(v, ruleUrl = defaultRuleUrl) {
  const card = node("article", `violation sev-${v.severity === "error" ? "error" : "warning"}`);
  const head = node("h4");
  head.append(node("span", "sev-tag", v.severity === "error" ? "Spec error" : "Warning"), " ", v.title || v.rule);
  card.append(head, para("p", "v-message", v.message || ""));
  if (v.repeats) card.append(node("p", "v-repeats", `This happened ${v.repeats} more times.`));
  const dl = node("dl");
  if (v.why) dl.append(node("dt", "", "Why"), para("dd", "", v.why));
  if (v.fix) dl.append(node("dt", "", "Fix"), para("dd", "", v.fix));
  card.append(dl);
  const links = node("p", "v-links");
  if (v.spec) links.append(safeLink(v.spec, "Read the spec", "spec-link"));
  if (v.rule) links.append(" · ", safeLink(ruleUrl(v.rule), `Rule ${v.rule}`, "rule-link"));
  card.append(links);
  return card;
}

export function renderDetails(container, ev, violations, ruleUrl) {
  container.replaceChildren();
  if (!ev) {
    container.append(node("p", "flow-hint", "Select a message (click an arrow, or use ← →) to see everything it carried."));
    return;
  }
  const [from, to] = route(ev);
  const h = node("h3", "details-title");
  h.append(node("span", "details-seq", `#${ev.seq}`), " ", label(ev));
  const meta = node("p", "details-meta");
  meta.append(node("span", "", from === to ? WHO[from] : `${WHO[from]} → ${WHO[to]}`),
    node("span", "", `kind: ${ev.kind}`));
  if (ev.line) meta.append(node("span", "details-line", `your line ${ev.line}`));
  if (typeof ev.t_ms === "number") meta.append(node("span", "", `${ev.t_ms.toFixed(3)} ms`));
  container.append(h, meta);
  for (const v of violations) container.append(violationCard(v, ruleUrl));
  const pre = node("pre", "details-data");
  pre.append(node("code", "", pyFormat(ev.data ?? null)));
  pre.tabIndex = 0; // scrollable with the keyboard
  pre.setAttribute("aria-label", "Message data");
  container.append(pre);
}

export function renderViolationList(container, violations, indexBySeq, ruleUrl = defaultRuleUrl) {
  container.replaceChildren();
  if (!violations.length) return;
  const errors = violations.filter((v) => v.severity === "error").length;
  const warnings = violations.length - errors;
  const parts = [];
  if (errors) parts.push(`${errors} spec error${errors === 1 ? "" : "s"}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  const details = node("details", "problems");
  details.open = true;
  details.append(node("summary", errors ? "has-errors" : "", parts.join(", ")));
  const list = node("ul");
  for (const v of violations) {
    const li = node("li", `sev-${v.severity === "error" ? "error" : "warning"}`);
    li.append(node("span", "sev-tag", v.severity === "error" ? "Error" : "Warning"), " ");
    const index = v.event === null || v.event === undefined ? undefined : indexBySeq.get(v.event);
    if (index !== undefined) {
      const b = node("button", "link-button", v.title || v.rule);
      b.type = "button";
      b.dataset.index = String(index);
      b.title = `Show message #${v.event}`;
      li.append(b, ` (message #${v.event})`);
    } else {
      li.append(node("span", "", v.title || v.rule));
      li.append(para("div", "v-message", v.message || ""));
      if (v.spec) li.append(" ", safeLink(v.spec, "spec", "spec-link"));
      if (v.rule) li.append(" · ", safeLink(ruleUrl(v.rule), "rule", "rule-link"));
    }
    list.append(li);
  }
  details.append(list);
  container.append(details);
}
