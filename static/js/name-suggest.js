// Suggestions for name fields: as you type, the names of your people containing what you typed (any
// case) fill the field's datalist. A field marked data-many ("Mom, Dad", "obama and biden")
// completes its last name only and keeps the ones before it.
document.querySelectorAll("input[data-name-suggest]").forEach((input) => {
  if (input.dataset.suggestReady) return;
  input.dataset.suggestReady = "1";
  const list = document.getElementById(input.getAttribute("list"));
  let asked = "";

  function split(value) {
    if (!("many" in input.dataset)) return ["", value];
    const match = value.match(/^(.*(?:,|;|\s+and\s+|\s+with\s+)\s*)(.*)$/i);
    return match ? [match[1], match[2]] : ["", value];
  }

  input.addEventListener("input", async () => {
    const [head, last] = split(input.value);
    const term = last.trim();
    if (!term || term === asked) return;
    asked = term;
    const response = await fetch(`${input.dataset.nameSuggest}?q=${encodeURIComponent(term)}`, {
      headers: { Accept: "application/json" },
    }).catch(() => null);
    if (!response || !response.ok || asked !== term) return;
    const { names } = await response.json();
    list.replaceChildren(...names.map((name) => Object.assign(document.createElement("option"), { value: head + name })));
  });
});
