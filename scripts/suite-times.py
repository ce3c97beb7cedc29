#!/usr/bin/env python3
"""Suite wall time from the last run's cucumber messages (target/meshroute/cucumber.ndjson).

Prints the run's wall time, the time per feature, and the time of each scenario carrying TAG (default @weights),
slowest first. Usage (after `mvn -B verify`; time the build itself with `time`):

    python3 scripts/suite-times.py [--tag @weights] [--top N] [target/meshroute/cucumber.ndjson]
"""
import argparse
import collections
import json
import sys


def seconds(ts):
    return ts["seconds"] + ts["nanos"] / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ndjson", nargs="?", default="target/meshroute/cucumber.ndjson")
    ap.add_argument("--tag", default="@weights")
    ap.add_argument("--top", type=int, default=10, help="slowest features to list")
    args = ap.parse_args()

    pickles, cases, started, finished = {}, {}, {}, {}
    run_start = run_end = None
    with open(args.ndjson) as f:
        for line in f:
            msg = json.loads(line)
            kind, body = next(iter(msg.items()))
            if kind == "pickle":
                pickles[body["id"]] = body
            elif kind == "testCase":
                cases[body["id"]] = body["pickleId"]
            elif kind == "testCaseStarted":
                started[body["id"]] = (body["testCaseId"], seconds(body["timestamp"]))
            elif kind == "testCaseFinished":
                finished[body["testCaseStartedId"]] = seconds(body["timestamp"])
            elif kind == "testRunStarted":
                run_start = seconds(body["timestamp"])
            elif kind == "testRunFinished":
                run_end = seconds(body["timestamp"])

    per_feature = collections.Counter()
    tagged = []
    for sid, (case_id, t0) in started.items():
        if sid not in finished:
            continue
        pickle = pickles[cases[case_id]]
        took = finished[sid] - t0
        per_feature[pickle["uri"]] += took
        if any(t["name"] == args.tag for t in pickle.get("tags", [])):
            tagged.append((took, pickle["name"], pickle["uri"]))

    total = sum(per_feature.values())
    if run_start is not None and run_end is not None:
        print(f"cucumber run: {run_end - run_start:.1f} s wall, {len(finished)} scenarios, {total:.1f} s in scenarios")
    print(f"slowest features (of {len(per_feature)}):")
    for uri, took in per_feature.most_common(args.top):
        print(f"  {took:7.1f} s  {uri}")
    print(f"scenarios tagged {args.tag}: {len(tagged)}, {sum(t for t, _, _ in tagged):.1f} s")
    for took, name, uri in sorted(tagged, reverse=True):
        print(f"  {took:7.2f} s  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
