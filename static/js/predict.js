// Predict-the-next-message questions (`::: predict` in a lesson; markup from site/predict.py).
// Each choice becomes a button; the feedback stays hidden until the learner has picked
// one, then every choice's feedback shows, the picked one marked right or wrong. The
// pick is kept with the lesson's progress (storage.js), so a reload shows it again;
// "Answer again" forgets it. With data-for, a button runs the example the question is
// about, so the learner can check the prediction against the real trace.

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
    this.status.textContent = "Pick the answer you expect, then see why.";
    const actions = el("div", "predict-actions");
    this.again = el("button", "btn predict-again", "Answer again");
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
    const button = el("button", "btn predict-run", "Run the example and check");
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
      const mine = i === index ? " (your pick)" : "";
      c.verdict.textContent = (c.correct ? "✓ Right answer" : "✗ Wrong") + mine;
      if (c.feedback) c.feedback.hidden = false;
    }
    const right = this.choices.findIndex((c) => c.correct) + 1;
    this.status.textContent = picked.correct
      ? `Right: answer ${index + 1}. Read why below.`
      : `Not quite: you picked ${index + 1}, the right answer is ${right}. Each choice says why.`;
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
    this.status.textContent = "Pick the answer you expect, then see why.";
    this.progress.savePrediction(this.slug, this.id, null);
    this.choices[0].button.focus();
  }
}
