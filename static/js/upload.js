// Sends the chosen (or dropped) photos one by one with a progress bar each and one for the whole
// batch; each then shows its indexing state live (photo-status.js), or why it was refused.
(() => {
  const form = document.getElementById("upload-form");
  const list = document.getElementById("upload-list");
  const summary = document.getElementById("upload-summary");
  const batch = document.getElementById("upload-batch");
  const overall = document.getElementById("upload-progress");
  const dropzone = document.getElementById("dropzone");
  const maxBytes = Number(form.dataset.maxBytes);
  let batchTotal = 1;
  let batchDone = 0;

  function showOverall(current) {
    overall.value = Math.min(100, (100 * (batchDone + current)) / batchTotal);
  }

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
        if (e.lengthComputable) {
          li.querySelector("progress").value = (100 * e.loaded) / e.total;
          showOverall((file.size * e.loaded) / e.total);
        }
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

  async function uploadAll(files) {
    if (!files.length) return;
    const items = files.map((file) => [file, pendingItem(file)]);
    items.forEach(([, li]) => list.append(li));
    const counts = { created: 0, duplicate: 0, rejected: 0 };
    batch.hidden = false;
    batchTotal = files.reduce((sum, f) => sum + f.size, 0) || 1;
    batchDone = 0;
    showOverall(0);
    let sent = 0;
    for (const [file, li] of items) {
      summary.textContent = `Uploading ${sent + 1} of ${files.length}…`;
      if (file.size > maxBytes) {
        refuse(li, `the file is larger than the ${maxBytes / 1048576} MB limit.`);
        counts.rejected += 1;
      } else {
        counts[await send(file, li)] += 1;
      }
      sent += 1;
      batchDone += file.size;
      showOverall(0);
    }
    form.elements.files.value = "";
    overall.value = 100;
    summary.textContent = `Done: ${counts.created} uploaded, ${counts.duplicate} already there, ${counts.rejected} refused.`
      + " Indexing goes on in the background.";
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    uploadAll([...form.elements.files.files]);
  });

  // Drag and drop: photos dropped anywhere on the drop zone (or the page) are uploaded at once.
  ["dragenter", "dragover"].forEach((type) => document.addEventListener(type, (event) => {
    event.preventDefault();
    dropzone.classList.add("dragging");
  }));
  ["dragleave", "drop"].forEach((type) => document.addEventListener(type, () => dropzone.classList.remove("dragging")));
  document.addEventListener("drop", (event) => {
    event.preventDefault();
    const files = [...(event.dataTransfer?.files || [])];
    uploadAll(files);
  });
})();
