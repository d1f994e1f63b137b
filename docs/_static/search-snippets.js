/* minigrad site: search result snippets show math as text (η, λ_max, ∇J(θ)), not as
   the raw LaTeX that the page source holds before MathJax typesets it. Loaded on the
   search page (before Sphinx's searchtools.js: the patch waits for the page). */
function minigradReadableSnippets() {
  "use strict";
  if (typeof Search === "undefined" || !Search.htmlToText) return;
  var GREEK = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε",
    eta: "η", theta: "θ", lambda: "λ", mu: "μ", nu: "ν", rho: "ρ", sigma: "σ",
    tau: "τ", phi: "φ", psi: "ψ", omega: "ω", Delta: "Δ", Lambda: "Λ", Sigma: "Σ",
    nabla: "∇", partial: "∂", infty: "∞", cdot: "·", times: "×", leftarrow: "←",
    rightarrow: "→", to: "→", leq: "≤", le: "≤", geq: "≥", ge: "≥", approx: "≈",
    neq: "≠", sum: "Σ", prod: "Π", sqrt: "√", in: "∈", odot: "⊙", ell: "ℓ",
  };
  function readable(tex) {
    return tex
      .replace(/\\[()\[\]]/g, " ")
      .replace(/\\(?:text|mathrm|operatorname|mathbf|boldsymbol|mathcal)\{([^{}]*)\}/g, "$1")
      .replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)")
      .replace(/\\([A-Za-z]+)/g, function (m, name) {
        return GREEK.hasOwnProperty(name) ? GREEK[name] : "";
      })
      .replace(/\\[,;:! ]|\\_/g, function (m) { return m === "\\_" ? "_" : " "; })
      .replace(/[{}]/g, "")
      .replace(/\s+/g, " ")
      .trim();
  }
  var original = Search.htmlToText;
  Search.htmlToText = function (htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(".math").forEach(function (el) {
      el.querySelectorAll(".headerlink").forEach(function (a) { a.remove(); });
      el.textContent = " " + readable(el.textContent.trim()) + " ";
    });
    return original(doc.documentElement.outerHTML, anchor);
  };
}
document.addEventListener("DOMContentLoaded", minigradReadableSnippets);
