/* minigrad site: a click on a lesson figure shows it full size (scroll to pan; click,
   Escape or the close button to go back). Without JavaScript the figure is a link to
   the PNG itself. Also: an "Out:" block wider than the column says that it scrolls
   (a fade and an arrow on the right edge, gone once scrolled to the end). */
(function () {
  "use strict";
  function open(src, alt) {
    var overlay = document.createElement("div");
    overlay.className = "mg-zoom-overlay";
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-label", "Figure at full size");
    var close = document.createElement("button");
    close.className = "mg-zoom-close";
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "Close");
    var img = document.createElement("img");
    img.src = src;
    img.alt = alt || "";
    overlay.appendChild(close);
    overlay.appendChild(img);
    function done() {
      overlay.remove();
      document.removeEventListener("keydown", onKey);
    }
    function onKey(e) { if (e.key === "Escape") done(); }
    overlay.addEventListener("click", done);
    document.addEventListener("keydown", onKey);
    document.body.appendChild(overlay);
    close.focus();
  }
  function start() {
    var figures = document.querySelectorAll("img.sphx-glr-single-img, img.sphx-glr-multi-img");
    figures.forEach(function (img) {
      if (img.closest("a")) return;
      var link = document.createElement("a");
      link.href = img.getAttribute("src");
      link.className = "mg-zoom";
      link.title = "Click to see the figure at full size";
      img.parentNode.insertBefore(link, img);
      link.appendChild(img);
      link.addEventListener("click", function (e) {
        e.preventDefault();
        open(img.src, img.alt);
      });
    });
  }
  function markWideOutputs() {
    document.querySelectorAll(".sphx-glr-script-out .highlight pre").forEach(function (pre) {
      var box = pre.parentElement;
      function update() {
        var more = pre.scrollWidth - pre.clientWidth - pre.scrollLeft > 2;
        box.classList.toggle("mg-scrolls", more);
      }
      pre.addEventListener("scroll", update, { passive: true });
      window.addEventListener("resize", update);
      update();
    });
  }
  function startAll() { start(); markWideOutputs(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
