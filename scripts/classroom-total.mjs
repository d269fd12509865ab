#!/usr/bin/env node
// Runs GitHub Classroom's own reporter on a grade and checks that both of
// its totals equal the checker's score: the console table's "Total" (which
// scores a runner as passed entries / entries x max_score) and the points
// it records ("Points x/y", summed from the entries' scores).
//
// Usage:
//   node scripts/classroom-total.mjs [--reporter MAIN_JS] --outputs FILE
//   node scripts/classroom-total.mjs [--reporter MAIN_JS] [checker verify arguments...]
//
// The first form reads the step outputs `cargo checker verify --format
// github` wrote to $GITHUB_OUTPUT (FILE) and hands the reporter every runner
// in them; the project's tests call it on each such run they make. The
// second grades the course itself (outputs and summary into temporary files,
// as in Actions) and hands the reporter the runners that
// .github/workflows/grade.yml lists, as the grading workflow does.
//
// MAIN_JS defaults to the reporter vendored in .ci/vendor/ (`dist/main.js`
// of classroom-resources/autograding-grading-reporter at the tag grade.yml
// uses, v1; see .ci/vendor/README.md), so no network is needed. Exits 1
// when a total differs from the score, 2 on bad usage.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);
const usage =
  "usage: node scripts/classroom-total.mjs [--reporter MAIN_JS] (--outputs FILE | [checker verify arguments...])";

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

/** The step outputs that are not runners (see checker/src/render/github.rs). */
const NOT_RUNNERS = new Set(["score", "max_score", "protected_changed", "protected_files"]);

/** Grades the course with `cargo checker verify --format github` and returns its outputs. */
function gradeCourse(verifyArgs) {
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
  return readFileSync(outputsFile, "utf8");
}

const args = process.argv.slice(2);
let reporter = join(root, ".ci/vendor/autograding-grading-reporter/main.js");
if (args[0] === "--reporter") {
  if (!args[1]) {
    console.error(usage);
    process.exit(2);
  }
  reporter = resolve(args[1]);
  args.splice(0, 2);
}
let outputs;
let runners;
if (args[0] === "--outputs") {
  if (!args[1] || args.length > 2) {
    console.error(usage);
    process.exit(2);
  }
  outputs = parseOutputs(readFileSync(args[1], "utf8"));
  runners = [...outputs.keys()].filter((key) => !NOT_RUNNERS.has(key));
  console.log(`runners: the ${runners.length} in ${args[1]}`);
} else {
  outputs = parseOutputs(gradeCourse(args));
  const listed = workflowRunners(readFileSync(join(root, ".github/workflows/grade.yml"), "utf8"));
  runners = listed.filter((id) => outputs.has(id));
  console.log(`runners: ${runners.length} of the ${listed.length} grade.yml lists`);
}
if (!outputs.has("score") || !outputs.has("max_score")) {
  console.error("the outputs have no score or max_score: not written by `checker verify --format github`");
  process.exit(2);
}
// The reporter's own environment: only the inputs it reads, so nothing of
// this machine's Actions variables reaches it.
const env = { PATH: process.env.PATH ?? "", INPUT_RUNNERS: runners.join(",") };
for (const id of runners) env[`${id.toUpperCase()}_RESULTS`] = outputs.get(id);
const reported = spawnSync(process.execPath, [reporter], { env, encoding: "utf8" });
if (reported.error) {
  console.error(`cannot run the reporter ${reporter}: ${reported.error.message}`);
  process.exit(2);
}
const totals = reporterTotals(reported.stdout ?? "");
const score = Number(outputs.get("score"));
const max = Number(outputs.get("max_score"));
const row = (what, t) => `${what.padEnd(28)}${t ? `${t.score}/${t.max}` : "(not printed)"}`;
console.log(row("checker score", { score, max }));
console.log(row("reporter console total", totals.console));
console.log(row("reporter recorded points", totals.recorded));
const same = (t) => t && t.score === score && t.max === max;
if (!same(totals.console) || !same(totals.recorded)) {
  console.error("MISMATCH: the reporter's totals differ from the checker's score");
  console.error(reported.stdout);
  console.error(reported.stderr);
  process.exit(1);
}
