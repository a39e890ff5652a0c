// The free playground: any app, any request, starter templates, and share links
// (code + request in the URL fragment; nothing is stored on the server). What is
// typed is kept in localStorage like lesson code, so a reload never loses it.
import { Workbench } from "./workbench.js";
import { Progress } from "./storage.js";
import { decodeShare, shareUrl } from "./share.js";
import { STARTERS } from "./starters.js";
import { initTheme } from "./theme.js";
import { installShortcuts } from "./keys.js";
import { toast } from "./toast.js";
import "./room.js"; // follow mode: "Start a room" shares every run made here
import { t } from "./strings.js";

const CODE_KEY = "_playground";
initTheme();
const progress = new Progress({ onError: (m) => toast(m) });
const starterSelect = document.getElementById("starter");
const interfaceSelect = document.getElementById("interface");
const shareButton = document.getElementById("share-button");
const shareOut = document.getElementById("share-url");
const pageData = document.getElementById("page-data");
const runUrl = pageData ? JSON.parse(pageData.textContent).run_url : undefined;

for (const [key, s] of Object.entries(STARTERS)) starterSelect.append(new Option(s.title, key));

// Where the first code comes from: a share link, else the last session, else a starter.
const shared = await decodeShare(location.hash);
if (location.hash.startsWith("#share=") && !shared) toast(t("js.playground.damaged", "This share link is damaged; showing your last code instead."));
const saved = progress.playground();
const initial = shared
  || (progress.code(CODE_KEY) !== null && { code: progress.code(CODE_KEY), ...(saved || {}) })
  || STARTERS.wsgi;

const bench = new Workbench(document.getElementById("bench"), {
  code: initial.code,
  scenario: initial.scenario || {},
  interface: initial.interface || "auto",
  runUrl,
  onCodeChange: (code) => progress.saveCode(CODE_KEY, code),
  onScenarioChange: () => saveState(),
});
interfaceSelect.value = bench.interface;
if (shared) {
  progress.saveCode(CODE_KEY, shared.code);
  saveState();
  toast(t("js.playground.loaded_share", "Loaded the code and request from the share link."));
}

function saveState() {
  let scenario;
  try { scenario = bench.scenarioValue(); } catch { return; } // half-typed: keep the last good one
  progress.savePlayground({ scenario, interface: bench.interface });
}

starterSelect.addEventListener("change", () => {
  const s = STARTERS[starterSelect.value];
  if (!s) return;
  bench.editor.setCode(s.code); // undoable: Ctrl+Z brings the old code back
  bench.scenario.set(s.scenario);
  bench.interface = interfaceSelect.value = s.interface;
  saveState();
  bench.setStatus(t("js.playground.loaded_starter", "Loaded the “{title}” starter. Ctrl+Z (⌘Z) in the editor brings your code back.", { title: s.title }));
  starterSelect.value = "";
});

interfaceSelect.addEventListener("change", () => {
  bench.interface = interfaceSelect.value;
  saveState();
});

shareButton.addEventListener("click", async () => {
  let scenario;
  try { scenario = bench.scenarioValue(); } catch (err) { toast(err.message); return; }
  const url = await shareUrl({ code: bench.getCode(), scenario, interface: bench.interface });
  shareOut.hidden = false;
  shareOut.value = url;
  history.replaceState(null, "", url);
  try {
    await navigator.clipboard.writeText(url);
    toast(t("js.playground.copied", "Link copied ({n} characters). It holds your code; nothing is stored on the server.", { n: url.length }));
  } catch {
    shareOut.focus();
    shareOut.select();
    toast(t("js.playground.copy_manually", "Copy the link from the box below the buttons."));
  }
});

installShortcuts({ run: () => bench.run() });
