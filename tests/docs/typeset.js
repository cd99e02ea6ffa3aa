// Loaded by tests/docs/test_browser.py in a blank page of the built site, with MathJax configured
// to throw on any TeX error (undefined macro, missing brace): fetches every page in PAGES, typesets
// each of its formulas on its own, and writes the count and the errors into <pre id="smoke-result">.
window.addEventListener("load", async () => {
  const out = { pages: 0, formulas: 0, errors: [] };
  const strip = (tex) => tex.replace(/^\\\(([\s\S]*)\\\)$/, "$1").replace(/^\\\[([\s\S]*)\\\]$/, "$1");
  try {
    await window.MathJax.startup.promise;
    for (const page of window.PAGES) {
      const html = await (await fetch(page)).text();
      const doc = new DOMParser().parseFromString(html, "text/html");
      out.pages += 1;
      for (const el of doc.querySelectorAll(".math")) {
        const tex = strip(el.textContent.trim());
        out.formulas += 1;
        try {
          await window.MathJax.tex2chtmlPromise(tex, { display: el.tagName === "DIV" });
        } catch (error) {
          out.errors.push(`${page}: ${error.message}: ${tex.slice(0, 200)}`);
        }
      }
    }
  } catch (error) {
    out.error = String(error);
  }
  const pre = document.createElement("pre");
  pre.id = "smoke-result";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
