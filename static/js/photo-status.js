// Keeps each photo's indexing state current in place: polls the status endpoint while any
// [data-photo-id] on the page is waiting or indexing, swaps in the server-rendered tile when its
// state changes, and sends the Retry buttons of failed photos without leaving the page.
window.PhotoStatus = (() => {
  const POLL_MS = 1000;
  const WAITING = ["pending", "processing"];
  const watched = new Map();
  let timer = null;

  const statusUrl = () => document.querySelector("[data-status-url]")?.dataset.statusUrl;

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function watch(el) {
    if (WAITING.includes(el.dataset.status)) {
      watched.set(el.dataset.photoId, el);
      schedule();
    }
  }

  function schedule() {
    if (!timer && watched.size) timer = setTimeout(poll, POLL_MS);
  }

  function replace(el, photo) {
    watched.delete(String(photo.id));
    if ("reload" in el.dataset) {
      window.location.reload();
      return;
    }
    const fresh = fromHtml(photo.html);
    el.replaceWith(fresh);
    watch(fresh);
  }

  async function poll() {
    timer = null;
    const ids = [...watched.keys()];
    try {
      const response = await fetch(`${statusUrl()}?ids=${ids.join(",")}`, { headers: { Accept: "application/json" } });
      if (response.status === 404) { watched.clear(); return; }  // a photo was deleted meanwhile
      if (response.ok) {
        for (const photo of (await response.json()).photos) {
          const el = watched.get(String(photo.id));
          if (el && el.dataset.status !== photo.status) replace(el, photo);
        }
      }
    } catch (error) {
      // The server is restarting or the network dropped: try again on the next tick.
    }
    schedule();
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form.retry")) return;
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    const response = await fetch(form.action, {
      method: "POST", body: new FormData(form), headers: { Accept: "application/json" },
    });
    const answer = await response.json().catch(() => ({ error: `The server answered ${response.status}.` }));
    const el = form.closest("[data-photo-id]");
    if (response.ok) {
      el.dataset.status = "failed";  // so that the new state counts as a change
      replace(el, answer.photo);
    } else {
      button.disabled = false;
      form.insertAdjacentText("beforeend", ` ${answer.error}`);
    }
  });

  document.querySelectorAll("[data-photo-id]").forEach(watch);
  return { watch, fromHtml };
})();
