// The photo viewer: arrow keys and swipes step to the previous or next photo of the album, person or
// search it was opened from; a face's entry in the list highlights its box (hover or focus) and back;
// "View full size" opens the original in a lightbox; deletes ask first.
(() => {
  const viewer = document.querySelector("[data-viewer]");
  if (!viewer) return;
  const go = (which) => { if (viewer.dataset[which]) window.location.assign(viewer.dataset[which]); };
  const typing = (el) => el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  const lightbox = document.getElementById("lightbox");

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(document.activeElement)) return;
    if (lightbox?.open && event.key !== "Escape") return;
    if (event.key === "ArrowLeft") go("previous");
    if (event.key === "ArrowRight") go("next");
  });

  let start = null;
  viewer.addEventListener("touchstart", (event) => {
    if (event.touches.length === 1) start = { x: event.touches[0].clientX, y: event.touches[0].clientY };
  }, { passive: true });
  viewer.addEventListener("touchend", (event) => {
    if (!start) return;
    const touch = event.changedTouches[0];
    const dx = touch.clientX - start.x;
    const dy = touch.clientY - start.y;
    start = null;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) go(dx > 0 ? "previous" : "next");
  });

  const boxFor = (id) => document.getElementById(`box-${id}`);
  document.querySelectorAll(".face-list li[data-face]").forEach((item) => {
    const box = boxFor(item.dataset.face);
    if (!box) return;
    const on = () => { box.classList.add("highlight"); item.classList.add("highlight"); };
    const off = () => { box.classList.remove("highlight"); item.classList.remove("highlight"); };
    item.addEventListener("mouseenter", on);
    item.addEventListener("mouseleave", off);
    item.addEventListener("focusin", on);
    item.addEventListener("focusout", off);
    box.addEventListener("mouseenter", on);
    box.addEventListener("mouseleave", off);
    box.addEventListener("focus", on);
    box.addEventListener("blur", off);
  });

  document.querySelector("[data-open-full]")?.addEventListener("click", () => {
    const img = lightbox.querySelector("img");
    if (!img.getAttribute("src")) img.src = img.dataset.src;
    lightbox.showModal();
  });
  lightbox?.addEventListener("click", (event) => { if (event.target === lightbox) lightbox.close(); });

  document.querySelectorAll("form[data-confirm]").forEach((form) => form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  }));
})();
