// Injected into a copy of an op page by tests/docs/test_browser.py: waits for MathJax, records how
// the formulas rendered and which tab every tab-set shows, clicks the first "autograd" tab label,
// records the tabs again, and writes it all as JSON into <pre id="smoke-result">.
window.addEventListener("load", async () => {
  const out = {};
  try {
    await window.MathJax.startup.promise;
    const math = [...document.querySelectorAll(".math")];
    out.math = math.length;
    out.typeset = math.filter((el) => el.querySelector("mjx-container")).length;
    out.errors = document.querySelectorAll("mjx-merror").length;
    out.raw_frac = document.body.innerText.includes("\\frac");
    const sets = [...document.querySelectorAll(".sd-tab-set")];
    const tabs = () =>
      sets.map((set) => {
        const label = set.querySelector(":scope > input:checked + label");
        const shown = [...set.querySelectorAll(":scope > .sd-tab-content")].filter(
          (content) => getComputedStyle(content).display !== "none",
        );
        return { sync: label.dataset.syncId, shown: shown.map((c) => c.previousElementSibling.dataset.syncId) };
      });
    out.before = tabs();
    document.querySelector('label.sd-tab-label[data-sync-id="autograd"]').click();
    await new Promise((resolve) => setTimeout(resolve, 200));
    out.after = tabs();
  } catch (error) {
    out.error = String(error);
  }
  const pre = document.createElement("pre");
  pre.id = "smoke-result";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
