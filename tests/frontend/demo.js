// Test harness: draw one fixture trace with the real modules and record what the
// page would do (the marked editor line, the step events) on window.demo.
import { FlowDiagram } from "/static/js/diagram.js";
import { Transcript } from "/static/js/transcript.js";
import { renderResult } from "/static/js/response.js";
import { initTheme } from "/static/js/theme.js";

const name = new URLSearchParams(location.search).get("fixture") || "wsgi_ok";
const fake = { marks: {}, mark(kind, lines) { this.marks[kind] = lines; } };
window.demo = { steps: [], editor: fake, ready: false };

initTheme();
const payload = await (await fetch(`/tests/frontend/fixtures/${name}.json`)).json();
document.getElementById("title").textContent = name;
document.getElementById("code").textContent = payload.code;
const diagram = new FlowDiagram(document.getElementById("diagram"));
const transcript = new Transcript(document.getElementById("transcript"), document.getElementById("live"));
document.getElementById("diagram").addEventListener("step", (e) => {
  window.demo.steps.push({ index: e.detail.index, line: e.detail.line });
  fake.mark("step", e.detail.line ? [e.detail.line] : []);
  document.getElementById("marked").textContent = e.detail.line ?? "none";
  transcript.markCurrent(e.detail.index);
});
diagram.show(payload.trace);
transcript.show(payload.trace);
renderResult(document.getElementById("result"), payload.trace, fake, () => {});
window.demo.diagram = diagram;
window.demo.ready = true;
