// Review desk keyboard shortcuts. No inline scripts anywhere: the CSP allows only files from /static.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  function go(href) { if (href) { window.location.assign(href); } }
  // the bulk form's "N selected" line, kept in step with the ticks
  function counted() {
    var n = document.querySelectorAll("input.tick:checked").length;
    var label = document.getElementById("bulk-count");
    if (label) { label.textContent = n + " selected"; }
  }

  function queueKeys(ev) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-row]"));
    if (!rows.length) { return false; }
    var current = rows.findIndex(function (r) { return r.classList.contains("selected"); });
    function select(i) {
      rows.forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
      var row = rows[Math.max(0, Math.min(rows.length - 1, i))];
      row.classList.add("selected");
      row.setAttribute("aria-selected", "true");
      row.scrollIntoView({ block: "nearest" });
    }
    if (ev.key === "j") { select(current + 1); return true; }
    if (ev.key === "k") { select(current < 0 ? 0 : current - 1); return true; }
    if ((ev.key === "o" || ev.key === "Enter") && current >= 0) { go(rows[current].dataset.href); return true; }
    if (ev.key === "x" && current >= 0) {
      var tick = rows[current].querySelector("input.tick");
      if (tick) { tick.checked = !tick.checked; counted(); return true; }
    }
    return false;
  }

  function stubKeys(ev) {
    var stub = document.querySelector("article[data-stub]");
    if (!stub) { return false; }
    var accept = document.getElementById("accept-form");
    if (ev.key === "a" && accept) { accept.requestSubmit(); return true; }
    if (ev.key === "r") { var r = document.getElementById("reject-reason-input"); if (r) { r.focus(); return true; } }
    if (ev.key === "m") { var m = document.getElementById("merge-other"); if (m) { m.focus(); return true; } }
    if (ev.key === "e") {
      var edit = document.getElementById("edit");
      if (edit) { edit.open = true; edit.querySelector("input[name=name]").focus(); return true; }
    }
    if (ev.key === "n") { go(stub.dataset.next); return true; }
    if (ev.key === "p") { go(stub.dataset.prev); return true; }
    return false;
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (typing(ev.target)) {
      if (ev.key === "Escape") { ev.target.blur(); }
      return;
    }
    var handled = false;
    if (ev.key === "?") { document.getElementById("help").showModal(); handled = true; }
    else if (ev.key === "g") { go("/queue"); handled = true; }
    else if (ev.key === "u" && document.getElementById("undo-form")) { document.getElementById("undo-form").requestSubmit(); handled = true; }
    else if (ev.key === "/") { var s = document.querySelector("[data-search]"); if (s) { s.focus(); handled = true; } else { go("/queue"); handled = true; } }
    else { handled = queueKeys(ev) || stubKeys(ev); }
    if (handled) { ev.preventDefault(); }
  });
  // Says the shortcuts are live: a page can be drawn before this deferred file has run.
  document.documentElement.setAttribute("data-keys", "ready");

  // While the technique model is built in the background, its line on the stub page follows the build.
  function watchModel() {
    var line = document.getElementById("model-status");
    if (!line || line.dataset.state !== "building") { return; }
    fetch("/techniques/model", { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (m) {
      if (m.building) {
        line.textContent = "The technique model is being built in the background: " + m.phase +
          (m.seconds === null ? "" : ", " + m.seconds + " s so far") + ". Suggestions are ready when it finishes.";
        window.setTimeout(watchModel, 1000);
      } else if (m.error) {
        line.dataset.state = "failed";
        line.textContent = "The technique model could not be built: " + m.error;
      } else {
        line.dataset.state = "ready";
        line.className = "model-status hint";
        line.textContent = "The technique model is ready" + (m.seconds === null ? "." : " (built in " + m.seconds + " s).");
      }
    }).catch(function () { window.setTimeout(watchModel, 3000); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var help = document.querySelector("[data-help]");
    if (help) { help.addEventListener("click", function () { document.getElementById("help").showModal(); }); }
    var all = document.getElementById("tick-all");
    if (all) {
      all.addEventListener("change", function () {
        document.querySelectorAll("input.tick").forEach(function (t) { t.checked = all.checked; });
        counted();
      });
    }
    document.querySelectorAll("input.tick").forEach(function (t) { t.addEventListener("change", counted); });
    watchModel();
    document.querySelectorAll("tr[data-row]").forEach(function (row) {
      row.addEventListener("dblclick", function () { go(row.dataset.href); });
    });
  });
})();
