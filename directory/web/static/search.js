// Progressive enhancement only: the search form works the same without it. Leaves empty fields out of the
// address so that a search's link stays short and readable.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.classList.contains("finder")) return;
  for (const field of form.elements) {
    if (field.name && !field.disabled && field.value === "" && field.type !== "submit") field.disabled = true;
  }
});
// The back button can restore a page with the fields still disabled: enable them again.
window.addEventListener("pageshow", () => {
  for (const field of document.querySelectorAll(".finder [disabled]")) field.disabled = false;
});
