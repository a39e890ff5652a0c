// The request panel: what the simulated client does, as a small form that produces
// the engine's scenario JSON (docs/scenario.md). Modes: one HTTP request, one
// WebSocket connection (a script, one action per line), lifespan alone, or the raw
// JSON for everything else (several requests, chunks, disconnect_after, ...).
// The engine validates; this panel only refuses what it cannot turn into JSON.
import { t } from "./strings.js";
import { h } from "./dom.js";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const MODES = [["http", "HTTP"], ["websocket", "WebSocket"], ["lifespan", t("js.scenario.lifespan_only", "Lifespan only")], ["json", "JSON"]];
const HTTP_KEYS = new Set(["type", "method", "path", "headers", "body"]);
const WS_KEYS = new Set(["type", "path", "subprotocols", "actions"]);
let counter = 0;

function field(label, control, cls = "") {
  return h("label", { class: cls }, label, control);
}

// One WebSocket action per line: "send hello", "send_bytes aGk=", "receive",
// "close 1000 bye", "disconnect".
export function parseActions(text) {
  const actions = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const [word, ...rest] = line.split(" ");
    const arg = line.slice(word.length + 1);
    if (word === "send") actions.push({ send: arg });
    else if (word === "send_bytes") actions.push({ send_bytes: arg.trim() });
    else if (word === "receive") actions.push({ receive: true });
    else if (word === "disconnect") actions.push({ disconnect: true });
    else if (word === "close") {
      const code = rest.length && /^\d+$/.test(rest[0]) ? Number(rest[0]) : 1000;
      const reason = /^\d+$/.test(rest[0] || "") ? rest.slice(1).join(" ") : rest.join(" ");
      actions.push(reason ? { close: code, reason } : { close: code });
    } else {
      throw new Error(t("js.scenario.bad_action", 'line {n}: "{word}" is not an action; use send, send_bytes, receive, close or disconnect', { n: i + 1, word }));
    }
  });
  return actions;
}

function formatActions(actions) {
  return actions.map((a) => {
    if ("send" in a) return `send ${a.send}`;
    if ("send_bytes" in a) return `send_bytes ${a.send_bytes}`;
    if ("receive" in a) return "receive";
    if ("disconnect" in a) return "disconnect";
    if ("close" in a) return `close ${a.close === true ? 1000 : a.close}${a.reason ? " " + a.reason : ""}`;
    return null;
  });
}

function parseHeaders(text) {
  return text.split("\n").filter((l) => l.trim()).map((line, i) => {
    const at = line.indexOf(":");
    if (at < 1) throw new Error(t("js.scenario.bad_header", 'header line {n}: write it as "Name: value"', { n: i + 1 }));
    return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
  });
}

export class ScenarioPanel {
  constructor(container, { scenario = {}, onChange } = {}) {
    this.onChange = onChange || (() => {});
    const id = `sc${++counter}`;
    this.mode = "http";
    this.tabs = h("div", { class: "mode-tabs", role: "group", "aria-label": t("js.scenario.kind", "Kind of request") });
    for (const [mode, text] of MODES) {
      this.tabs.append(h("button", { type: "button", "data-mode": mode, "aria-pressed": "false", text }));
    }
    this.method = h("select", { id: `${id}-m` });
    for (const m of METHODS) this.method.append(new Option(m, m));
    this.path = h("input", { type: "text", value: "/", spellcheck: "false", autocapitalize: "off", autocomplete: "off" });
    this.headers = h("textarea", { rows: "2", spellcheck: "false", autocapitalize: "off", placeholder: "Content-Type: text/plain" });
    this.body = h("textarea", { rows: "2", spellcheck: "false", autocapitalize: "off", placeholder: t("js.scenario.no_body", "(no body)") });
    this.subprotocols = h("input", { type: "text", spellcheck: "false", autocapitalize: "off", placeholder: "chat.v1, chat.v2" });
    this.actions = h("textarea", { rows: "4", spellcheck: "false", autocapitalize: "off", placeholder: "send hello\nreceive\nclose 1000 bye" });
    this.lifespan = h("input", { type: "checkbox" });
    this.json = h("textarea", { rows: "8", spellcheck: "false", autocapitalize: "off", "aria-label": t("js.scenario.json_label", "Scenario JSON") });
    this.error = h("p", { class: "field-error", role: "alert" });

    this.httpPart = h("fieldset", {},
      h("div", { class: "row" }, field(t("js.scenario.method", "Method"), this.method), field(t("js.scenario.path", "Path"), this.path, "grow")),
      field(t("js.scenario.headers", "Headers, one per line"), this.headers), field(t("js.scenario.body", "Body"), this.body));
    this.wsPart = h("fieldset", {},
      h("div", { class: "row" }, field(t("js.scenario.path", "Path"), h("span")), field(t("js.scenario.subprotocols", "Subprotocols"), this.subprotocols, "grow")),
      field(t("js.scenario.script", "Client script: send TEXT, send_bytes BASE64, receive, close CODE REASON, disconnect"), this.actions));
    this.wsPath = this.path.cloneNode();
    this.wsPart.querySelector("span").replaceWith(this.wsPath);
    this.lifespanPart = h("p", { class: "hint-text", text: t("js.scenario.lifespan_note", "The server runs lifespan startup, then shutdown, with no request in between.") });
    this.jsonPart = h("fieldset", {}, this.json,
      h("p", { class: "hint-text", text: t("js.scenario.json_note", "Everything the engine accepts: several requests, "
        + "chunks, disconnect_after, … (the format is in docs/scenario.md).") }));
    this.wrap = h("label", { class: "check" }, this.lifespan, t("js.scenario.with_lifespan", "Run lifespan startup and shutdown around it"));

    container.classList.add("scenario-panel");
    container.replaceChildren(this.tabs, this.httpPart, this.wsPart, this.lifespanPart, this.jsonPart, this.wrap, this.error);
    this.tabs.addEventListener("click", (e) => {
      const b = e.target.closest("[data-mode]");
      if (b) this.setMode(b.dataset.mode);
    });
    container.addEventListener("input", (e) => {
      if (e.target === this.wsPath) this.path.value = this.wsPath.value;
      if (e.target === this.path) this.wsPath.value = this.path.value;
      this.#changed();
    });
    container.addEventListener("change", () => this.#changed());
    this.set(scenario, false);
  }

  #changed() {
    try { this.value(); this.error.textContent = ""; } catch (err) { this.error.textContent = err.message; }
    this.onChange();
  }

