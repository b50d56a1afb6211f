// A form that came back with errors (issue 12). Its error summary takes the
// focus on load, so a screen reader reads what went wrong and the keyboard
// starts from there: `autofocus` does it where the browser honours it on a
// non-field element, this where it does not. Each link in the summary then
// moves the focus to its field and shows the field's label with it (a plain
// jump to `#f-title` would scroll the label out of sight and leave the focus
// on the link).
const summary = document.querySelector("[data-error-summary]");
if (summary) {
  const active = document.activeElement;
  if (!active || active === document.body) summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    event.preventDefault();
    const label = target.labels?.[0] ?? target.closest("fieldset")?.querySelector("legend");
    (label ?? target).scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  });
}
