#!/usr/bin/env python3
"""ONNX backend test runner: compiles and runs each test with aicc, compares
with the expected outputs, and reports pass / fail / unsupported per test.

    run.py --aicc build/bin/aicc [--suite node] [--jobs 2] [--out-dir DIR]
           [--status-md tests/conformance/STATUS.md] [--check-baseline]

The last line printed is
    conformance cpu: P passed, F failed, U unsupported of N
Excluded categories (training, sequence/optional/string types, random ops)
count as unsupported, with the reason, and stay in N.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import compare  # noqa: E402  (shared with cuda.py)

HERE = Path(__file__).resolve().parent
DATA_ROOTS = [Path("/usr/share/libonnx-testdata/data")]
SUITES = ["node", "pytorch-converted", "pytorch-operator"]
TIMEOUT_S = 120

# Categories left out on purpose: (regex on the test name, reason).
EXCLUDED = [
    (r"(training|adagrad|adam|momentum|nesterov|gradient)", "training op"),
    (r"(sequence|optional|_seq\b|_seq_|_opt\b|_opt_)", "sequence/optional type"),
    (r"(string|strnorm|regex|tfidf)", "string type"),
    (r"(random|bernoulli|multinomial)", "random op"),
]


def excluded_reason(name):
    for pattern, reason in EXCLUDED:
        if re.search(pattern, name):
            return reason
    return None


def classify_error(stderr):
    m = re.search(r"unsupported operator '([^']+)'", stderr)
    if m:
        return "unsupported", f"unsupported op {m.group(1)}"
    for line in stderr.splitlines():
        if "error:" in line:
            detail = line.split("error:", 1)[1].strip()
            if "is not supported" in detail or "not supported" in detail:
                return "unsupported", detail[:200]
            return "failed", f"compile error: {detail[:200]}"
    return "failed", f"compile error: {stderr.strip()[-200:]}"


def run_test(aicc, test_dir, opt_level):
    name = test_dir.name
    reason = excluded_reason(name)
    if reason:
        return {"status": "unsupported", "reason": f"excluded: {reason}"}
    try:
        model = onnx.load(str(test_dir / "model.onnx"), load_external_data=False)
    except Exception as e:  # the reference loader itself rejects it
        return {"status": "unsupported", "reason": f"onnx cannot load it: {e}"[:200]}
    init_names = {i.name for i in model.graph.initializer}
    input_names = [i.name for i in model.graph.input if i.name not in init_names]
    output_names = [o.name for o in model.graph.output]
    data_sets = sorted(test_dir.glob("test_data_set_*"))
    if not data_sets:
        return {"status": "unsupported", "reason": "no test data"}
    for data_set in data_sets:
        inputs = sorted(data_set.glob("input_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
        outputs = sorted(data_set.glob("output_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
        if len(inputs) != len(input_names):
            return {"status": "unsupported",
                    "reason": f"test data has {len(inputs)} inputs, model {len(input_names)}"}
        with tempfile.TemporaryDirectory() as out_dir:
            cmd = [aicc, "run", f"-O{opt_level}", str(test_dir / "model.onnx"), "--output-dir", out_dir]
            for n, p in zip(input_names, inputs):
                cmd += ["--input", f"{n}={p}"]
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                return {"status": "failed", "reason": f"timeout after {TIMEOUT_S}s"}
            if proc.returncode < 0:
                return {"status": "failed", "reason": f"crash (signal {-proc.returncode})"}
            if proc.returncode != 0:
                status, reason = classify_error(proc.stderr)
                return {"status": status, "reason": reason}
            for out_name, expected_pb in zip(output_names, outputs):
                expected = numpy_helper.to_array(onnx.load_tensor(str(expected_pb)))
                safe = re.sub(r"[^A-Za-z0-9_.-]", "_", out_name)
                if not safe or safe[0] == ".":
                    safe = "_" + safe
                path = Path(out_dir) / f"{safe}.npy"
                if not path.exists():
                    return {"status": "failed", "reason": f"no output '{out_name}' written"}
                ok, detail = compare(expected, np.load(path))
                if not ok:
                    return {"status": "failed",
                            "reason": f"mismatch in {out_name} ({data_set.name}): {detail}"}
    return {"status": "passed", "reason": ""}


def discover(suite):
    for root in DATA_ROOTS:
        d = root / suite
        if d.is_dir():
            return sorted(p for p in d.iterdir() if (p / "model.onnx").exists())
    return []


def write_status_md(path, results_by_suite, summary_by_suite):
    lines = ["# ONNX conformance status (CPU reference path)", "",
             "Generated by `tests/conformance/run.py --status-md`; do not edit by hand.", ""]
    for suite, s in summary_by_suite.items():
        lines.append(f"- **{suite}**: {s['passed']} passed, {s['failed']} failed, "
                     f"{s['unsupported']} unsupported of {s['total']}")
    lines += ["", "## Excluded categories", ""]
    for pattern, reason in EXCLUDED:
        lines.append(f"- {reason}: tests matching `{pattern}` (counted as unsupported)")
    for suite, results in results_by_suite.items():
        lines += ["", f"## {suite}", "", "| test | status | reason |", "| --- | --- | --- |"]
        for name, r in sorted(results.items()):
            reason = r["reason"].replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {name} | {r['status']} | {reason} |")
    Path(path).write_text("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--aicc", required=True)
    ap.add_argument("--suite", action="append", choices=SUITES)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--out-dir", default="conformance")
    ap.add_argument("--status-md")
    ap.add_argument("--check-baseline", action="store_true",
                    help="fail if a suite passes fewer tests than baseline.json")
    ap.add_argument("--filter", action="append",
                    help="only tests whose name contains this (repeatable: any of them)")
    ap.add_argument("--no-failures", action="store_true",
                    help="fail if any test fails (for a filtered run)")
    ap.add_argument("--opt-level", type=int, default=2, choices=(0, 2),
                    help="0: the reference path; 2: kernels, schedules, vectors (default)")
    args = ap.parse_args()
    suites = args.suite or SUITES

    results_by_suite, summary_by_suite = {}, {}
    for suite in suites:
        tests = discover(suite)
        if not tests:
            print(f"error: no tests found for suite '{suite}' under {DATA_ROOTS}; "
                  "install libonnx-testdata (scripts/setup.sh)", file=sys.stderr)
            return 2
        if args.filter:
            tests = [t for t in tests if any(f in t.name for f in args.filter)]
        results = {}
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futures = {pool.submit(run_test, args.aicc, t, args.opt_level): t.name for t in tests}
            for i, fut in enumerate(concurrent.futures.as_completed(futures), 1):
                results[futures[fut]] = fut.result()
                if i % 100 == 0 or i == len(tests):
                    print(f"[{suite}] {i}/{len(tests)}", flush=True)
        counts = {k: sum(r["status"] == k for r in results.values())
                  for k in ("passed", "failed", "unsupported")}
        counts["total"] = len(results)
        results_by_suite[suite], summary_by_suite[suite] = results, counts
        print(f"conformance cpu -O{args.opt_level} [{suite}]: {counts['passed']} passed, {counts['failed']} failed, "
              f"{counts['unsupported']} unsupported of {counts['total']}")

    os.makedirs(args.out_dir, exist_ok=True)
    with open(Path(args.out_dir) / f"cpu-O{args.opt_level}.json", "w") as f:
        json.dump({"summary": summary_by_suite, "results": results_by_suite}, f, indent=1, sort_keys=True)
    if args.status_md:
        write_status_md(args.status_md, results_by_suite, summary_by_suite)

    rc = 0
    if args.check_baseline:
        baseline = json.loads((HERE / "baseline.json").read_text())
        for suite in suites:
            got, want = summary_by_suite[suite]["passed"], baseline.get(suite, 0)
            if got < want:
                print(f"error: {suite}: {got} tests pass, below the baseline of {want} "
                      "(tests/conformance/baseline.json)", file=sys.stderr)
                rc = 1
            elif got > want:
                print(f"note: {suite}: {got} tests pass, above the baseline of {want}; "
                      "raise it in tests/conformance/baseline.json")
    total = {k: sum(s[k] for s in summary_by_suite.values())
             for k in ("passed", "failed", "unsupported", "total")}
    print(f"conformance cpu -O{args.opt_level}: {total['passed']} passed, {total['failed']} failed, "
          f"{total['unsupported']} unsupported of {total['total']}")
    if args.no_failures and total["failed"]:
        print(f"error: {total['failed']} tests failed", file=sys.stderr)
        rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
