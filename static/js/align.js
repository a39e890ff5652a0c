// Line up two traces of the same request: which messages of one interface do the
// job of which messages of the other. WSGI and ASGI say the same things in different
// words (start_response(...) is http.response.start, each yielded chunk is an
// http.response.body), so each event is put in a phase of the request's life and the
// compare page shows the two traces phase by phase, and steps both diagrams together.
// Simplification, said on the page: the phases are ours, not the specs'.
import { label } from "./labels.js";
import { t } from "./strings.js";

// In the order a request lives them; `title` is shown as the row heading.
export const PHASES = [
  ["request", "The client sends the request"],
  ["call", "The server calls the app"],
  ["read", "The app reads the request"],
  ["start", "The app starts the response (status, headers)"],
  ["body", "The app sends the body"],
  ["finish", "The app finishes"],
  ["wire", "The server writes to the network"],
  ["note", "Notes from the server"],
  ["other", "Other messages"],
].map(([key, english]) => [key, t(`compare.phase_${key}`, english)]);

const ASGI_START = new Set(["http.response.start", "websocket.accept", "websocket.http.response.start"]);
const ASGI_BODY = new Set(["http.response.body", "websocket.send", "websocket.http.response.body",
  "http.response.trailers"]);

/** The phase of one trace event (a key of PHASES), or "other". */
export function phaseOf(ev) {
  const type = ev.data && ev.data.type;
  switch (ev.kind) {
    case "client": return ev.data && ev.data.action === "receive" ? "wire" : "request";
    case "call": return "call";
    case "input.read": case "receive": return "read";
    case "start_response": return "start";
    case "write": case "yield": return "body";
    case "send":
      if (ASGI_START.has(type)) return "start";
      if (ASGI_BODY.has(type)) return "body";
      return "finish";  // websocket.close, lifespan replies: the app ending its part
    case "return": case "close": case "raise": return "finish";
    case "wire": return "wire";
    case "note": return "note";
    default: return "other";
  }
}

/**
 * Rows for a side-by-side table: one per (request, phase) that either trace has, in
 * request order then phase order. Each row: {request, phase, title, left: [...],
 * right: [...]} where each side lists {index, text} of its events (index into the
 * trace's events, for stepping the diagram).
 */
export function alignTraces(left, right) {
  const rows = new Map();
  const order = PHASES.map(([key]) => key);
  const add = (trace, side) => {
    (trace && trace.events ? trace.events : []).forEach((ev, index) => {
      const phase = phaseOf(ev);
      const request = ev.request ?? -1;  // lifespan events have no request
      const key = `${request}:${phase}`;
      if (!rows.has(key)) {
        const title = (PHASES.find(([k]) => k === phase) || PHASES[PHASES.length - 1])[1];
        rows.set(key, { request, phase, title, left: [], right: [] });
      }
      rows.get(key)[side].push({ index, text: label(ev) });
    });
  };
  add(left, "left");
  add(right, "right");
  return [...rows.values()].sort((a, b) =>
    a.request - b.request || order.indexOf(a.phase) - order.indexOf(b.phase));
}
