// The little behaviour Sabeel's pages need, kept out of the templates so that the
// Content-Security-Policy allows no inline script and no eval (hence no onclick, no hx-on).
//   data-print                  a link that prints the page
//   data-remove-closest="sel"   a button that removes its closest ancestor matching sel
//   data-reset-on="event"       a form that is reset when htmx triggers that event on it
//   data-param-name="n" data-param-from="sel"
//                               an htmx request that sends parameter n = the value of the field
//                               sel at the moment of the request (instead of hx-vals="js:…")
//   data-open-wide              a <details> opened on a screen wider than a phone (40rem): on a
//                               phone it stays folded, so that the results come first
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var printer = target.closest("[data-print]");
    if (printer) {
      event.preventDefault();
      window.print();
      return;
    }
    var remover = target.closest("[data-remove-closest]");
    if (remover) {
      var doomed = remover.closest(remover.getAttribute("data-remove-closest"));
      if (doomed) doomed.remove();
    }
  });

  function bindResets(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var forms = Array.prototype.slice.call(scope.querySelectorAll("[data-reset-on]"));
    if (scope.matches && scope.matches("[data-reset-on]")) forms.push(scope);
    forms.forEach(function (form) {
      if (form.dataset.resetBound) return;
      form.dataset.resetBound = "1";
      form.getAttribute("data-reset-on").split(/\s+/).forEach(function (name) {
        if (!name) return;
        form.addEventListener(name, function () {
          if (typeof form.reset === "function") form.reset();
        });
      });
    });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var source = event.detail && event.detail.elt;
    if (!source || !source.getAttribute) return;
    var name = source.getAttribute("data-param-name");
    var field = name && document.querySelector(source.getAttribute("data-param-from"));
    if (field) event.detail.parameters[name] = field.value;
  });

  function openWide() {
    if (!window.matchMedia || !window.matchMedia("(min-width: 40rem)").matches) return;
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) { details.open = true; });
  }

  document.addEventListener("DOMContentLoaded", function () { bindResets(document); openWide(); });
  document.addEventListener("htmx:load", function (event) { bindResets(event.target); });
})();
