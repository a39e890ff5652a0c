// Follow mode, the student's side (/follow/<room>): one WebSocket to the room, and each
// run the teacher makes drawn by the same Workbench as the playground (read-only editor,
// the message diagram with its step-through and details panel, response, transcript).
// The socket reconnects with backoff; a room that has closed says so and stops trying.
import { Workbench } from "./workbench.js";
import { socketUrl, backoff, CLOSE, SITE_PATH } from "./follow-net.js";
import { h } from "./dom.js";
import { t } from "./strings.js";
import { initTheme } from "./theme.js";
import { installShortcuts } from "./keys.js";

initTheme();
installShortcuts({});

const page = document.getElementById("follow");
const statusLine = document.getElementById("follow-status");
const meta = document.getElementById("follow-meta");
const benchRoot = document.getElementById("follow-bench");
// The server fills data-room from the URL; the path is the fallback (a saved copy of the page).
const filled = page.dataset.room && page.dataset.room !== "{room}";
const room = decodeURIComponent(filled ? page.dataset.room : location.pathname.split("/").filter(Boolean).pop() || "");

let bench = null;
let attempt = 0;
let lastSeq = 0;

function setState(state, text) {
  statusLine.dataset.state = state;
  statusLine.textContent = text;
}

function describe(scenario) {
  const s = scenario || {};
  if (s.type === "websocket") return `WebSocket ${s.path || "/"}`;
  return `${s.method || "GET"} ${s.path || "/"}`;
}

function showRun(run) {
  lastSeq = run.seq;
  if (!bench) {
    benchRoot.hidden = false;
    bench = new Workbench(benchRoot, {
      code: run.code, scenario: run.scenario, interface: run.interface, scenarioPanel: false,
      label: t("follow.code_label", "The teacher’s code (read only)"),
    });
    bench.editor.setReadOnly(true);
    bench.run = async () => null; // Ctrl+Enter in the editor: students watch, they do not run here
  } else {
    bench.editor.setCode(run.code);
    bench.fixedScenario = run.scenario;
    bench.interface = run.interface;
  }
  bench.showTrace(run.trace);
  meta.hidden = false;
  meta.replaceChildren(t("follow.run_meta", "Run {seq} · {interface} · {request}",
    { seq: run.seq, interface: String(run.interface).toUpperCase(), request: describe(run.scenario) }));
  if (typeof run.lesson === "string" && SITE_PATH.test(run.lesson)) {
    meta.append(" · ", t("follow.from_page", "from"), " ", h("a", { href: run.lesson, text: run.lesson }));
  }
  setState("live", t("follow.live_run", "Live: showing the teacher’s run {seq}.", { seq: run.seq }));
}

function onMessage(e) {
  let msg;
  try { msg = JSON.parse(e.data); } catch { return; }
  if (msg.type === "hello") {
    attempt = 0;
    if (!msg.seq) setState("waiting", t("follow.waiting", "Connected. The teacher has not run anything yet; runs appear here as they happen."));
    else if (msg.seq === lastSeq) setState("live", t("follow.live_run", "Live: showing the teacher’s run {seq}.", { seq: lastSeq }));
  } else if (msg.type === "run" && msg.trace) {
    showRun(msg);
  }
}

function onClose(e) {
  if (e.code === CLOSE.unknown) {
    setState("closed", t("follow.closed", "This room has closed (or the link is wrong). Ask your teacher for a new link."));
    return;
  }
  let wait = backoff(attempt++);
  let text = t("follow.reconnecting_in", "Connection lost; reconnecting in {s} s…", { s: Math.ceil(wait / 1000) });
  if (e.code === CLOSE.full) {
    wait = 30000 + Math.random() * 30000;
    text = t("follow.full", "This room is full; trying again in {s} s.", { s: Math.ceil(wait / 1000) });
  }
  setState("connecting", text);
  setTimeout(connect, wait);
}

function connect() {
  setState("connecting", t("follow.connecting", "Connecting…"));
  const socket = new WebSocket(socketUrl(`/ws/rooms/${encodeURIComponent(room)}`));
  socket.addEventListener("message", onMessage);
  socket.addEventListener("close", onClose);
}

if (room) connect();
else setState("closed", t("follow.closed", "This room has closed (or the link is wrong). Ask your teacher for a new link."));
