// Builds the operators' web interface into one folder the event manager serves:
// index.html, app.js, app.css, the offline base layer (basemap/) and the licences
// of what is bundled. Type-checks first; uses only the installed node_modules.
//
//   node build.mjs [--out DIR] [--no-check]     (DIR defaults to ../build/web)
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const out = resolve(outIndex >= 0 ? args[outIndex + 1] ?? "" : join(here, "..", "build", "web"));
if (outIndex >= 0 && !args[outIndex + 1]) {
  console.error("build.mjs: --out needs a directory");
  process.exit(2);
}

let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  console.error(`build.mjs: esbuild is not installed in ${join(here, "node_modules")}: run 'npm ci' in ${here} (deploy/install-deps.sh does)`);
  process.exit(1);
}

if (!args.includes("--no-check")) {
  try {
    execFileSync(process.execPath, [join(here, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", here], { stdio: "inherit" });
  } catch {
    console.error("build.mjs: type check failed");
    process.exit(1);
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "basemap"), { recursive: true });
mkdirSync(join(out, "licenses"), { recursive: true });

await esbuild.build({
  absWorkingDir: here,
  entryPoints: { app: "src/main.ts" },
  bundle: true,
  format: "iife",
  target: ["es2020"],
  minify: true,
  sourcemap: "linked",
  legalComments: "none",
  outdir: out,
  logLevel: "warning",
});
await esbuild.build({
  absWorkingDir: here,
  entryPoints: { app: "styles/app.css" },
  bundle: true,
  minify: true,
  loader: { ".png": "file", ".svg": "file" },
  assetNames: "images/[name]-[hash]",
  outdir: out,
  logLevel: "warning",
});

copyFileSync(join(here, "index.html"), join(out, "index.html"));
copyFileSync(join(here, "favicon.svg"), join(out, "favicon.svg"));
for (const detail of ["50m", "10m"]) {
  copyFileSync(join(here, `node_modules/world-atlas/countries-${detail}.json`), join(out, `basemap/countries-${detail}.json`));
}
const bundled = {
  leaflet: "leaflet/LICENSE",
  "topojson-client": "topojson-client/LICENSE",
  "world-atlas (Natural Earth data, public domain)": "world-atlas/LICENSE",
};
const notices = [];
for (const [name, file] of Object.entries(bundled)) {
  const target = `licenses/${file.split("/")[0]}.txt`;
  copyFileSync(join(here, "node_modules", file), join(out, target));
  notices.push(`${name}: ${target}`);
}
writeFileSync(join(out, "licenses/README.txt"), `Third-party code and data in this folder's parent:\n${notices.join("\n")}\n`);
const version = JSON.parse(readFileSync(join(here, "package.json"), "utf8")).version;
console.log(`vigie web ${version} built into ${out}`);
