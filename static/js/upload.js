// Sends the chosen photos one by one with a progress bar each; each then shows its indexing
// state live (photo-status.js), or why it was refused.
(() => {
  const form = document.getElementById("upload-form");
  const list = document.getElementById("upload-list");
  const summary = document.getElementById("upload-summary");
  const maxBytes = Number(form.dataset.maxBytes);

  function pendingItem(file) {
    const li = document.createElement("li");
    li.className = "tile uploading";
    const name = document.createElement("span");
    name.className = "placeholder";
    name.textContent = file.name;
    const progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute("aria-label", `Uploading ${file.name}`);
    const state = document.createElement("p");
    state.className = "tile-status";
    state.textContent = "Waiting to upload";
    li.append(name, progress, state);
    return li;
  }

  function refuse(li, message) {
    li.classList.add("rejected");
    li.querySelector("progress").remove();
    const state = li.querySelector(".tile-status");
    state.classList.add("status-failed");
    state.textContent = `Not uploaded: ${message}`;
  }

  function send(file, li) {
    return new Promise((resolve) => {
      const data = new FormData(form);
      data.delete("files");
      data.append("files", file, file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.responseType = "json";
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) li.querySelector("progress").value = (100 * e.loaded) / e.total;
      });
      li.querySelector(".tile-status").textContent = "Uploading";
      xhr.addEventListener("load", () => {
        const answer = xhr.response || {};
        const result = (answer.results || [])[0];
        if (!result) refuse(li, answer.error || `the server answered ${xhr.status}`);
        else if (result.result === "rejected") refuse(li, result.message);
        else {
          const tile = window.PhotoStatus.fromHtml(result.photo.html);
          if (result.result === "duplicate") tile.querySelector(".tile-status").append(` · ${result.message}`);
          li.replaceWith(tile);
          window.PhotoStatus.watch(tile);
        }
        resolve(result ? result.result : "rejected");
      });
      xhr.addEventListener("error", () => { refuse(li, "the connection failed; try again"); resolve("rejected"); });
      xhr.send(data);
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = form.elements.files;
    const files = [...input.files];
    if (!files.length) return;
    const items = files.map((file) => [file, pendingItem(file)]);
    items.forEach(([, li]) => list.append(li));
    const counts = { created: 0, duplicate: 0, rejected: 0 };
    summary.textContent = `Uploading ${files.length} photo${files.length === 1 ? "" : "s"}…`;
    for (const [file, li] of items) {
      if (file.size > maxBytes) {
        refuse(li, `the file is larger than the ${maxBytes / 1048576} MB limit.`);
        counts.rejected += 1;
      } else {
        counts[await send(file, li)] += 1;
      }
    }
    input.value = "";
    summary.textContent = `Done: ${counts.created} uploaded, ${counts.duplicate} already there, ${counts.rejected} refused.`
      + " Indexing goes on in the background.";
  });
})();
