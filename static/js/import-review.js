/* The import review: a mark in the source text leads to the form field it filled (repeated clicks
   on words shared by several tasks visit each task in turn), and the task being edited lights up
   its marks in the source. No inline script: the Content-Security-Policy allows this file only. */
(function ($) {
  "use strict";

  var form = $("#directive");
  var panel = $(".import-source-panel");
  var visits = {};

  function taskItem(ref) {
    return form.find("input[name=import_ref]").filter(function () {
      return this.value === String(ref);
    }).first().closest(".deform-seq-item");
  }

  function sequence(name) {
    return form.find("input[name=__start__]").filter(function () {
      return this.value === name + ":sequence";
    }).first().closest(".deform-seq");
  }

  // "subject", "addressees", "tasks.2.lead" → the element to show
  function target(path) {
    var parts = path.split(".");
    if (parts[0] === "tasks" && parts.length > 2) {
      var item = taskItem(parts[1]);
      var field = item.find("[name=" + parts[2] + "]").not("[type=hidden]").first();
      if (!field.length) {  // a mapping (deadline) or a sequence (targets, coordinating)
        field = item.find("input[name=__start__]").filter(function () {
          return this.value.indexOf(parts[2] + ":") === 0;
        }).first().parent();
      }
      return field.length ? field : item;
    }
    var named = form.find("[name=" + parts[0] + "]").not("[type=hidden]").first();
    return named.length ? named : sequence(parts[0]);
  }

  function show(element) {
    if (!element || !element.length) { return; }
    element[0].scrollIntoView({ block: "center" });
    var box = element.closest(".deform-seq-item, .mb-3");
    box.addClass("import-pointed");
    window.setTimeout(function () { box.removeClass("import-pointed"); }, 1600);
    if (element.is("input, select, textarea")) { element[0].focus({ preventScroll: true }); }
  }

  function follow(mark) {
    var fields = (mark.getAttribute("data-fields") || "").split(" ").filter(Boolean);
    if (!fields.length) { return; }
    var visit = visits[mark.id] || 0;
    visits[mark.id] = visit + 1;
    show(target(fields[visit % fields.length]));
  }

  $(document).on("click", "#import-source mark.import-mark", function () { follow(this); });
  $(document).on("keydown", "#import-source mark.import-mark", function (event) {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); follow(this); }
  });

  // editing a task: its marks light up and the source scrolls to the first of them
  form.on("focusin", function (event) {
    var item = $(event.target).parents(".deform-seq-item").filter(function () {
      return $(this).find("input[name=import_ref]").length > 0;
    }).last();
    var ref = item.find("input[name=import_ref]").first().val();
    $("#import-source mark.is-current").removeClass("is-current");
    if (ref === undefined || ref === "") { return; }
    var marks = $("#import-source mark.import-mark").filter(function () {
      return (" " + (this.getAttribute("data-tasks") || "") + " ").indexOf(" " + ref + " ") >= 0;
    }).addClass("is-current");
    if (marks.length && panel.length) {
      panel[0].scrollTop = Math.max(0, marks[0].offsetTop - 60);
    }
  });
})(jQuery);
