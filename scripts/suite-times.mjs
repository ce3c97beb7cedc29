#!/usr/bin/env node
// Suite wall time from the last run's cucumber messages (target/meshroute/cucumber.ndjson).
//
// Prints the run's wall time, the time per feature, and the time of each scenario carrying TAG (default @weights),
// slowest first. Node, not Python, because a fresh machine for this project has Java, Maven and Node only.
// Usage (after `mvn -B verify`; time the build itself with `time`):
//
//     node scripts/suite-times.mjs [--tag @weights] [--top N] [target/meshroute/cucumber.ndjson]
import { readFileSync } from "node:fs";

function usage(message) {
  console.error(`${message}\nusage: node scripts/suite-times.mjs [--tag @weights] [--top N] [file.ndjson]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let ndjson = "target/meshroute/cucumber.ndjson";
let tag = "@weights";
let top = 10;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--tag") {
    tag = args[++i] ?? usage("--tag needs a tag, like @weights");
  } else if (args[i] === "--top") {
    top = Number.parseInt(args[++i], 10);
    if (!(top >= 0)) usage("--top needs a whole number");
  } else if (args[i].startsWith("--")) {
    usage(`unknown option ${args[i]}`);
  } else {
    ndjson = args[i];
  }
}

let text;
try {
  text = readFileSync(ndjson, "utf8");
} catch (e) {
  usage(`cannot read ${ndjson} (${e.code}); run mvn -B verify first`);
}

const seconds = (ts) => ts.seconds + ts.nanos / 1e9;
const pickles = new Map(), cases = new Map(), started = new Map(), finished = new Map();
let runStart = null, runEnd = null;
text.split("\n").forEach((line, n) => {
  if (line.trim() === "") return;
  let msg;
  try {
    msg = JSON.parse(line);
  } catch (e) {
    usage(`${ndjson}:${n + 1}: not a JSON message (${e.message})`);
  }
  const [kind, body] = Object.entries(msg)[0];
  if (kind === "pickle") pickles.set(body.id, body);
  else if (kind === "testCase") cases.set(body.id, body.pickleId);
  else if (kind === "testCaseStarted") started.set(body.id, [body.testCaseId, seconds(body.timestamp)]);
  else if (kind === "testCaseFinished") finished.set(body.testCaseStartedId, seconds(body.timestamp));
  else if (kind === "testRunStarted") runStart = seconds(body.timestamp);
  else if (kind === "testRunFinished") runEnd = seconds(body.timestamp);
});

const perFeature = new Map();
const tagged = [];
for (const [id, [caseId, t0]] of started) {
  if (!finished.has(id)) continue;
  const pickle = pickles.get(cases.get(caseId));
  const took = finished.get(id) - t0;
  perFeature.set(pickle.uri, (perFeature.get(pickle.uri) ?? 0) + took);
  if ((pickle.tags ?? []).some((t) => t.name === tag)) tagged.push([took, pickle.name]);
}

const total = [...perFeature.values()].reduce((a, b) => a + b, 0);
const pad = (s, n) => String(s).padStart(n);
if (runStart !== null && runEnd !== null) {
  console.log(`cucumber run: ${(runEnd - runStart).toFixed(1)} s wall, ${finished.size} scenarios, `
    + `${total.toFixed(1)} s in scenarios`);
}
console.log(`slowest features (of ${perFeature.size}):`);
for (const [uri, took] of [...perFeature].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${pad(took.toFixed(1), 7)} s  ${uri}`);
}
console.log(`scenarios tagged ${tag}: ${tagged.length}, ${tagged.reduce((a, [t]) => a + t, 0).toFixed(1)} s`);
for (const [took, name] of tagged.sort((a, b) => b[0] - a[0])) {
  console.log(`  ${pad(took.toFixed(2), 7)} s  ${name}`);
}
