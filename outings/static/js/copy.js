// "Copy" buttons: a button with data-copy="FIELD-ID" copies that field's text
// and says so in the status beside it. Without JavaScript (or without the
// Clipboard API) the button stays hidden and the field is there to select.
// Loaded only by the pages that have such a button (the calendar link on /me).
for (const button of document.querySelectorAll("button[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector("[role=status]");
  if (!field) continue;
  // a tap in the field selects the whole link, ready for the phone's own "Copy"
  field.addEventListener("focus", () => field.select());
  if (!navigator.clipboard || !window.isSecureContext) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = button.dataset.copied;
    } catch {
      status.textContent = button.dataset.copyFailed;
    }
  });
}
