// People pages: a "select all" checkbox for the face lists of a form marked data-select-all.
document.querySelectorAll("form[data-select-all]").forEach((form) => {
  const toggle = form.querySelector("[data-select-all-toggle]");
  if (!toggle) return;
  toggle.addEventListener("change", () => {
    form.querySelectorAll('input[type=checkbox][name=face]').forEach((box) => { box.checked = toggle.checked; });
  });
});
