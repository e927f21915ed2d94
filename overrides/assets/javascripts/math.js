// Render math with MathJax 3, served from this site (assets/mathjax/).
// MathJax is about 1 MB, so it is loaded only on pages that contain math:
// formulas written in Markdown (pymdownx.arithmatex wraps them in
// .arithmatex) and formulas in notebook cells ($...$ inside rendered Markdown).
(function () {
  const NOTEBOOK_MATH = /\$|\\\(|\\\[/;
  const hasMath =
    document.querySelector(".arithmatex") !== null ||
    Array.from(document.querySelectorAll(".jp-RenderedMarkdown, .jp-RenderedLatex")).some(
      (el) => NOTEBOOK_MATH.test(el.textContent)
    );
  if (!hasMath) return;

  window.MathJax = {
    tex: {
      inlineMath: [["\\(", "\\)"], ["$", "$"]],
      displayMath: [["\\[", "\\]"], ["$$", "$$"]],
      processEscapes: true,
      processEnvironments: true,
    },
    options: {
      // Typeset only the elements that hold math, never code or prose that
      // happens to contain a dollar sign.
      ignoreHtmlClass: ".*|",
      processHtmlClass: "arithmatex|jp-RenderedMarkdown|jp-RenderedLatex",
    },
  };
  const script = document.createElement("script");
  script.src = new URL("../mathjax/tex-chtml.js", document.currentScript.src).href;
  script.async = true;
  document.head.appendChild(script);
})();
