// Follow mode, the teacher's side: "Start a room" in the header, then every run this
// tab shows (Workbench fires "tour:trace") goes to the room's followers over the room's
// WebSocket, after {"type": "auth", "secret"} on it. The room is kept in sessionStorage,
// so it stays open while the teacher moves between lessons and the playground in this
// tab. Contract and close codes: docs/follow.md.
import { postJSON } from "./run.js";
import { socketUrl, backoff, CLOSE, SITE_PATH } from "./follow-net.js";
import { t, tn } from "./strings.js";
import { toast } from "./toast.js";
import { h } from "./dom.js";

const KEY = "tour-room";
const MAX_BYTES = 512 * 1024; // the server's cap (rooms.Caps.message_bytes)
const ENDED = new Set([CLOSE.forbidden, CLOSE.unknown]); // gone, or not its secret

class TeacherRoom {
  constructor() {
    this.room = null;       // {room, secret, follow_url, expires_at}
    this.socket = null;
    this.ready = false;     // authenticated on the current socket
    this.pending = null;    // the last run made while the socket was down
    this.attempt = 0;
    this.#buildUi();
    try { this.room = JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch { this.room = null; }
    if (this.room) this.#connect();
    this.#render();
    document.addEventListener("tour:trace", (e) => this.publish(e.detail));
  }

  #buildUi() {
    // Short in the crowded header; the accessible name and the tooltip say it in full.
    this.startButton = h("button", { type: "button", class: "btn room-start", text: t("follow.start_short", "Room"),
      "aria-label": t("follow.start", "Start a room") });
    this.startButton.title = t("follow.start_title", "Start a room: students follow your runs live from a link");
    this.startButton.addEventListener("click", () => this.start());
    const tools = document.querySelector(".header-tools");
    if (tools) tools.prepend(this.startButton);
    this.link = h("input", { type: "text", readonly: "", class: "room-link", "aria-label": t("follow.link_label", "Follow link") });
    this.copyButton = h("button", { type: "button", class: "btn", text: t("follow.copy", "Copy link") });
    this.copyButton.addEventListener("click", () => this.copy());
    this.count = h("span", { class: "room-count", "aria-live": "polite" });
    this.state = h("span", { class: "room-state" });
    this.closeButton = h("button", { type: "button", class: "btn", text: t("follow.close", "Close the room") });
    this.closeButton.addEventListener("click", () => this.close());
    // A loopback link reaches this computer only: say so where the teacher copies it.
    this.localNote = h("span", { class: "room-note", text: t("follow.local_only",
      "This link works on this computer only: serve the tour on an address your students can reach (see docs/follow.md).") });
    this.localNote.hidden = !["127.0.0.1", "localhost", "[::1]"].includes(location.hostname);
    this.bar = h("section", { class: "room-bar", "aria-label": t("follow.bar_label", "Your room") },
      h("strong", { text: t("follow.room_open", "Room open") }), this.link, this.copyButton,
      this.count, this.state, this.closeButton, this.localNote);
    this.bar.hidden = true;
    const header = document.querySelector(".site-header");
    if (header) header.after(this.bar);
    else document.body.prepend(this.bar);
  }

  #render() {
    const open = Boolean(this.room);
    this.bar.hidden = !open;
    this.startButton.hidden = open;
    if (open) this.link.value = this.room.follow_url;
  }

  async start() {
    this.startButton.setAttribute("aria-busy", "true");
    try {
      this.room = await postJSON("/api/rooms", {});
    } catch (err) {
      toast(t("follow.start_failed", "Could not open a room: {message}", { message: err.message }));
      return;
    } finally {
      this.startButton.removeAttribute("aria-busy");
    }
    // Kept for this tab only, so a reload rejoins the room; a browser that refuses
    // storage still gets the room, it just will not survive a reload.
    try { sessionStorage.setItem(KEY, JSON.stringify(this.room)); } catch { /* not kept */ }
    this.followers(0);
    this.#render();
    this.#connect();
    this.copy();
  }

  async copy() {
    try {
      await navigator.clipboard.writeText(this.room.follow_url);
      toast(t("follow.copied", "Follow link copied. Students open it to see your runs live."));
    } catch {
      this.link.focus();
      this.link.select();
    }
  }

  followers(n) {
    this.count.textContent = tn("follow.followers", n, "1 follower", "{n} followers");
  }

  #connect() {
    const socket = (this.socket = new WebSocket(socketUrl(`/ws/rooms/${encodeURIComponent(this.room.room)}?as=teacher`)));
    this.ready = false;
    this.state.textContent = t("follow.connecting", "Connecting…");
    socket.addEventListener("open", () => socket.send(JSON.stringify({ type: "auth", secret: this.room.secret })));
    socket.addEventListener("message", (e) => {
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      if (msg.type === "followers") this.followers(msg.count);
      else if (msg.type === "ready" && socket === this.socket) this.#authed(socket, msg);
    });
    socket.addEventListener("close", (e) => this.#closed(socket, e));
  }

  #authed(socket, msg) {
    this.ready = true;
    this.attempt = 0;
    this.followers(msg.followers);
    this.state.textContent = t("follow.live", "Live: your runs are shared.");
    if (this.pending) { socket.send(this.pending); this.pending = null; }
  }

  #closed(socket, e) {
    if (socket !== this.socket) return;
    this.ready = false;
    if (!this.room) return;
    if (ENDED.has(e.code)) {
      toast(t("follow.ended", "Your room has closed ({reason}). Start a new one to go on sharing.", { reason: e.reason || e.code }));
      this.#forget();
      return;
    }
    const wait = backoff(this.attempt++);
    this.state.textContent = t("follow.reconnecting", "Connection lost; reconnecting…");
    setTimeout(() => { if (this.room && socket === this.socket) this.#connect(); }, wait);
  }

  /** Send one run ({code, scenario, interface, trace}) to the room, now or on reconnect. */
  publish(run) {
    if (!this.room) return;
    // The server accepts a plain site path only (room_messages.PAGE_PATH); anything else is left out.
    const page = SITE_PATH.test(location.pathname) ? { lesson: location.pathname } : {};
    const text = JSON.stringify({ type: "run", ...run, ...page });
    const size = new Blob([text]).size;
    if (size > MAX_BYTES) {
      toast(t("follow.too_big", "This run is too large to share with the room ({kib} KiB; the limit is 512 KiB).", { kib: Math.round(size / 1024) }));
      return;
    }
    if (this.ready && this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
    else this.pending = text;
  }

  close() {
    if (this.socket && this.ready) this.socket.send(JSON.stringify({ type: "close" }));
    this.#forget();
  }

  #forget() {
    this.room = null;
    this.pending = null;
    try { sessionStorage.removeItem(KEY); } catch { /* nothing was kept */ }
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) setTimeout(() => socket.close(1000), 200);
    this.#render();
  }
}

const sheet = h("link", { rel: "stylesheet", href: new URL("../css/follow.css", import.meta.url).href });
document.head.append(sheet);
export const teacherRoom = new TeacherRoom();
