/* The directive form: show only the deadline fields of the chosen kind (date, month, recurring,
   ongoing), in every task, including tasks added with the "add" button. */
(function ($) {
  "use strict";

  function refresh(select) {
    var kind = $(select).val();
    var fields = $(select).closest(".card-body");
    fields.children(".deadline-part").each(function () {
      $(this).toggle($(this).hasClass("for-" + kind));
    });
  }

  function refreshAll(root) {
    $(root || document).find("select.deadline-kind").each(function () { refresh(this); });
  }

  $(document).on("change", "select.deadline-kind", function () { refresh(this); });
  $(document).on("deform:sequence-changed", function (event, sequence) { refreshAll(sequence); });
  $(function () { refreshAll(document); });
})(jQuery);
