#!/usr/bin/env node
// Runs GitHub Classroom's own reporter on a grade and checks that both of
// its totals equal the checker's score: the console table's "Total" (which
// scores a runner as passed entries / entries x max_score) and the points
// it records ("Points x/y", summed from the entries' scores).
//
// Usage:
//   node scripts/classroom-total.mjs REPORTER_MAIN_JS [checker verify arguments...]
//
// REPORTER_MAIN_JS is `dist/main.js` of
// https://github.com/classroom-resources/autograding-grading-reporter at
// the tag grade.yml uses (v1), for example:
//   git clone -q --branch v1 https://github.com/classroom-resources/autograding-grading-reporter /tmp/reporter
//   node scripts/classroom-total.mjs /tmp/reporter/dist/main.js --solutions
//
// It grades with `cargo checker verify --format github` (outputs and summary
// into temporary files, as in Actions), hands the reporter the runners that
// .github/workflows/grade.yml lists, each `<ID>_RESULTS` from the step output
// of the same name, and exits 1 when a total differs from the score.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const [reporter, ...verifyArgs] = process.argv.slice(2);
if (!reporter) {
  console.error("usage: node scripts/classroom-total.mjs REPORTER_MAIN_JS [checker verify arguments...]");
  process.exit(2);
}

/** `key=value` lines of a $GITHUB_OUTPUT file (the checker writes no heredocs). */
export function parseOutputs(text) {
  const outputs = new Map();
  for (const line of text.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) outputs.set(line.slice(0, at), line.slice(at + 1));
  }
  return outputs;
}

/** The `runners:` list of the reporter step in grade.yml. */
export function workflowRunners(text) {
  const line = text.split("\n").find((l) => l.trim().startsWith("runners:"));
  if (!line) throw new Error("grade.yml has no `runners:` line");
  return line.trim().slice("runners:".length).split(",").map((id) => id.trim()).filter(Boolean);
}

/** The reporter's two totals, from its console output. */
export function reporterTotals(text) {
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  const table = plain.match(/Total:\s*\S\s*([\d.]+)\s*\S\s*([\d.]+)/);
  const points = plain.match(/Points ([\d.]+)\/([\d.]+)/);
  return {
    console: table && { score: Number(table[1]), max: Number(table[2]) },
    recorded: points && { score: Number(points[1]), max: Number(points[2]) },
  };
}

const root = resolve(new URL("..", import.meta.url).pathname);
const work = mkdtempSync(join(tmpdir(), "classroom-total-"));
const outputsFile = join(work, "outputs");
writeFileSync(outputsFile, "");
const graded = spawnSync("cargo", ["checker", "verify", "--format", "github", ...verifyArgs], {
  cwd: root,
  env: { ...process.env, GITHUB_OUTPUT: outputsFile, GITHUB_STEP_SUMMARY: join(work, "summary.md") },
  stdio: ["ignore", "ignore", "inherit"],
});
if (graded.status !== 0 && graded.status !== 1) {
  console.error(`cargo checker verify exited with ${graded.status}`);
  process.exit(2);
}
const outputs = parseOutputs(readFileSync(outputsFile, "utf8"));
const listed = workflowRunners(readFileSync(join(root, ".github/workflows/grade.yml"), "utf8"));
const runners = listed.filter((id) => outputs.has(id));
const env = { ...process.env, INPUT_RUNNERS: runners.join(",") };
for (const id of runners) env[`${id.toUpperCase()}_RESULTS`] = outputs.get(id);
const reported = spawnSync("node", [reporter], { env, encoding: "utf8" });
const totals = reporterTotals(reported.stdout ?? "");
const score = Number(outputs.get("score"));
const max = Number(outputs.get("max_score"));
const row = (what, t) => `${what.padEnd(28)}${t ? `${t.score}/${t.max}` : "(not printed)"}`;
console.log(`runners: ${runners.length} of the ${listed.length} grade.yml lists`);
console.log(row("checker score", { score, max }));
console.log(row("reporter console total", totals.console));
console.log(row("reporter recorded points", totals.recorded));
const same = (t) => t && t.score === score && t.max === max;
if (!same(totals.console) || !same(totals.recorded)) {
  console.error("MISMATCH: the reporter's totals differ from the checker's score");
  console.error(reported.stdout);
  process.exit(1);
}
