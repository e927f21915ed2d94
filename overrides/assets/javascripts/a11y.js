// Accessibility fix for the theme's markup: Material's search box is a dialog without a
// name, which a screen reader then announces as just "dialog". Name it after its own
// input's placeholder, which is already in the page's language ("Search", "搜索", "Cerca").
(function () {
  "use strict";
  const dialog = document.querySelector(".md-search[role='dialog']");
  const input = document.querySelector(".md-search__input");
  if (dialog && input && !dialog.hasAttribute("aria-label")) {
    dialog.setAttribute("aria-label", input.getAttribute("placeholder") || input.getAttribute("aria-label") || "Search");
  }
})();
