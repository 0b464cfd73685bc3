"""A sample of the ONNX backend node tests (Debian's libonnx-testdata),
compiled in-process on the optimized path and compared with their expected
outputs with the conformance runner's tolerances. The sample is every 6th
test that passes on the CPU (tests/conformance/STATUS.md), so it follows the
suite as it grows."""

import re
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

import aicc

ROOT = Path(__file__).resolve().parents[2]
DATA = Path("/usr/share/libonnx-testdata/data/node")
sys.path.insert(0, str(ROOT / "tests" / "conformance"))
from compare import compare  # noqa: E402


def passing_node_tests():
    status = (ROOT / "tests" / "conformance" / "STATUS.md").read_text()
    section = status.split("## node", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| (test_\w+) \| passed \|", section, re.M)


SAMPLE = passing_node_tests()[::6]


def test_sample_is_not_empty():
    assert len(SAMPLE) >= 100, "STATUS.md lists the passing node tests"


def read_pb(path):
    t = onnx.TensorProto()
    t.ParseFromString(path.read_bytes())
    return t.name, numpy_helper.to_array(t)


@pytest.mark.parametrize("name", SAMPLE)
def test_node(name):
    case = DATA / name
    if not case.is_dir():
        pytest.skip(f"{case} not installed (libonnx-testdata)")
    model = onnx.load(str(case / "model.onnx"))
    data = sorted(case.glob("test_data_set_0/input_*.pb"), key=lambda p: int(p.stem[6:]))
    given = [read_pb(p) for p in data]
    graph_inputs = [i.name for i in model.graph.input
                    if i.name not in {t.name for t in model.graph.initializer}]
    inputs = {n: v for n, (_, v) in zip(graph_inputs, given)}
    # As `aicc run` does: compile for these inputs (their shapes; their
    # values where an op needs one at compile time).
    m = aicc.compile(case / "model.onnx",
                     input_shapes={n: v.shape for n, v in inputs.items()},
                     bind={n: v for n, v in inputs.items() if v.size <= 1 << 16})
    outputs = m(**inputs)
    if len(m.outputs) == 1:
        outputs = (outputs,)
    expected = sorted(case.glob("test_data_set_0/output_*.pb"), key=lambda p: int(p.stem[7:]))
    assert len(expected) == len(outputs)
    for path, actual in zip(expected, outputs):
        _, want = read_pb(path)
        if want.dtype == np.uint16 and actual.dtype.name == "bfloat16":
            actual = actual.view(np.uint16)
        ok, detail = compare(want, np.asarray(actual))
        assert ok, f"{name}: {detail}"
