// What came out of a run besides the messages: the raw HTTP response(s) as the client
// received them (response.wire), WebSocket messages, what the code printed, and the
// error with its traceback, whose line is marked in the editor.
import { outcomeText } from "./transcript.js";

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
  const head = r ? `${r.status} ${r.reason || ""}` : "no response";
  const name = requestName(trace, i);
  d.append(node("summary", "", `Response ${i + 1}${name ? " to " + name : ""}: ${head}`));
  if (!r) {
    d.append(node("p", "", "Nothing reached the client for this request."));
    return d;
  }
  // The wire text keeps \r\n as on a real connection; show lines, not carriage returns.
  d.append(pre((r.wire || "").replace(/\r\n/g, "\n"), "Raw HTTP response"));
  const notes = [];
  if (r.body_truncated) notes.push(`The body is ${r.body_length} bytes; the first part is shown.`);
  if (r.complete === false) notes.push("The response was cut off before its end.");
  if (r.server_generated) notes.push("The server sent this response itself because the app failed.");
  if (r.head_dropped_bytes) notes.push(`HEAD request: the server dropped the ${r.head_dropped_bytes} body bytes the app produced.`);
  for (const n of notes) d.append(node("p", "response-note", n));
  if (r.type === "websocket") {
    const list = node("ol", "ws-messages");
    for (const m of r.messages || []) {
      const li = node("li", `from-${m.from}`);
      li.append(node("strong", "", m.from === "client" ? "client → app " : "app → client "),
        "text" in m ? JSON.stringify(m.text) : `bytes ${JSON.stringify(m.bytes)}`);
      list.append(li);
    }
    if (list.children.length) d.append(node("h4", "", "Messages"), list);
    if (r.close) {
      d.append(node("p", "", `Closed by the ${r.close.by} with code ${r.close.code}`
        + (r.close.reason ? ` (${JSON.stringify(r.close.reason)})` : "")
        + (r.close.clean ? "." : ", without a clean close handshake.")));
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
      const b = node("button", "link-button", `Show line ${err.line} in the editor`);
      b.type = "button";
      b.addEventListener("click", () => onShowLine && onShowLine(err.line));
      box.append(b);
    }
    if (err.traceback) box.append(pre(err.traceback, "Traceback"));
    container.append(box);
  }

  const responses = trace.responses && trace.responses.length ? trace.responses
    : trace.response ? [trace.response] : [];
  responses.forEach((r, i) => container.append(responseBlock(trace, r, i, i === responses.length - 1)));

  if (trace.stdout) {
    const out = node("section", "stdout");
    out.append(node("h4", "", "Printed output"), pre(trace.stdout, "Printed output"));
    container.append(out);
  }
}