  setMode(mode) {
    if (mode === this.mode) return;
    if (mode === "json") {
      try { this.json.value = JSON.stringify(this.value(), null, 2); } catch { /* keep the old text */ }
    } else if (this.mode === "json") {
      let data;
      try { data = JSON.parse(this.json.value); } catch { data = null; }
      if (data && this.#fits(data) && (this.#fits(data) === mode || mode === "lifespan")) this.set(data);
    }
    this.mode = mode;
    this.#show();
    this.onChange();
  }

  #show() {
    for (const b of this.tabs.children) b.setAttribute("aria-pressed", String(b.dataset.mode === this.mode));
    this.httpPart.hidden = this.mode !== "http";
    this.wsPart.hidden = this.mode !== "websocket";
    this.lifespanPart.hidden = this.mode !== "lifespan";
    this.jsonPart.hidden = this.mode !== "json";
    this.wrap.hidden = this.mode === "lifespan" || this.mode === "json";
  }

  // Which form can show `data` exactly: "http", "websocket", "lifespan" or null.
  #fits(data) {
    let req = data;
    if ("requests" in data) {
      if (!Array.isArray(data.requests) || data.requests.length !== 1) return null;
      if (Object.keys(data).some((k) => k !== "requests" && k !== "lifespan")) return null;
      req = data.requests[0];
    }
    if (!req || typeof req !== "object") return null;
    const type = req.type || "http";
    const keys = Object.keys(req);
    if (type === "lifespan" && keys.length === 1 && req === data) return "lifespan";
    if (type === "http" && keys.every((k) => HTTP_KEYS.has(k))) return "http";
    if (type === "websocket" && keys.every((k) => WS_KEYS.has(k))
      && formatActions(req.actions || []).every((x) => x !== null)) return "websocket";
    return null;
  }

  /** Show `scenario` in the form that fits it (raw JSON when none does). */
  set(scenario, notify = true) {
    const data = scenario && typeof scenario === "object" ? scenario : {};
    const mode = this.#fits(data);
    this.json.value = JSON.stringify(data, null, 2);
    this.mode = mode || "json";
    const req = "requests" in data ? data.requests[0] : data;
    this.lifespan.checked = Boolean(data.lifespan);
    if (mode === "http") {
      if (!METHODS.includes(req.method || "GET")) this.method.append(new Option(req.method, req.method));
      this.method.value = req.method || "GET";
      this.path.value = this.wsPath.value = req.path || "/";
      this.headers.value = (req.headers || []).map(([k, v]) => `${k}: ${v}`).join("\n");
      this.body.value = req.body || "";
    } else if (mode === "websocket") {
      this.path.value = this.wsPath.value = req.path || "/";
      this.subprotocols.value = (req.subprotocols || []).join(", ");
      this.actions.value = formatActions(req.actions || []).join("\n");
    }
    this.error.textContent = "";
    this.#show();
    if (notify) this.onChange();
  }

  /** The scenario JSON, or an Error whose message says what to fix. */
  value() {
    let req;
    if (this.mode === "json") {
      try { return JSON.parse(this.json.value || "{}"); } catch (err) {
        throw new Error(t("js.scenario.bad_json", "The scenario JSON does not parse: {error}", { error: err.message }));
      }
    }
    if (this.mode === "lifespan") return { type: "lifespan" };
    if (this.mode === "http") {
      req = { method: this.method.value, path: this.path.value || "/" };
      const headers = parseHeaders(this.headers.value);
      if (headers.length) req.headers = headers;
      if (this.body.value) req.body = this.body.value;
    } else {
      req = { type: "websocket", path: this.path.value || "/" };
      const subs = this.subprotocols.value.split(",").map((s) => s.trim()).filter(Boolean);
      if (subs.length) req.subprotocols = subs;
      req.actions = parseActions(this.actions.value);
    }
    return this.lifespan.checked ? { requests: [req], lifespan: true } : req;
  }

  /** One line for a collapsed panel's summary: "POST /echo", "WebSocket /ws", ... */
  summary() {
    try {
      const v = this.value();
      const req = v.requests ? v.requests[0] : v;
      const several = v.requests && v.requests.length > 1 ? t("js.scenario.more", " (+{n} more)", { n: v.requests.length - 1 }) : "";
      const life = v.lifespan ? t("js.scenario.with_lifespan_short", " with lifespan") : "";
      if (v.type === "lifespan") return t("js.scenario.lifespan_only", "Lifespan only");
      if (!req) return t("js.scenario.lifespan_only", "Lifespan only");
      if (req.type === "websocket") return `WebSocket ${req.path || "/"}${several}${life}`;
      return `${req.method || "GET"} ${req.path || "/"}${several}${life}`;
    } catch {
      return t("js.scenario.has_problem", "Request (has a problem)");
    }
  }
}
