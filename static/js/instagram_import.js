// The Instagram page's data-download import: each chosen ZIP goes up in chunks (PUT ?offset=N), so a
// multi-GB file never sits in memory and a dropped connection resumes where the server says it stopped
// (the server finds the unfinished upload of the same name and size, even after a page reload).
(function () {
  "use strict";
  var RETRIES = 8;

  function csrf(form) { return form.querySelector("[name=csrfmiddlewaretoken]").value; }

  function send(method, url, form, body, headers) {
    var h = Object.assign({"X-CSRFToken": csrf(form)}, headers || {});
    return fetch(url, {method: method, body: body, headers: h, credentials: "same-origin"}).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { data.status = r.status; return data; });
    });
  }

  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function uploadFile(form, file, row) {
    var start = JSON.stringify({name: file.name, size: file.size});
    return send("POST", form.dataset.startUrl, form, start, {"Content-Type": "application/json"}).then(function (up) {
      if (up.status !== 200) { throw new Error(up.error || "The upload could not start."); }
      var received = up.received, failures = 0;
      function show() {
        row.querySelector("progress").value = file.size ? (100 * received / file.size) : 100;
        row.querySelector("span").textContent = file.name + ": " + Math.floor(100 * received / file.size) + "%";
      }
      function next() {
        show();
        if (received >= file.size) { return up.key; }
        var chunk = file.slice(received, Math.min(file.size, received + up.chunk_bytes));
        return send("PUT", up.url + "?offset=" + received, form, chunk, {"Content-Type": "application/octet-stream"})
          .then(function (answer) {
            if (typeof answer.received === "number") { received = answer.received; }
            if (answer.status === 200) { failures = 0; return next(); }
            if (answer.status !== 409) { throw new Error(answer.error || "upload failed"); }
            return next();  // the server said where it stands: go on from there
          })
          .catch(function (error) {  // a dropped connection: ask where the server stands, then resume
            if (++failures > RETRIES) { throw error; }
            return wait(500 * failures).then(function () {
              return send("GET", up.url, form).then(function (s) {
                if (typeof s.received === "number") { received = s.received; }
                return next();
              }, next);
            });
          });
      }
      return next();
    });
  }

  function submit(event) {
    event.preventDefault();
    var form = event.target, status = form.querySelector(".upload-status");
    var files = Array.prototype.slice.call(form.querySelector("input[type=file]").files);
    var list = form.querySelector(".upload-files");
    list.replaceChildren();
    form.querySelector("button[type=submit]").disabled = true;
    status.textContent = "Uploading…";
    var keys = [];
    var chain = Promise.resolve();
    files.forEach(function (file) {
      var row = document.createElement("li");
      row.innerHTML = "<progress max=\"100\" value=\"0\"></progress> <span></span>";
      row.querySelector("progress").setAttribute("aria-label", "Upload of " + file.name);
      list.appendChild(row);
      chain = chain.then(function () { return uploadFile(form, file, row).then(function (key) { keys.push(key); }); });
    });
    chain.then(function () {
      status.textContent = "Uploaded. Starting the import…";
      return send("POST", form.dataset.importUrl, form, JSON.stringify({uploads: keys}), {"Content-Type": "application/json"});
    }).then(function (answer) {
      if (answer.status !== 200) { throw new Error(answer.error || "The import could not start."); }
      window.location.hash = "import";
      window.location.reload();
    }).catch(function (error) {
      status.textContent = "Stopped: " + error.message + " Choose the same files again to resume.";
      form.querySelector("button[type=submit]").disabled = false;
    });
  }

  document.querySelectorAll("form.import-form").forEach(function (form) { form.addEventListener("submit", submit); });
})();
