// The "Cetak" button of the SOP document: the browser's print dialog (print CSS lays it out).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
