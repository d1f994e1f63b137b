/* minigrad site: display equations never cut. Once MathJax has typeset the page, an
   equation that fits the column is left to overflow freely (nothing hidden); one wider
   than the column scrolls sideways, with room added below for what MathJax draws
   under its box (underbraces, rules). */
(function () {
  "use strict";
  function fit() {
    document.querySelectorAll('mjx-container[display="true"]').forEach(function (el) {
      if (el.scrollWidth <= el.clientWidth + 1) {
        el.style.overflow = "visible";
        return;
      }
      el.classList.add("mg-wide-math");
      var extra = el.scrollHeight - el.clientHeight;
      if (extra > 0) {
        var pad = parseFloat(getComputedStyle(el).paddingBottom) || 0;
        el.style.paddingBottom = (pad + extra + 2) + "px";
      }
    });
  }
  function whenTypeset() {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(fit);
      window.addEventListener("resize", fit);
    }
  }
  if (document.readyState === "complete") whenTypeset();
  else window.addEventListener("load", whenTypeset);
})();
