/* Keeps <html lang> and the tab title in step with the page shown (pages render data-lang/data-title on
   <main>), so screen readers switch voice when the user switches language. */
(function () {
  function sync() {
    var main = document.getElementById("main-content");
    if (!main) { return; }
    var lang = main.getAttribute("data-lang");
    var title = main.getAttribute("data-title");
    if (lang && document.documentElement.lang !== lang) { document.documentElement.lang = lang; }
    if (title && document.title !== title) { document.title = title; }
  }
  new MutationObserver(sync).observe(document.documentElement, {childList: true, subtree: true, attributes: true, attributeFilter: ["data-lang", "data-title"]});
  document.addEventListener("DOMContentLoaded", sync);
})();
