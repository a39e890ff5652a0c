// What both sides of follow mode share: the room socket's URL and the retry delays.

/** ws://host/path on an http page, wss:// on https (a TLS proxy in front). */
export function socketUrl(path) {
  return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
}

/** Retry delays: 0.5 s doubling to 15 s, with jitter so a class does not reconnect at once. */
export function backoff(attempt) {
  const base = Math.min(15000, 500 * 2 ** attempt);
  return base / 2 + (Math.random() * base) / 2;
}

/** A plain path on this site, the only page a run may name (the server checks the same,
 *  room_messages.PAGE_PATH): never //host, /\host, javascript:. */
export const SITE_PATH = /^\/(?:[\w.-]+(?:\/[\w.-]+)*)?$/;

/** The close codes of docs/follow.md (site/room_messages.py). */
export const CLOSE = {
  badJson: 1007, tooBig: 1009, slow: 1013,
  badMessage: 4400, forbidden: 4403, unknown: 4404, full: 4429,
};
