/* Names the pager of every Dash DataTable: its buttons are bare icons and its page field has no label, so a
   screen reader says "button" four times (axe: button-name, critical). The words come from the page
   (data-table-* on <main>, from the app's catalogue, in the page's language); a MutationObserver names the
   controls again whenever the table redraws them. No inline script, no eval: the CSP stays strict. */
(function () {
  var BUTTONS = {
    "first-page": "tableFirstPage",
    "previous-page": "tablePreviousPage",
    "next-page": "tableNextPage",
    "last-page": "tableLastPage"
  };

  function setLabel(element, text, withTitle) {
    if (!text) { return; }
    if (element.getAttribute("aria-label") !== text) { element.setAttribute("aria-label", text); }
    if (withTitle && element.title !== text) { element.title = text; }  /* the same words for the mouse */
  }

  function label() {
    var main = document.getElementById("main-content");
    if (!main) { return; }
    var words = main.dataset;
    var pagers = document.querySelectorAll(".dash-table-container .previous-next-container");
    Array.prototype.forEach.call(pagers, function (pager) {
      Array.prototype.forEach.call(pager.querySelectorAll("button"), function (button) {
        Object.keys(BUTTONS).forEach(function (name) {
          if (button.classList.contains(name)) { setLabel(button, words[BUTTONS[name]], true); }
        });
      });
      var field = pager.querySelector("input.current-page");
      var last = pager.querySelector("div.last-page");
      if (field && words.tablePageInput) {
        setLabel(field, words.tablePageInput
          .replace("{current}", field.getAttribute("placeholder") || "")
          .replace("{count}", last ? last.textContent.trim() : ""));
      }
    });
  }

  /* At most once a frame: Plotly's hover boxes change the DOM many times a second. */
  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; label(); });
  }

  new MutationObserver(schedule).observe(document.documentElement, {
    childList: true, subtree: true, characterData: true,
    attributes: true, attributeFilter: ["placeholder", "data-lang"]
  });
  document.addEventListener("DOMContentLoaded", label);
})();
