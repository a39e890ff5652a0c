// Presenter mode, for a teacher at a projector: large type, bigger diagrams, the
// prose and the site's chrome hidden on request, and a clicker's keys (PageDown,
// PageUp, Space, arrows) stepping through the messages of the diagram in use. The
// choice is kept in this browser, so it survives moving from lesson to lesson.
// Keys never act while the learner types (editor, fields) or a dialog is open.
import { FlowDiagram } from "./diagram.js";
import { t } from "./strings.js";

const KEY = "wsgi-asgi-tour.presenter";   // "on" | "focus" | absent
const SCALE = 1.6;
const SPEEDS = ["0.5", "1", "2", "4"];
const say = (key, fallback) => t(`presenter.${key}`, fallback);

function typing(target) {
  return target instanceof Element
    && target.closest("input, textarea, select, [contenteditable=true], .editor-host, dialog[open]") !== null;
}

function load() {
  try { return localStorage.getItem(KEY); } catch { return null; }
}
function store(value) {
  try { if (value) localStorage.setItem(KEY, value); else localStorage.removeItem(KEY); } catch { /* not kept */ }
}

/** The diagram a clicker drives: the last one used, else the first visible one with a trace. */
export function activeDiagram() {
  const visible = (d) => d.root.isConnected && d.root.offsetParent !== null;
  if (FlowDiagram.active && visible(FlowDiagram.active) && FlowDiagram.active.hasTrace) return FlowDiagram.active;
  return [...FlowDiagram.all].find((d) => visible(d) && d.hasTrace) || null;
}

class Presenter {
  constructor() {
    this.toggleButton = document.querySelector("[data-presenter-toggle]");
    this.bar = this.#buildBar();
    this.live = Object.assign(document.createElement("p"), { className: "visually-hidden" });
    this.live.setAttribute("aria-live", "polite");
    document.body.append(this.bar, this.live);
    if (this.toggleButton) this.toggleButton.addEventListener("click", () => this.set(this.on ? null : "on"));
    document.addEventListener("keydown", (e) => this.#onKey(e));
    const asked = new URLSearchParams(location.search).get("present");
    this.set(asked === "focus" ? "focus" : asked !== null ? "on" : load(), false);
  }

  get on() { return document.body.classList.contains("presenter"); }

  /** null: off; "on": large type; "focus": also hide the prose and chrome. */
  set(state, announce = true) {
    const on = state === "on" || state === "focus";
    document.body.classList.toggle("presenter", on);
    document.body.classList.toggle("presenter-focus", state === "focus");
    document.body.dataset.flowScale = on ? String(SCALE) : "1";
    this.bar.hidden = !on;
    if (this.toggleButton) this.toggleButton.setAttribute("aria-pressed", String(on));
    this.focusButton.textContent = state === "focus" ? say("unfocus", "Show the prose") : say("focus", "Hide the prose");
    this.focusButton.setAttribute("aria-pressed", String(state === "focus"));
    for (const d of FlowDiagram.all) d.setScale(on ? SCALE : 1);
    store(on ? state : null);
    if (announce) this.live.textContent = on ? say("on", "Presenter mode is on.") : say("off", "Presenter mode is off.");
  }

  #buildBar() {
    const bar = document.createElement("div");
    bar.className = "presenter-bar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", say("bar", "Presenter controls"));
    const button = (text, title, act) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "btn";
      b.textContent = text;
      b.title = title;
      // Icon buttons are named by their title; a button with words keeps its words.
      if (text.length <= 1) b.setAttribute("aria-label", title);
      b.addEventListener("click", act);
      bar.append(b);
      return b;
    };
    button("◀", say("prev", "Previous message (PageUp)"), () => this.#drive("prev"));
    button("▶", say("next", "Next message (PageDown)"), () => this.#drive("next"));
    this.focusButton = button(say("focus", "Hide the prose"), "F", () => this.#toggleFocus());
    const label = document.createElement("label");
    label.textContent = say("speed", "Replay speed") + " ";
    this.speed = document.createElement("select");
    for (const s of SPEEDS) this.speed.append(new Option(`${s}×`, s, s === "1", s === "1"));
    this.speed.addEventListener("change", () => this.#setSpeed(this.speed.value));
    label.append(this.speed);
    bar.append(label);
    button("✕", say("exit", "Leave presenter mode"), () => this.set(null));
    bar.hidden = true;
    return bar;
  }

  #toggleFocus() { this.set(document.body.classList.contains("presenter-focus") ? "on" : "focus"); }

  #setSpeed(value) {
    this.speed.value = value;
    for (const d of FlowDiagram.all) d.setSpeed(Number(value));
  }

  #drive(act) {
    const d = activeDiagram();
    if (!d) return false;
    if (act === "play") d.toggle();
    else { d.pause(); d[act](); }
    return true;
  }

  #onKey(e) {
    if (!this.on || e.defaultPrevented || e.isComposing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e.target)) return;
    const acts = {
      PageDown: "next", " ": "next", ArrowRight: "next", ArrowDown: "next",
      PageUp: "prev", ArrowLeft: "prev", ArrowUp: "prev", Home: "first", End: "last",
      p: "play", P: "play",
    };
    if (e.key === "Escape") { this.set(null); e.preventDefault(); return; }
    if (e.key === "f" || e.key === "F") {
      this.#toggleFocus();
      e.preventDefault();
      return;
    }
    if (e.key === "+" || e.key === "-") {
      const at = SPEEDS.indexOf(this.speed.value) + (e.key === "+" ? 1 : -1);
      this.#setSpeed(SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, at))]);
      e.preventDefault();
      return;
    }
    // A button or link with focus keeps Space for itself (pressing it).
    if (e.key === " " && e.target instanceof Element && e.target.closest("button, a, summary")) return;
    const act = acts[e.key];
    if (act && this.#drive(act)) e.preventDefault();
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => new Presenter());
else new Presenter();
