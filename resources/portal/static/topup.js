// Top-up: send the browser on to the payment gateway at once. Without script the page's
// "Continue to payment" button does the same with one click.
"use strict";
(function () {
  const form = document.getElementById("gateway-form");
  if (form) { form.submit(); return; }
  const link = document.getElementById("gateway-link");
  if (link) { window.location.assign(link.href); }
})();
