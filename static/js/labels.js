// What each trace event means in words: which lanes it connects, a short label for
// the diagram and a full sentence for the transcript. One place, so the diagram and
// the text transcript can never disagree. Unknown kinds get a generic reading.
import { short, pyStr, byteLength } from "./values.js";
import { t, tn } from "./strings.js";

export const LANES = ["client", "server", "app"];

// kind -> [from, to]; equal lanes mean something that happens on one side.
const ROUTES = {
  call: ["server", "app"], receive: ["server", "app"], close: ["server", "app"],
  "input.read": ["server", "app"],
  send: ["app", "server"], return: ["app", "server"], raise: ["app", "server"],
  start_response: ["app", "server"], write: ["app", "server"], yield: ["app", "server"],
  "errors.write": ["app", "server"],
  wire: ["server", "client"], note: ["server", "server"],
};

export function route(ev) {
  if (ev.kind === "client") {
    return ev.data && ev.data.action === "receive" ? ["client", "client"] : ["client", "server"];
  }
  return ROUTES[ev.kind] || ["server", "server"];
}

/** Colour family: what the arrow carries. */
export function family(ev) {
  if (ev.kind === "client") return "client";
  if (ev.kind === "wire") return "wire";
  if (ev.kind === "note") return "note";
  if (ev.kind === "raise") return "raise";
  const [from, to] = route(ev);
  if (from === to) return "other";
  return to === "app" ? "in" : "out";
}

const bytes = (n) => tn("js.label.bytes", n, "{n} byte", "{n} bytes");
const headers = (n) => tn("js.label.headers", n, "{n} header", "{n} headers");
const size = (v) => { const n = byteLength(v); return n === null ? "" : ` (${bytes(n)})`; };

// Key fields of an ASGI message, after its type.
function messageFields(d) {
  const parts = [];
  if ("status" in d) parts.push(String(d.status));
  if (Array.isArray(d.headers)) parts.push(headers(d.headers.length));
  if ("body" in d) parts.push("body " + short(d.body, 18) + size(d.body));
  if ("more_body" in d && d.more_body) parts.push("more_body");
  if ("text" in d && d.text !== null) parts.push(short(d.text, 22));
  if ("bytes" in d && d.bytes !== null) parts.push(short(d.bytes, 18));
  if ("code" in d) parts.push("code " + d.code);
  if ("subprotocol" in d && d.subprotocol) parts.push(short(d.subprotocol));
  if ("message" in d) parts.push(short(d.message, 22));
  return parts.join(", ");
}

const CLIENT = {
  request: (d) => `${d.method} ${d.target} HTTP/${d.http_version}`,
  connect: (d) => t("js.label.ws_connect", "WebSocket connect {path}", { path: d.path }),
  send: (d) => t("js.label.client_send", "send {value}", { value: short(d.text ?? d.bytes, 22) }),
  receive: (d) => t("js.label.client_got", "got {value}", { value: short(d.text ?? d.bytes, 22) }),
  close: (d) => t("js.label.client_close", "close {code} {reason}", { code: d.code ?? "", reason: d.reason ? short(d.reason, 14) : "" }).replace(/\s+/g, " ").trim(),
  disconnect: () => t("js.label.hangs_up", "hangs up"),
};

const WIRE = {
  headers: (d) => `${t("js.label.wire_headers", "headers")} · ${d.status} ${d.reason || ""}`.trim(),
  body: (d) => t("js.label.wire_body", "body") + (d.length !== undefined ? ` (${bytes(d.length)})` : ""),
  end: (d) => t("js.label.wire_end", "end") + (d.body_length !== undefined ? `, ${bytes(d.body_length)}` : ""),
  interim: (d) => `${d.status || 100} ${d.reason || "Continue"}`,
  handshake: (d) => t("js.label.handshake", "{status} handshake", { status: d.status }),
  text: (d) => "text " + short(d.text, 22),
  bytes: (d) => "bytes " + short(d.bytes ?? d.data, 18),
  close: (d) => `close ${d.code ?? ""}`.trim(),
  http_response: (d) => t("js.label.http_response", "{status} response", { status: d.status ?? "" }).trim(),
  drop: () => t("js.label.dropped", "connection dropped"),
};

/** The short label drawn on the arrow. */
export function label(ev) {
  const d = ev.data || {};
  switch (ev.kind) {
    case "call":
      if ("REQUEST_METHOD" in d) {
        const q = d.QUERY_STRING ? "?" + d.QUERY_STRING : "";
        return `app(environ, start_response) ${d.REQUEST_METHOD} ${d.PATH_INFO ?? ""}${q}`;
      }
      return `app(scope) ${d.type}` + (d.method ? ` ${d.method}` : "") + (d.path ? ` ${d.path}` : "");
    case "receive": case "send": {
      const fields = messageFields(d);
      return `${d.type ?? "?"}` + (fields ? ` · ${fields}` : "");
    }
    case "start_response":
      return `start_response(${short(d.status, 22)}, ${Array.isArray(d.headers) ? headers(d.headers.length) : short(d.headers)})`
        + (d.action && d.action !== "set" ? ` ${d.action}` : "");
    case "write": return `write(${short(d.data, 20)})`;
    case "yield": return t("js.label.chunk", "chunk {index}: {value}", { index: d.index, value: short(d.chunk, 22) });
    case "return": return "value" in d ? `return ${short(d.value, 20)}` : `return ${d.type ?? ""}`;
    case "raise": return `raise ${d.type}` + (d.expected ? t("js.label.expected", " (expected)") : "");
    case "close": return `close() ${d.type ?? ""}`.trim();
    case "input.read": return `wsgi.input.${d.method}()` + (d.data !== undefined ? ` → ${short(d.data, 16)}` : "");
    case "errors.write": return `wsgi.errors.${d.method}(${d.text !== undefined ? short(d.text, 18) : ""})`;
    case "client": return (CLIENT[d.action] || ((x) => x.action || "client"))(d);
    case "wire": return (WIRE[d.what] || ((x) => x.what || "wire"))(d);
    case "note": return d.text ?? "";
    default: return ev.kind + (d && d.type ? ` ${d.type}` : "");
  }
}

const WHO = {
  client: t("js.who.client", "the client"), server: t("js.who.server", "the server"), app: t("js.who.app", "the app"),
};
const WHO_FIRST = {
  client: t("js.who.client_first", "The client"), server: t("js.who.server_first", "The server"),
  app: t("js.who.app_first", "The app"),
};

/** A full sentence for the transcript. */
export function sentence(ev) {
  const [from, to] = route(ev);
  const text = label(ev);
  const line = ev.line ? t("js.sentence.line", " (your line {line})", { line: ev.line }) : "";
  if (ev.kind === "note") return t("js.sentence.note", "Server note: {text}", { text });
  if (from === to) return t("js.sentence.self", "{who}: {text}{line}.", { who: WHO_FIRST[from], text, line });
  return t("js.sentence.arrow", "{from} → {to}: {text}{line}.", { from: WHO_FIRST[from], to: WHO[to], text, line });
}

/** The heading of a request group (events carry `request`, lifespan events do not). */
export function groupTitle(trace, index) {
  if (index === null || index === undefined) return t("js.group.lifespan", "Server (lifespan)");
  const first = trace.events.find((e) => e.request === index && e.kind === "client");
  const d = (first && first.data) || {};
  const what = d.action === "request" ? `${d.method} ${d.target}`
    : d.action === "connect" ? `WebSocket ${d.path}` : "";
  return t("js.group.request", "Request {n}", { n: index + 1 }) + (what ? ` · ${what}` : "");
}

export { pyStr };
