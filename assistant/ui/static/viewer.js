// Document viewer (Gradio's `js_on_load`): bring the cited paragraph into view whenever a document opens.
const show = () => {
  const target = element.querySelector(".sa-target");
  if (!target) return;
  target.scrollIntoView({ block: "center" });
  target.focus({ preventScroll: true });
};
watch("value", show);
show();
