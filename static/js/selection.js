// Multi-select in a grid of photos: the ticked tiles are sent with the selection bar's form
// (form="photo-selection"); the bar shows while anything is ticked; shift-click ticks a range.
(() => {
  const form = document.getElementById("photo-selection");
  if (!form) return;
  const count = form.querySelector("[data-selected-count]");
  form.classList.add("enhanced");  // with the script, the bar's buttons show once a photo is ticked
  const boxes = () => [...document.querySelectorAll('input.pick[form="photo-selection"]')];
  let last = null;

  function update() {
    const ticked = boxes().filter((b) => b.checked);
    count.textContent = String(ticked.length);
    form.classList.toggle("active", ticked.length > 0);
    boxes().forEach((b) => b.closest(".tile")?.classList.toggle("picked", b.checked));
  }

  document.addEventListener("click", (event) => {
    const box = event.target.closest('input.pick[form="photo-selection"]');
    if (!box) return;
    if (event.shiftKey && last && last !== box) {
      const all = boxes();
      const [a, b] = [all.indexOf(last), all.indexOf(box)].sort((x, y) => x - y);
      all.slice(a, b + 1).forEach((other) => { other.checked = box.checked; });
    }
    last = box;
    update();
  });
  form.querySelector("[data-select-none]").addEventListener("click", () => {
    boxes().forEach((b) => { b.checked = false; });
    update();
  });
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button?.dataset.confirm && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
  update();
})();
