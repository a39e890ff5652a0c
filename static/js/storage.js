// Progress without accounts, in localStorage under one key:
//   {version: 1, last: slug, lessons: {slug: {code, passed, passedAt, updated,
//    predictions: {predictId: choiceIndex}}},
//    playground: {code, scenario, interface}}
// Code is saved on every change (debounced) and flushed when the page is hidden, so a
// reload, a crash or a closed tab never loses it. Every write re-reads the store first,
// so two tabs on different lessons do not overwrite each other. When storage is
// unavailable (private mode, full) the data lives in memory and onError says so.
import { t } from "./strings.js";

const KEY = "wat.progress.v1";
const DELAY = 400; // ms after the last keystroke

function emptyStore() {
  return { version: 1, last: null, lessons: {}, playground: null };
}

function storageOrNull() {
  try {
    const s = window.localStorage;
    s.setItem(KEY + ".probe", "1");
    s.removeItem(KEY + ".probe");
    return s;
  } catch {
    return null;
  }
}

function valid(data) {
  return data && typeof data === "object" && data.version === 1
    && data.lessons && typeof data.lessons === "object" && !Array.isArray(data.lessons);
}

/** A small JSON value kept under its own key (a page's settings), or null when there is
 *  none, it is unreadable or storage is blocked. */
export function readJSON(key) {
  try { return JSON.parse(localStorage.getItem(key) || "null"); } catch { return null; }
}

/** Keep a small JSON value; in private mode or when storage is full it is simply not kept. */
export function writeJSON(key, value) {
  try { localStorage.setItem(key, JSON.stringify(value)); } catch { /* not kept */ }
}

export class Progress {
  constructor({ onError } = {}) {
    this.storage = storageOrNull();
    this.memory = emptyStore();
    this.onError = onError || (() => {});
    this.pending = new Map(); // slug -> code waiting for the debounce
    this.timer = null;
    const flush = () => this.flush();
    addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", () => { if (document.hidden) flush(); });
  }

  read() {
    if (!this.storage) return this.memory;
    const raw = this.storage.getItem(KEY);
    if (!raw) return emptyStore();
    try {
      const data = JSON.parse(raw);
      if (valid(data)) return data;
    } catch { /* fall through */ }
    // Unreadable: keep the bytes aside (never destroy a learner's code) and start afresh.
    try { this.storage.setItem(KEY + ".corrupt", raw); } catch { /* full */ }
    return emptyStore();
  }

  update(change) {
    const data = this.read();
    change(data);
    this.memory = data;
    if (!this.storage) return;
    try {
      this.storage.setItem(KEY, JSON.stringify(data));
    } catch (err) {
      this.onError(t("js.storage.failed", "Your browser would not save progress (storage is full or blocked). "
        + "Export it to a file to keep it."), err);
    }
  }

  lesson(slug) { return this.read().lessons[slug] || {}; }
  code(slug) { return this.pending.get(slug) ?? this.lesson(slug).code ?? null; }
  last() { return this.read().last; }
  setLast(slug) { this.update((d) => { d.last = slug; }); }

  /** Save soon (debounced): call on every change. */
  saveCode(slug, code) {
    this.pending.set(slug, code);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), DELAY);
  }

  flush() {
    clearTimeout(this.timer);
    if (!this.pending.size) return;
    const pending = [...this.pending];
    this.pending.clear();
    this.update((d) => {
      for (const [slug, code] of pending) {
        d.lessons[slug] = { ...(d.lessons[slug] || {}), code, updated: Date.now() };
      }
    });
  }

  setPassed(slug) {
    this.update((d) => {
      d.lessons[slug] = { ...(d.lessons[slug] || {}), passed: true, passedAt: Date.now() };
    });
  }

  /** The choice (0-based) picked for a predict question, or null. */
  prediction(slug, id) {
    const picks = this.lesson(slug).predictions;
    const value = picks && typeof picks === "object" ? picks[id] : undefined;
    return Number.isInteger(value) && value >= 0 ? value : null;
  }

  /** Remember a predict answer; `choice` null forgets it. */
  savePrediction(slug, id, choice) {
    this.update((d) => {
      const entry = { ...(d.lessons[slug] || {}) };
      const picks = { ...(entry.predictions || {}) };
      if (choice === null) delete picks[id]; else picks[id] = choice;
      entry.predictions = picks;
      d.lessons[slug] = entry;
    });
  }

  playground() { return this.read().playground; }
  savePlayground(state) { this.update((d) => { d.playground = state; }); }

  /** Download everything as a JSON file. */
  exportFile() {
    this.flush();
    const blob = new Blob([JSON.stringify(this.read(), null, 2)], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `wsgi-asgi-tour-progress-${new Date().toISOString().slice(0, 10)}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  /** Merge a file made by exportFile: its code wins, a pass is never lost. Returns the lesson count. */
  async importFile(file) {
    if (file.size > 5_000_000) throw new Error(t("js.storage.too_big", "That file is too big to be a progress file."));
    let data;
    try { data = JSON.parse(await file.text()); } catch { data = null; }
    if (!valid(data)) throw new Error(t("js.storage.not_progress", "That file is not a progress file exported from this tour."));
    let count = 0;
    this.update((d) => {
      for (const [slug, entry] of Object.entries(data.lessons)) {
        if (!entry || typeof entry !== "object") continue;
        const mine = d.lessons[slug] || {};
        d.lessons[slug] = {
          ...mine,
          ...(typeof entry.code === "string" ? { code: entry.code } : {}),
          passed: Boolean(mine.passed || entry.passed),
          passedAt: mine.passedAt || entry.passedAt || undefined,
          // predict answers: the file's fill in, the ones made here stay
          predictions: { ...(entry.predictions && typeof entry.predictions === "object"
            ? entry.predictions : {}), ...(mine.predictions || {}) },
          updated: Date.now(),
        };
        count += 1;
      }
      if (typeof data.last === "string" && !d.last) d.last = data.last;
      if (data.playground && !d.playground) d.playground = data.playground;
    });
    return count;
  }
}
