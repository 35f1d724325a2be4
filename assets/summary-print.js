/* The take-home summary's "Print" button (app/templates/client_summary.html): the browser's own print
   dialog. A listener rather than an inline onclick, which the Content-Security-Policy refuses. Dash loads
   this file on its pages too, where no such button exists: the listener then does nothing. */
(function () {
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("#summary-print")) {
      window.print();
    }
  });
})();
