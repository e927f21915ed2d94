// Load the search index when the reader first turns to search, not with every page.
//
// Material for MkDocs downloads the whole index (about 0.5 MB, 1 MB for the
// Chinese site) as soon as a page opens, although most visits never search.
// This script runs before Material's bundle and holds back that one request
// until the reader shows they want to search: focus in the search box, the
// search button, or one of Material's search keys (/, s, f). Search then works
// as before; only the first query waits for the index.
(function () {
  const INDEX = /\/search\/search_index\.json$/;
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  const held = [];
  let wanted = new URLSearchParams(location.search).has("q"); // a link that opens a search

  function release() {
    wanted = true;
    held.splice(0).forEach((go) => go());
  }

  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.searchIndex = INDEX.test(new URL(url, location.href).pathname);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...body) {
    if (!this.searchIndex || wanted) return send.apply(this, body);
    held.push(() => send.apply(this, body));
  };

  const wantsSearch = (event) =>
    (event.type === "keydown" && ["/", "s", "f", "S", "F"].includes(event.key)) ||
    (event.target instanceof Element &&
      event.target.closest("[data-md-component=search-query], label[for=__search], #__search") !== null);
  for (const type of ["focusin", "pointerdown", "keydown", "change"]) {
    document.addEventListener(type, (event) => { if (!wanted && wantsSearch(event)) release(); }, true);
  }
})();
