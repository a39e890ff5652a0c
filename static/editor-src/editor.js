// The tour's editor: CodeMirror 6 with Python (and JSON for scenarios), bundled by
// esbuild into static/vendor/codemirror.js as the global `TourEditor`.
// Rebuild: cd static/editor-src && npm ci && npm run build
import { EditorState, Compartment, StateEffect, StateField } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, Decoration, highlightSpecialChars,
} from "@codemirror/view";
import {
  defaultKeymap, history, historyKeymap, indentWithTab,
} from "@codemirror/commands";
import {
  indentOnInput, bracketMatching, syntaxHighlighting, defaultHighlightStyle, foldGutter,
} from "@codemirror/language";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { python } from "@codemirror/lang-python";
import { json } from "@codemirror/lang-json";
import { oneDark } from "@codemirror/theme-one-dark";

// Line marks: "step" for the line that produced the current message, "error" for
// the traceback's line. One effect replaces all marks of a kind.
const setMarks = StateEffect.define();
const marksField = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const effect of tr.effects) {
      if (effect.is(setMarks)) {
        const { kind, lines } = effect.value;
        const kept = [];
        marks.between(0, tr.state.doc.length, (from, _to, deco) => {
          if (deco.spec.kind !== kind) kept.push(deco.range(from));
        });
        for (const n of lines) {
          if (n >= 1 && n <= tr.state.doc.lines) {
            const line = tr.state.doc.line(n);
            kept.push(Decoration.line({ class: `cm-mark-${kind}`, kind }).range(line.from));
          }
        }
        marks = Decoration.set(kept, true);
      }
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

export function create(parent, options = {}) {
  const theme = new Compartment();
  const readOnly = new Compartment();
  const run = options.onRun || (() => false);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc || "",
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(),
        foldGutter(), drawSelection(), indentOnInput(), bracketMatching(), closeBrackets(),
        highlightActiveLine(), highlightSelectionMatches(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        EditorState.tabSize.of(4),
        keymap.of([
          { key: "Mod-Enter", run: () => { run(); return true; } },
          ...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap,
          indentWithTab,
        ]),
        options.language === "json" ? json() : python(),
        theme.of(options.dark ? oneDark : []),
        readOnly.of(EditorState.readOnly.of(!!options.readOnly)),
        marksField,
        // Phones: no autocapitalise or autocorrect in code.
        EditorView.contentAttributes.of({
          autocapitalize: "off", autocorrect: "off", spellcheck: "false",
          "aria-label": options.label || "Code editor",
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && options.onChange) options.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    getCode: () => view.state.doc.toString(),
    // A normal transaction, so Reset can be undone with Ctrl/Cmd+Z.
    setCode(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    setDark(dark) { view.dispatch({ effects: theme.reconfigure(dark ? oneDark : []) }); },
    setReadOnly(flag) {
      view.dispatch({ effects: readOnly.reconfigure(EditorState.readOnly.of(flag)) });
    },
    mark(kind, lines) { view.dispatch({ effects: setMarks.of({ kind, lines }) }); },
    focus() { view.focus(); },
  };
}
