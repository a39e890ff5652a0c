// Share links: code + scenario + interface packed into the URL fragment, which
// browsers never send to a server, so nothing is stored anywhere but in the link.
// Format: #share=z.<base64url of deflate-raw JSON> (or j.<base64url JSON> where
// CompressionStream is missing). Decoding is defensive: a link is untrusted input.
const PREFIX = "share=";
const MAX_JSON = 512 * 1024; // a shared state bigger than this is not one of ours

function toBase64Url(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

// Run bytes through a (de)compression stream, giving up past `limit` bytes so a
// crafted link cannot make the page inflate gigabytes.
async function pipe(bytes, stream, limit = Infinity) {
  const reader = new Blob([bytes]).stream().pipeThrough(stream).getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) { await reader.cancel(); throw new Error("too big"); }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

/** The fragment (without "#") for `{code, scenario, interface}`. */
export async function encodeShare(state) {
  const json = new TextEncoder().encode(JSON.stringify({ v: 1, ...state }));
  if (typeof CompressionStream === "function") {
    return PREFIX + "z." + toBase64Url(await pipe(json, new CompressionStream("deflate-raw")));
  }
  return PREFIX + "j." + toBase64Url(json);
}

/** The state in `hash` (location.hash), or null when there is none or it is damaged. */
export async function decodeShare(hash) {
  const text = (hash || "").replace(/^#/, "");
  if (!text.startsWith(PREFIX)) return null;
  const body = text.slice(PREFIX.length);
  try {
    let bytes = fromBase64Url(body.slice(2));
    if (body.startsWith("z.")) {
      if (typeof DecompressionStream !== "function") return null;
      bytes = await pipe(bytes, new DecompressionStream("deflate-raw"), MAX_JSON);
    } else if (!body.startsWith("j.")) {
      return null;
    }
    if (bytes.length > MAX_JSON) return null;
    const data = JSON.parse(new TextDecoder().decode(bytes));
    if (!data || data.v !== 1 || typeof data.code !== "string") return null;
    return {
      code: data.code,
      scenario: data.scenario && typeof data.scenario === "object" ? data.scenario : null,
      interface: ["wsgi", "asgi", "auto"].includes(data.interface) ? data.interface : "auto",
    };
  } catch {
    return null;
  }
}

/** A full link to `page` (default: this page) carrying `state`. */
export async function shareUrl(state, page = location.pathname) {
  return `${location.origin}${page}#${await encodeShare(state)}`;
}
