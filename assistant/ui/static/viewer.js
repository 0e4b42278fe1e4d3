// Document viewer (Gradio's `js_on_load`): whenever a document opens, put the cited paragraph
// just under the viewer's sticky header, and bring the viewer into view on narrow screens.
const show = () => {
  const target = element.querySelector(".sa-target");
  if (!target) return;
  const scroller = element.closest("#sa-viewer") || element;
  const head = element.querySelector(".sa-viewer-head");
  const below = (head ? head.offsetHeight : 0) + 8;
  const top = target.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
  scroller.scrollTop = Math.max(0, top - below);
  const frame = scroller.getBoundingClientRect();
  if (frame.top < 0 || frame.top > window.innerHeight * 0.5) scroller.scrollIntoView({ block: "start" });
  target.focus({ preventScroll: true });
};
watch("value", show);
show();
