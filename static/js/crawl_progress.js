// Live progress of an Instagram crawl: polls the JSON endpoint named by data-crawl-url while the
// crawl runs, updates the bar and the counts, shows the faces found so far and, on the gallery
// (data-refresh-gallery), swaps in the fresh photo grid when new photos are indexed.
(function () {
  "use strict";
  var POLL_MS = 1500;
  var GRID = "[data-crawl-refresh], main ul.grid";

  function faceItem(face) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    var img = document.createElement("img");
    a.href = face.matches;
    img.src = face.crop;
    img.alt = "Face " + face.id;
    img.width = 64;
    img.height = 64;
    a.appendChild(img);
    li.appendChild(a);
    return li;
  }

  function update(section, data) {
    var bar = section.querySelector("progress");
    if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
    section.querySelectorAll("[data-field]").forEach(function (el) {
      var value = data[el.dataset.field];
      el.textContent = value === null || value === undefined ? "" : value;
    });
    var list = section.querySelector(".crawl-faces");
    if (list && data.faces) {
      var shown = Array.prototype.map.call(list.querySelectorAll("img"), function (img) { return img.alt; }).join();
      var fresh = data.faces.map(function (f) { return "Face " + f.id; }).join();
      if (shown !== fresh) { list.replaceChildren.apply(list, data.faces.map(faceItem)); }
    }
    var changed = section.dataset.indexed !== undefined && section.dataset.indexed !== String(data.photos_indexed);
    section.dataset.indexed = data.photos_indexed;
    section.dataset.state = data.state;
    return changed;
  }

  function refreshGallery() {
    fetch(window.location.href, {credentials: "same-origin"})
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(GRID);
        var current = document.querySelector(GRID);
        if (fresh && current) { current.replaceWith(fresh); }
      });
  }

  function poll(section) {
    fetch(section.dataset.crawlUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        if (update(section, data) && section.hasAttribute("data-refresh-gallery")) { refreshGallery(); }
        if (data.active) { setTimeout(function () { poll(section); }, POLL_MS); }
      })
      .catch(function (status) {
        // 404: the crawl is gone ("Delete my data", the account's removal): its panel goes, polling stops
        if (status === 404) { section.remove(); return; }
        setTimeout(function () { poll(section); }, POLL_MS * 4);
      });
  }

  function start() {
    document.querySelectorAll("[data-crawl-url]").forEach(function (section) {
      if (section.dataset.polling) { return; }  // the script may be included twice on a page
      section.dataset.polling = "1";
      poll(section);
    });
  }
  // a page restored from the back/forward cache (say, back from "Delete my data") asks once more
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { document.querySelectorAll("[data-crawl-url]").forEach(poll); }
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
