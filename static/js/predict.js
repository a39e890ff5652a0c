// Predict-the-next-message questions (`::: predict` in a lesson; markup from site/predict.py).
// Each choice becomes a button; the feedback stays hidden until the learner has picked
// one, then every choice's feedback shows, the picked one marked right or wrong. The
// pick is kept with the lesson's progress (storage.js), so a reload shows it again;
// "Answer again" forgets it. With data-for, a button runs the example the question is
// about, so the learner can check the prediction against the real trace.

import { t } from "./strings.js";

export function mountPredictions(root, { slug, progress }) {
  return [...root.querySelectorAll(".predict[data-predict-id]")]
    .map((box) => new Prediction(box, slug, progress));
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text) node.textContent = text;
  return node;
}

class Prediction {
  constructor(box, slug, progress) {
    this.box = box;
    this.slug = slug;
    this.id = box.dataset.predictId;
    this.progress = progress;
    this.choices = [...box.querySelectorAll(".predict-choice")].map((li, index) => {
      const answer = li.querySelector(".predict-answer");
      const feedback = li.querySelector(".predict-feedback");
      const button = el("button", "predict-pick");
      button.type = "button";
      button.setAttribute("aria-pressed", "false");
      button.append(...answer.childNodes);
      answer.replaceChildren(button);
      button.addEventListener("click", () => this.choose(index, true));
      const verdict = el("span", "predict-verdict");
      verdict.hidden = true;
      answer.after(verdict);
      if (feedback) feedback.hidden = true;
      return { li, button, feedback, verdict, correct: li.dataset.correct === "true" };
    });
    this.status = el("p", "predict-status");
    this.status.setAttribute("aria-live", "polite");
    this.status.tabIndex = -1;
    this.status.textContent = t("js.predict.pick", "Pick the answer you expect, then see why.");
    const actions = el("div", "predict-actions");
    this.again = el("button", "btn predict-again", t("js.predict.again", "Answer again"));
    this.again.type = "button";
    this.again.hidden = true;
    this.again.addEventListener("click", () => this.reset());
    actions.append(this.again);
    if (box.dataset.for) actions.append(this.runButton(box.dataset.for));
    box.append(this.status, actions);
    box.classList.add("is-live");
    const saved = progress.prediction(slug, this.id);
    if (saved !== null && saved < this.choices.length) this.choose(saved, false);
  }

  runButton(codeId) {
    const button = el("button", "btn predict-run", t("js.predict.run", "Run the example and check"));
    button.type = "button";
    button.addEventListener("click", () => {
      const block = document.querySelector(`.runnable[data-code-id="${CSS.escape(codeId)}"]`);
      const run = block && block.querySelector(".btn-primary");
      if (!block || !run) return;
      block.scrollIntoView({ block: "center" });
      run.click();
      run.focus();
    });
    return button;
  }

  choose(index, save) {
    const picked = this.choices[index];
    for (const [i, c] of this.choices.entries()) {
      c.button.setAttribute("aria-pressed", String(i === index));
      c.button.disabled = true;
      c.li.classList.toggle("is-picked", i === index);
      c.li.classList.toggle("is-correct", c.correct);
      c.verdict.hidden = false;
      const mine = i === index ? t("js.predict.mine", " (your pick)") : "";
      c.verdict.textContent = (c.correct ? t("js.predict.right_answer", "✓ Right answer") : t("js.predict.wrong", "✗ Wrong")) + mine;
      if (c.feedback) c.feedback.hidden = false;
    }
    const right = this.choices.findIndex((c) => c.correct) + 1;
    this.status.textContent = picked.correct
      ? t("js.predict.right", "Right: answer {n}. Read why below.", { n: index + 1 })
      : t("js.predict.not_quite", "Not quite: you picked {n}, the right answer is {right}. Each choice says why.", { n: index + 1, right });
    this.box.classList.add("is-answered");
    this.again.hidden = false;
    if (save) {
      this.progress.savePrediction(this.slug, this.id, index);
      this.status.focus(); // the pressed button is now disabled: keep focus on the result
    }
  }

  reset() {
    for (const c of this.choices) {
      c.button.disabled = false;
      c.button.setAttribute("aria-pressed", "false");
      c.li.classList.remove("is-picked", "is-correct");
      c.verdict.hidden = true;
      if (c.feedback) c.feedback.hidden = true;
    }
    this.box.classList.remove("is-answered");
    this.again.hidden = true;
    this.status.textContent = t("js.predict.pick", "Pick the answer you expect, then see why.");
    this.progress.savePrediction(this.slug, this.id, null);
    this.choices[0].button.focus();
  }
}
