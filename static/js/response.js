// What came out of a run besides the messages: the raw HTTP response(s) as the client
// received them (response.wire), WebSocket messages, what the code printed, and the
// error with its traceback, whose line is marked in the editor.
import { outcomeText } from "./transcript.js";
import { t } from "./strings.js";

function node(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}

function pre(text, label) {
  const p = node("pre", "wire");
  p.append(node("code", "", text));
  p.tabIndex = 0; // scrollable with the keyboard
  if (label) p.setAttribute("aria-label", label);
  return p;
}

function requestName(trace, i) {
  const c = trace.events.find((e) => e.request === i && e.kind === "client");
  if (!c) return "";
  const d = c.data || {};
  return d.action === "request" ? `${d.method} ${d.target}` : d.action === "connect" ? `WebSocket ${d.path}` : "";
}

function responseBlock(trace, r, i, open) {
  const d = node("details", "response");
  d.open = open;
  const head = r ? `${r.status} ${r.reason || ""}` : t("js.response.none", "no response");
  const name = requestName(trace, i);
  d.append(node("summary", "", name
    ? t("js.response.title_to", "Response {n} to {request}: {head}", { n: i + 1, request: name, head })
    : t("js.response.title", "Response {n}: {head}", { n: i + 1, head })));
  if (!r) {
    d.append(node("p", "", t("js.response.nothing", "Nothing reached the client for this request.")));
    return d;
  }
  // The wire text keeps \r\n as on a real connection; show lines, not carriage returns.
  d.append(pre((r.wire || "").replace(/\r\n/g, "\n"), t("js.response.raw", "Raw HTTP response")));
  const notes = [];
  if (r.body_truncated) notes.push(t("js.response.truncated", "The body is {n} bytes; the first part is shown.", { n: r.body_length }));
  if (r.complete === false) notes.push(t("js.response.cut_off", "The response was cut off before its end."));
  if (r.server_generated) notes.push(t("js.response.server_generated", "The server sent this response itself because the app failed."));
  if (r.head_dropped_bytes) notes.push(t("js.response.head_dropped", "HEAD request: the server dropped the {n} body bytes the app produced.", { n: r.head_dropped_bytes }));
  for (const n of notes) d.append(node("p", "response-note", n));
  if (r.type === "websocket") {
    const list = node("ol", "ws-messages");
    for (const m of r.messages || []) {
      const li = node("li", `from-${m.from}`);
      li.append(node("strong", "", m.from === "client" ? t("js.response.client_to_app", "client → app ") : t("js.response.app_to_client", "app → client ")),
        "text" in m ? JSON.stringify(m.text) : `bytes ${JSON.stringify(m.bytes)}`);
      list.append(li);
    }
    if (list.children.length) d.append(node("h4", "", t("js.response.messages", "Messages")), list);
    if (r.close) {
      const by = t(`js.who.${r.close.by === "app" ? "app" : r.close.by === "server" ? "server" : "client"}`, `the ${r.close.by}`);
      d.append(node("p", "", t("js.response.closed", "Closed by {by} with code {code}", { by, code: r.close.code })
        + (r.close.reason ? ` (${JSON.stringify(r.close.reason)})` : "")
        + (r.close.clean ? t("js.outcome.end", ".") : t("js.response.unclean", ", without a clean close handshake."))));
    }
  }
  return d;
}

/**
 * Fill `container` with the run's outcome, error, responses and output.
 * `editor` (optional) gets the error line marked; `onShowLine(line)` focuses it.
 */
export function renderResult(container, trace, editor, onShowLine) {
  container.replaceChildren();
  const bad = trace.outcome !== "ok" || (trace.violations || []).some((v) => v.severity === "error");
  container.append(node("p", `outcome ${bad ? "outcome-bad" : "outcome-ok"}`, outcomeText(trace)));

  const err = trace.error;
  if (editor) editor.mark("error", err && err.line ? [err.line] : []);
  if (err) {
    const box = node("section", "run-error");
    box.append(node("h4", "", `${err.type}: ${err.message || ""}`));
    if (err.line) {
      const b = node("button", "link-button", t("js.response.show_line", "Show line {line} in the editor", { line: err.line }));
      b.type = "button";
      b.addEventListener("click", () => onShowLine && onShowLine(err.line));
      box.append(b);
    }
    if (err.traceback) box.append(pre(err.traceback, t("js.response.traceback", "Traceback")));
    container.append(box);
  }

  const responses = trace.responses && trace.responses.length ? trace.responses
    : trace.response ? [trace.response] : [];
  responses.forEach((r, i) => container.append(responseBlock(trace, r, i, i === responses.length - 1)));

  if (trace.stdout) {
    const out = node("section", "stdout");
    out.append(node("h4", "", t("js.response.stdout", "Printed output")), pre(trace.stdout, t("js.response.stdout", "Printed output")));
    container.append(out);
  }
}
