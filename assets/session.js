/* When the session has ended (idle timeout, signed out in another tab), the server answers Dash's requests
   with 401. Rather than leave a page that silently stops updating, go to the sign-in page, which brings the
   person back here once signed in. The refused answer is not handed to Dash's renderer (a promise that never
   settles, the page being left): the renderer reads an error's body twice and logged "body stream already
   read" while the sign-in page loaded. */
(function () {
  var originalFetch = window.fetch;
  if (!originalFetch) { return; }
  var leaving = false;
  window.fetch = function () {
    return originalFetch.apply(this, arguments).then(function (response) {
      if (response.status === 401 && !leaving && String(response.url).indexOf("/_dash-") !== -1) {
        leaving = true;
        var here = window.location.pathname + window.location.search;
        window.location.assign("/login?next=" + encodeURIComponent(here));
      }
      if (leaving && response.status === 401) { return new Promise(function () {}); }
      return response;
    });
  };
})();

/* Meeting mode: the seconds left before the advisor may try the exit password again, counted down on the
   client's screen (pages/meeting.py), with no request to the server. The server enforces the same delay;
   this only says how long, and keeps the button disabled until then. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  meeting: {
    countdown: function (ticks, text) {
      var left = Math.max(0, (text.seconds || 0) - (ticks || 0));
      if (left === 0) { return [text.over, false]; }
      return [text.waiting.replace("{seconds}", String(left)), true];
    }
  }
});
