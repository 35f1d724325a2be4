/* "Nouvelle demande" (pages/new_application.py): a record added with its button gets the keyboard focus on its
   first field, so that a keyboard or screen-reader user lands in the record they asked for. The record is
   drawn by the server's answer, after this runs: it is looked for a few times. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  new_application: {
    focus_record: function (clicks, recordType) {
      var id = recordType + "-" + String(clicks);
      var tries = 0;
      var look = function () {
        var record = document.getElementById(id);
        var field = record && record.querySelector("select, input");
        if (field) { field.focus(); return; }
        if (++tries < 40) { window.setTimeout(look, 50); }
      };
      look();
      return clicks;
    }
  }
});

/* A record removed: the keyboard focus goes to its table's "add" button (the pressed button is gone). */
window.dash_clientside.new_application.focus_add = function (clicks, addId) {
  var triggered = (window.dash_clientside.callback_context || {}).triggered || [];
  if (!triggered.length || !triggered[0].value) { return window.dash_clientside.no_update; }
  window.setTimeout(function () {
    var add = document.getElementById(addId);
    if (add) { add.focus(); }
  }, 150);
  return triggered[0].value;
};
