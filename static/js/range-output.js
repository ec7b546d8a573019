// Shows the value of each range input in its <output data-output-of="ID">, as it moves.
document.querySelectorAll("output[data-output-of]").forEach((output) => {
  const input = document.getElementById(output.dataset.outputOf);
  if (!input) return;
  const show = () => { output.textContent = `${input.value}%`; };
  input.addEventListener("input", show);
  show();
});
