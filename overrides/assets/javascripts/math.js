// Render math with MathJax 3, served from this site (assets/mathjax/).
// MathJax is about 1 MB, so it is loaded only on pages that contain math, and
// it typesets only the elements that hold math: formulas written in Markdown
// (pymdownx.arithmatex wraps each in .arithmatex) and notebook Markdown cells
// (.jp-RenderedMarkdown, where formulas are written $...$). Prose and code
// elsewhere on the page are never scanned for dollar signs.
(function () {
  const NOTEBOOK_MATH = /\$|\\\(|\\\[/;
  const targets = [
    ...document.querySelectorAll(".arithmatex"),
    ...Array.from(document.querySelectorAll(".jp-RenderedMarkdown")).filter((el) =>
      NOTEBOOK_MATH.test(el.textContent)
    ),
  ];
  if (targets.length === 0) return;

  window.MathJax = {
    tex: {
      inlineMath: [["\\(", "\\)"], ["$", "$"]],
      displayMath: [["\\[", "\\]"], ["$$", "$$"]],
      processEscapes: true,
      processEnvironments: true,
    },
    startup: {
      typeset: false,
      ready() {
        MathJax.startup.defaultReady();
        MathJax.startup.promise = MathJax.startup.promise.then(() => MathJax.typesetPromise(targets));
      },
    },
  };
  const script = document.createElement("script");
  script.src = new URL("../mathjax/tex-chtml.js", document.currentScript.src).href;
  script.async = true;
  document.head.appendChild(script);
})();
