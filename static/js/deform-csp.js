/* deform's sequence buttons without inline handlers: the Content-Security-Policy allows scripts
   from this site only, so the overridden templates (templates/deform/) carry no onclick and no
   <script>; these delegated listeners do what the inline ones did. */
(function ($) {
  "use strict";
  $(document).on("click", ".deform-seq-add", function (event) {
    event.preventDefault();
    var sequence = $(this).closest(".deform-seq");
    deform.appendSequenceItem(this);
    $(document).trigger("deform:sequence-changed", [sequence]);
  });
  $(document).on("click", ".deform-close-button", function (event) {
    event.preventDefault();
    var sequence = $(this).closest(".deform-seq");
    deform.removeSequenceItem(this);
    $(document).trigger("deform:sequence-changed", [sequence]);
  });
})(jQuery);
