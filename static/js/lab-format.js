// Words and numbers for the concurrency lab. Every word comes from the page's JSON
// data (site/strings/<lang>.toml, keys "lab.*"), so the page can be translated; the
// templates are Python format strings ("{n} requests"), filled in here.

export class Words {
  constructor(strings = {}) {
    this.strings = strings;
  }

  /** The string `lab.<key>` with its {placeholders} filled; the key itself if missing. */
  t(key, params = {}) {
    const text = this.strings[`lab.${key}`];
    if (text === undefined) return key;
    return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  }

  /** A simulated duration: "25.0 s", "1.00 s", "250 ms", "0.4 ms". */
  duration(ms) {
    if (!Number.isFinite(ms)) return "–";
    if (Math.abs(ms) >= 1000) return this.t("unit_s", { v: (ms / 1000).toFixed(Math.abs(ms) >= 10000 ? 1 : 2) });
    return this.t("unit_ms", { v: ms.toFixed(Math.abs(ms) >= 10 || ms === 0 ? 0 : 1) });
  }

  /** A tick label: as many decimals as the tick step needs, in s or ms. */
  tick(ms, stepMs) {
    if (stepMs >= 1000 || (ms >= 1000 && stepMs >= 100)) {
      const decimals = stepMs >= 1000 ? 0 : stepMs >= 100 ? 1 : 2;
      return this.t("unit_s", { v: (ms / 1000).toFixed(decimals) });
    }
    return this.t("unit_ms", { v: ms.toFixed(stepMs >= 1 ? 0 : 1) });
  }

  rate(rps) {
    if (!Number.isFinite(rps)) return "–";
    return this.t("unit_rps", { v: rps >= 100 ? rps.toFixed(0) : rps.toFixed(1) });
  }

  /** "WSGI, 1 × 4 threads" / "ASGI, 1 loop(s), pool 40". */
  server(server) {
    if (!server) return "";
    return server.model === "loop"
      ? this.t("label_loop", server)
      : this.t("label_threads", server);
  }
}

/** 1, 2 or 5 times a power of ten: a tick step giving about `count` ticks over `span`. */
export function niceStep(span, count) {
  const raw = Math.max(span, 1e-6) / Math.max(count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}
