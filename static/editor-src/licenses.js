// Collects the licence of every package bundled into ../vendor/codemirror.js.
const fs = require("fs");
const path = require("path");

const out = [];
function walk(dir) {
  for (const name of fs.readdirSync(dir).sort()) {
    const pkgDir = path.join(dir, name);
    if (name.startsWith("@")) { walk(pkgDir); continue; }
    const manifest = path.join(pkgDir, "package.json");
    if (!fs.existsSync(manifest)) continue;
    const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"));
    if (pkg.name.startsWith("esbuild") || pkg.name.startsWith("@esbuild")) continue; // build tool only
    const file = ["LICENSE", "LICENSE.md", "LICENSE.txt", "license"]
      .map((f) => path.join(pkgDir, f)).find((f) => fs.existsSync(f));
    const text = file ? fs.readFileSync(file, "utf8").trim() : `(no licence file shipped; licence: ${pkg.license})`;
    out.push(`## ${pkg.name} ${pkg.version} (${pkg.license})\n\n${text}\n`);
  }
}
walk("node_modules");
fs.writeFileSync("../vendor/codemirror.LICENSES.md",
  "# Licences of the code bundled in codemirror.js\n\n" +
  "Built from static/editor-src (package.json, package-lock.json) with " +
  "`cd static/editor-src && npm ci && npm run build`.\n\n" + out.join("\n"));
