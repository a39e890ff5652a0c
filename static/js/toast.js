// A short message at the bottom of the page, also read out (role="status").
let box = null;
let timer = null;

export function toast(message, ms = 5000) {
  if (!box) {
    box = document.createElement("div");
    box.className = "toast";
    box.setAttribute("role", "status");
    document.body.append(box);
  }
  box.hidden = false;
  box.textContent = message;
  clearTimeout(timer);
  timer = setTimeout(() => { box.hidden = true; }, ms);
}
