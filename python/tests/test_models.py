"""Whole models, compiled in-process, against onnxruntime."""

import numpy as np
import pytest

import aicc
from conftest import ort_run, small_cnn, tiny_bert


@pytest.mark.parametrize("build", [small_cnn, tiny_bert], ids=["small_cnn", "tiny_bert"])
@pytest.mark.parametrize("opt_level", [0, 2])
def test_model_matches_onnxruntime(build, opt_level):
    model = build()
    m = aicc.compile(model, opt_level=opt_level)
    (info,) = m.inputs
    x = np.random.default_rng(3).standard_normal(info.shape).astype(np.float32)
    (expected,) = ort_run(model, {info.name: x})
    y = m(x)
    assert y.dtype == np.float32 and y.shape == expected.shape
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-5)
    if opt_level:
        assert m.kernels, "the optimized path forms kernels"
        assert any(k.schedule.startswith("#aicc.schedule") for k in m.kernels)
        assert all(k.schedule == "-" or k.schedule.startswith("#aicc.schedule")
                   for k in m.kernels)


def test_threads_option_gives_same_results():
    model = tiny_bert()
    x = np.random.default_rng(4).standard_normal((1, 16, 64)).astype(np.float32)
    one = aicc.compile(model, threads=1)(x)
    two = aicc.compile(model, threads=2)(x)
    np.testing.assert_allclose(one, two, rtol=1e-5, atol=1e-6)


def test_saved_artifact_matches_jit(tmp_path):
    model = small_cnn()
    m = aicc.compile(model)
    x = np.random.default_rng(5).standard_normal((1, 3, 16, 16)).astype(np.float32)
    path = tmp_path / "cnn.aicc"
    m.save(path)
    loaded = aicc.load(path)
    assert loaded.inputs == m.inputs and loaded.outputs == m.outputs
    np.testing.assert_allclose(loaded(x), m(x), rtol=1e-6, atol=1e-7)
    assert [k.schedule for k in loaded.kernels] == [k.schedule for k in m.kernels]
    assert [k.hash for k in loaded.kernels] == [k.hash for k in m.kernels]
