// The panels around the diagram: the full data of the current message with its
// violations, and the list of every problem in the run (each jumps to its message).
// Everything is built with textContent: trace values are learner data, never HTML.
import { route, label } from "./labels.js";
import { pyFormat } from "./values.js";
import { t, tn, localPath } from "./strings.js";

const WHO = {
  client: t("js.lane.client", "Client"), server: t("js.lane.server", "Server"), app: t("js.lane.app", "Your app"),
};

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

export const defaultRuleUrl = (rule) => localPath(`/rules#${encodeURIComponent(rule)}`);

/** One violation explained: what happened, why the spec forbids it, how to fix it. */
export function violationCard(v, ruleUrl = defaultRuleUrl) {
  const card = node("article", `violation sev-${v.severity === "error" ? "error" : "warning"}`);
  const head = node("h4");
  head.append(node("span", "sev-tag", v.severity === "error" ? t("js.sev.spec_error", "Spec error") : t("js.sev.warning", "Warning")), " ", v.title || v.rule);
  card.append(head, para("p", "v-message", v.message || ""));
  if (v.repeats) card.append(node("p", "v-repeats", tn("js.details.repeats", v.repeats, "This happened {n} more time.", "This happened {n} more times.")));
  const dl = node("dl");
  if (v.why) dl.append(node("dt", "", t("js.details.why", "Why")), para("dd", "", v.why));
  if (v.fix) dl.append(node("dt", "", t("js.details.fix", "Fix")), para("dd", "", v.fix));
  card.append(dl);
  const links = node("p", "v-links");
  if (v.spec) links.append(safeLink(v.spec, t("js.details.read_spec", "Read the spec"), "spec-link"));
  if (v.rule) links.append(" · ", safeLink(ruleUrl(v.rule), t("js.details.rule", "Rule {rule}", { rule: v.rule }), "rule-link"));
  card.append(links);
  return card;
}

export function renderDetails(container, ev, violations, ruleUrl) {
  container.replaceChildren();
  if (!ev) {
    container.append(node("p", "flow-hint", t("js.details.select", "Select a message (click an arrow, or use ← →) to see everything it carried.")));
    return;
  }
  const [from, to] = route(ev);
  const h = node("h3", "details-title");
  h.append(node("span", "details-seq", `#${ev.seq}`), " ", label(ev));
  const meta = node("p", "details-meta");
  meta.append(node("span", "", from === to ? WHO[from] : `${WHO[from]} → ${WHO[to]}`),
    node("span", "", t("js.details.kind", "kind: {kind}", { kind: ev.kind })));
  if (ev.line) meta.append(node("span", "details-line", t("js.details.line", "your line {line}", { line: ev.line })));
  if (typeof ev.t_ms === "number") meta.append(node("span", "", `${ev.t_ms.toFixed(3)} ms`));
  container.append(h, meta);
  for (const v of violations) container.append(violationCard(v, ruleUrl));
  const pre = node("pre", "details-data");
  pre.append(node("code", "", pyFormat(ev.data ?? null)));
  pre.tabIndex = 0; // scrollable with the keyboard
  pre.setAttribute("aria-label", t("js.details.data", "Message data"));
  container.append(pre);
}

export function renderViolationList(container, violations, indexBySeq, ruleUrl = defaultRuleUrl) {
  container.replaceChildren();
  if (!violations.length) return;
  const errors = violations.filter((v) => v.severity === "error").length;
  const warnings = violations.length - errors;
  const parts = [];
  if (errors) parts.push(tn("js.count.spec_errors", errors, "{n} spec error", "{n} spec errors"));
  if (warnings) parts.push(tn("js.count.warnings", warnings, "{n} warning", "{n} warnings"));
  const details = node("details", "problems");
  details.open = true;
  details.append(node("summary", errors ? "has-errors" : "", parts.join(t("js.list_sep", ", "))));
  const list = node("ul");
  for (const v of violations) {
    const li = node("li", `sev-${v.severity === "error" ? "error" : "warning"}`);
    li.append(node("span", "sev-tag", v.severity === "error" ? t("js.sev.error", "Error") : t("js.sev.warning", "Warning")), " ");
    const index = v.event === null || v.event === undefined ? undefined : indexBySeq.get(v.event);
    if (index !== undefined) {
      const b = node("button", "link-button", v.title || v.rule);
      b.type = "button";
      b.dataset.index = String(index);
      b.title = t("js.details.show_message", "Show message #{seq}", { seq: v.event });
      li.append(b, t("js.details.message_ref", " (message #{seq})", { seq: v.event }));
    } else {
      li.append(node("span", "", v.title || v.rule));
      li.append(para("div", "v-message", v.message || ""));
      if (v.spec) li.append(" ", safeLink(v.spec, t("js.details.spec", "spec"), "spec-link"));
      if (v.rule) li.append(" · ", safeLink(ruleUrl(v.rule), t("js.details.rule_short", "rule"), "rule-link"));
    }
    list.append(li);
  }
  details.append(list);
  container.append(details);
}
