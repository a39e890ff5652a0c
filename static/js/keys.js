// Page-wide keyboard shortcuts. Ctrl/Cmd+Enter runs (the editor binds it too and marks
// the event handled, so it never runs twice); Alt+←/→ go to the previous/next lesson
// (inside the editor CodeMirror keeps Alt+arrows for itself); "?" opens the help.
function typing(target) {
  return target instanceof Element
    && (target.closest("input, textarea, select, [contenteditable=true], .editor-host") !== null);
}

/** `actions`: {run, prev, next} (each optional); the help dialog is #shortcuts. */
export function installShortcuts(actions = {}) {
  const help = document.getElementById("shortcuts");
  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.isComposing) return;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key === "Enter" && actions.run) {
      e.preventDefault();
      actions.run();
    } else if (e.altKey && !mod && !e.shiftKey && (e.key === "ArrowLeft" || e.key === "ArrowRight")) {
      if (typing(e.target)) return;
      const go = e.key === "ArrowLeft" ? actions.prev : actions.next;
      if (go) { e.preventDefault(); go(); }
    } else if (e.key === "?" && !mod && !e.altKey && !typing(e.target) && help) {
      e.preventDefault();
      if (!help.open) help.showModal();
    }
  });
  for (const b of document.querySelectorAll("[data-open-shortcuts]")) {
    b.addEventListener("click", () => help && help.showModal());
  }
  if (help) {
    help.addEventListener("click", (e) => {
      if (e.target === help || e.target.closest("[data-close]")) help.close();
    });
  }
}

/** Follow <link rel="prev|next"> (the lesson template sets them). */
export function linkAction(rel) {
  const link = document.querySelector(`link[rel="${rel}"]`);
  return link ? () => { location.href = link.href; } : undefined;
}
