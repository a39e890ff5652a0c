// Calling POST /api/run. Every failure becomes a RunError whose message a learner can
// act on; the trace of a run that failed *inside the app* is not a failure here (it is
// a normal answer with outcome "error").
import { t, tn, pageLang } from "./strings.js";

export class RunError extends Error {
  constructor(message, { status = 0, code = "", retryAfter = null } = {}) {
    super(message);
    this.name = "RunError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter; // seconds, when the server said when to come back
  }
}

function seconds(header) {
  const n = Number(header);
  if (Number.isFinite(n) && n >= 0) return Math.ceil(n);
  const date = Date.parse(header || "");
  return Number.isNaN(date) ? null : Math.max(1, Math.ceil((date - Date.now()) / 1000));
}

function explain(status, body, retryAfter) {
  const msg = body && body.error && typeof body.error.message === "string" ? body.error.message : "";
  const code = body && body.error && typeof body.error.code === "string" ? body.error.code : "";
  const wait = retryAfter ? tn("js.run.seconds", retryAfter, "{n} second", "{n} seconds") : t("js.run.few_seconds", "a few seconds");
  const detail = msg ? t("js.run.detail", " ({message})", { message: msg }) : "";
  if (status === 503) return [t("js.run.busy", "The server is busy running other people's code. Try again in {wait}.", { wait }), code];
  if (status === 429) return [t("js.run.rate", "That was a lot of runs in a short time. Wait {wait}, then run again.", { wait }), code];
  if (status === 401 || status === 403) {
    return [t("js.run.token", "This page is not allowed to run code: its access token is missing or old. Open the link "
      + "that `wsgi-asgi-tour serve` printed again (or reload the page).") + detail, code];
  }
  if (status === 413) return [t("js.run.too_large", "Your code or request is too large to run.") + detail, code];
  if (status >= 400 && status < 500) return [msg || t("js.run.refused", "The run was refused (HTTP {status}).", { status }), code];
  return [t("js.run.internal", "Something went wrong inside the tour, not in your code. Try again; if it keeps "
    + "happening, please report it.") + detail, code];
}

/**
 * Run `{interface, code, app, scenario}`; resolve to the trace or reject with a RunError.
 * Pass an AbortSignal to cancel (the rejection is then the AbortError).
 */
export async function runCode(payload, { signal, url = "/api/run" } = {}) {
  const trace = await postJSON(url, payload, { signal });
  if (Array.isArray(trace.events)) return trace;
  throw new RunError(explain(500, null, null)[0], { status: 200 });
}

/** POST JSON to another endpoint of ours (e.g. the exercise checker) with the same errors. */
export async function postJSON(url, payload, { signal } = {}) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST", credentials: "same-origin", signal,
      // The page's language, so the server's refusals (token, size) read in it too.
      headers: { "Content-Type": "application/json", Accept: "application/json",
        "Accept-Language": pageLang() === "en" ? "en" : `${pageLang()}, en;q=0.5` },
      body: JSON.stringify(payload),
    });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new RunError(t("js.run.unreachable", "Could not reach the tour's server. Your code is saved in this browser."));
  }
  let body = null;
  try { body = await response.json(); } catch { /* handled below */ }
  if (response.ok && body) return body;
  const retryAfter = seconds(response.headers.get("Retry-After"));
  const [message, code] = explain(response.ok ? 500 : response.status, body, retryAfter);
  throw new RunError(message, { status: response.status, code, retryAfter });
}

/** After a 503/429 with Retry-After: the button shows `text(n)` as it counts down (at most
 *  2 minutes), then gets its label back and allows runs again. */
export function holdRun(button, seconds, text) {
  const label = button.textContent;
  let left = Math.min(seconds, 120);
  button.disabled = true;
  const tick = () => {
    if (left <= 0) { button.disabled = false; button.textContent = label; return; }
    button.textContent = text(left);
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}
