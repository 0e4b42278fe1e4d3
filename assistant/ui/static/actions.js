// Runs once per chat log / corpus table (Gradio's `js_on_load`: `element` and `trigger` are given).
// Copy buttons and citation markers work in the browser; every other [data-action]
// becomes one server event, `action`, carrying the element's data-* attributes.
const announce = (message) => {
  const live = document.getElementById("sa-announce");
  if (!live) return;
  live.textContent = "";
  setTimeout(() => { live.textContent = message; }, 50);
};

const copyText = async (text) => {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (err) { /* fall back below: plain http on a LAN address is not a secure context */ }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
  area.remove();
  return ok;
};

const flash = (node) => {
  node.classList.add("sa-flash");
  setTimeout(() => node.classList.remove("sa-flash"), 1600);
};

element.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-action]");
  const card = event.target.closest("[data-card]");
  if (button && button.dataset.action === "copy") {
    const label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    const ok = await copyText(button.dataset.copy || "");
    button.textContent = ok ? "Copied" : "Copy failed";
    announce(ok ? "Copied to the clipboard." : "Could not copy; select the text instead.");
    setTimeout(() => { button.textContent = label; }, 1600);
    return;
  }
  if (button && button.dataset.action === "goto") {
    event.preventDefault();
    const dest = element.querySelector("#" + CSS.escape(button.dataset.target || ""));
    if (dest) {
      dest.scrollIntoView({ behavior: "smooth", block: "nearest" });
      dest.focus({ preventScroll: true });
      flash(dest);
    }
    return;
  }
  if (button && button.tagName === "BUTTON") {
    trigger("action", { ...button.dataset });
    return;
  }
  // A click anywhere else on a card opens its document, unless the reader is selecting text.
  if (card && !event.target.closest("a, button") && !String(window.getSelection() || "").trim()) {
    trigger("action", { ...card.dataset, action: "open" });
  }
});
