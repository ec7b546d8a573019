// Search by picture: a frame from the camera (getUserMedia) or a chosen file is posted with the
// threshold; the server answers the results section, which replaces the old one.
(() => {
  const form = document.getElementById("search-form");
  const results = document.getElementById("results");
  const camera = document.getElementById("camera");
  const video = document.getElementById("camera-video");
  const start = document.getElementById("camera-start");
  const snap = document.getElementById("camera-snap");
  const note = document.getElementById("camera-note");
  let stream = null;

  async function search(blob, name) {
    const data = new FormData(form);
    data.set("image", blob, name);
    results.setAttribute("aria-busy", "true");
    results.innerHTML = '<p class="busy">Searching…</p>';
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST", body: data, headers: { "X-Partial": "1" },
      });
      results.innerHTML = await response.text();
    } catch (error) {
      results.innerHTML = '<p class="error" role="alert">The search could not reach the server; try again.</p>';
    }
    results.removeAttribute("aria-busy");
    results.scrollIntoView({ block: "start" });
  }

  function noCamera(message) {
    camera.hidden = true;
    note.textContent = `${message} Choose a photo below instead.`;
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    camera.hidden = false;
  } else {
    noCamera("This browser cannot use a camera here.");
  }

  start.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false });
    } catch (error) {
      noCamera(error.name === "NotAllowedError" ? "The camera was not allowed." : "No camera was found.");
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    start.hidden = true;
    snap.disabled = false;
    note.textContent = "The camera is on. Face it, then take a picture.";
    snap.focus();
  });

  snap.addEventListener("click", () => {
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    canvas.toBlob((blob) => search(blob, "camera.jpg"), "image/jpeg", 0.92);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const file = form.elements.image.files[0];
    if (!file) {
      results.innerHTML = '<p class="error" role="alert">Choose a photo first.</p>';
      return;
    }
    search(file, file.name);
  });

  window.addEventListener("pagehide", () => stream?.getTracks().forEach((track) => track.stop()));
})();
