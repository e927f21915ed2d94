// Typeset TeX with MathJax 3 at build time, for hooks/math.py.
//
//   node hooks/math_render.cjs MATHJAX_DIR
//
// MATHJAX_DIR is the MathJax 3.2.2 source tree that the PyPI package
// django-static-mathjax ships (its js/ folder holds MathJax's CommonJS modules).
// Reads one JSON request per line on stdin, answers one JSON line on stdout:
//   {"tex": "x^2", "display": false}  ->  {"html": "<mjx-container ...>"}  or  {"error": "..."}
//   {"stylesheet": true}              ->  {"css": "..."}: the CSS for every character typeset so far
"use strict";

const path = require("path");
const readline = require("readline");

const root = process.argv[2];
const load = (module) => require(path.join(root, "js", module));

const { mathjax } = load("mathjax.js");
const { TeX } = load("input/tex.js");
const { CHTML } = load("output/chtml.js");
const { liteAdaptor } = load("adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = load("handlers/html.js");
const { AssistiveMmlHandler } = load("a11y/assistive-mml.js");
// The TeX packages the course's formulas use. Without "noundefined", an unknown
// macro is an error (and fails the build) instead of red text on the page.
for (const name of ["base", "ams", "boldsymbol", "newcommand"]) {
  const file = name.charAt(0).toUpperCase() + name.slice(1) + "Configuration.js";
  load(`input/tex/${name}/${file}`);
}

const adaptor = liteAdaptor();
// A hidden MathML copy of each formula, for screen readers, as MathJax adds in the browser.
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
const output = new CHTML({ fontURL: "woff-v2", adaptiveCSS: true });
const document = mathjax.document("", {
  InputJax: new TeX({ packages: ["base", "ams", "boldsymbol", "newcommand"] }),
  OutputJax: output,
});

function answer(request) {
  if (request.stylesheet) {
    return { css: adaptor.textContent(output.styleSheet(document)) };
  }
  const node = document.convert(request.tex, { display: request.display });
  const html = adaptor.outerHTML(node);
  const error = html.match(/data-mjx-error="([^"]*)"/);
  return error ? { error: error[1] } : { html };
}

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  let reply;
  try {
    reply = answer(JSON.parse(line));
  } catch (error) {
    reply = { error: String(error && error.message ? error.message : error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
