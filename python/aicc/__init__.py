"""aicc: compile ONNX models with MLIR and run them, in-process.

    import aicc
    m = aicc.compile("model.onnx", target="cpu")   # also bytes or an onnx.ModelProto
    m.inputs, m.outputs                             # names, shapes, dtypes
    y = m(x)                                        # positional or by name; numpy out
    m.save("model.aicc"); m2 = aicc.load("model.aicc")
    print(m.explain())                              # kernels, schedules, fused nodes

CPU models are JIT-compiled in this process (LLVM ORC); CUDA models are
compiled into an artifact that aicc's runtime loads (a GPU is needed to run
them, not to compile them). The GIL is released while compiling and running,
so other Python threads go on, and several threads may call one model.
Failures raise the exceptions of :mod:`aicc.errors`.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from . import errors
from ._aicc import compile as _compile_impl, load as _load_impl
from .errors import CompileError, DeviceError, Diagnostic, Error, InputError

__all__ = [
    "compile",
    "load",
    "Model",
    "TensorInfo",
    "Error",
    "CompileError",
    "InputError",
    "DeviceError",
    "Diagnostic",
    "errors",
]

__version__ = "0.1.0"


class TensorInfo(NamedTuple):
    """An input or output of a model: its ONNX name, static shape and numpy
    dtype name ("bfloat16" is ml_dtypes' bfloat16)."""

    name: str
    shape: Tuple[int, ...]
    dtype: str


class KernelInfo(NamedTuple):
    """A kernel of a compiled model: its symbol, structural hash, root op,
    schedule (#aicc.schedule) and the ONNX nodes fused into it (empty for
    loaded artifacts, whose manifest does not list them)."""

    symbol: str
    hash: str
    root: str
    schedule: str
    nodes: Tuple[str, ...]


ModelSource = Union[str, "os.PathLike[str]", bytes, bytearray, Any]


def _bfloat16():
    import ml_dtypes  # installed with onnx

    return ml_dtypes.bfloat16


class Model:
    """A compiled model. Call it with one array per input (positional, in
    the order of :attr:`inputs`, or by name); it returns a numpy array, or a
    tuple of them for a model with several outputs. Inputs may be numpy
    arrays, any DLPack tensor on the CPU (torch, jax, ...; taken without a
    copy when C-contiguous), or Python lists and scalars. Their dtype and
    shape must be the model's: nothing is cast or broadcast."""

    __slots__ = ("_impl", "inputs", "outputs", "_names", "_bf16_outputs", "_single")

    def __init__(self, impl):
        self._impl = impl
        self.inputs: List[TensorInfo] = [TensorInfo(n, s, d) for n, s, d in impl.inputs]
        self.outputs: List[TensorInfo] = [TensorInfo(n, s, d) for n, s, d in impl.outputs]
        self._names = {t.name: i for i, t in enumerate(self.inputs)}
        self._bf16_outputs = [i for i, t in enumerate(self.outputs) if t.dtype == "bfloat16"]
        self._single = len(self.outputs) == 1

    def __call__(self, *args, **kwargs):
        if kwargs:
            args = self._bind(args, kwargs)
        results = self._impl.run(args)
        if self._bf16_outputs:
            bf16 = _bfloat16()
            for i in self._bf16_outputs:
                results[i] = results[i].view(bf16)
        return results[0] if self._single else tuple(results)

    def run(self, feed: Mapping[str, Any]) -> Dict[str, np.ndarray]:
        """Runs the model on inputs given by name; returns outputs by name."""
        results = self(**feed)
        if self._single:
            results = (results,)
        return {t.name: r for t, r in zip(self.outputs, results)}

    def _bind(self, args: Sequence, kwargs: Mapping[str, Any]) -> List:
        bound: List = list(args) + [None] * (len(self.inputs) - len(args))
        if len(args) > len(self.inputs):
            raise InputError(f"the model takes {len(self.inputs)} inputs, got {len(args)}")
        for name, value in kwargs.items():
            index = self._names.get(name)
            if index is None:
                known = ", ".join(repr(t.name) for t in self.inputs)
                raise InputError(f"the model has no input named {name!r} (its inputs: {known})")
            if index < len(args):
                raise InputError(f"input {name!r} is given twice (by position and by name)")
            bound[index] = value
        for t, value in zip(self.inputs, bound):
            if value is None:
                raise InputError(f"missing input {t.name!r} ({t.dtype}{list(t.shape)})")
        return bound

    @property
    def target(self) -> str:
        """"cpu" or "cuda"."""
        return self._impl.target

    @property
    def device(self) -> str:
        """What the code was compiled for, e.g. "cpu (znver5, 512-bit
        vectors, ...)" or "cuda sm_90 (tf32)"."""
        return self._impl.device

    @property
    def kernels(self) -> List[KernelInfo]:
        """The model's kernels, each with its schedule."""
        return [KernelInfo(s, h, r, sch, tuple(n)) for s, h, r, sch, n in self._impl.kernels]

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the model as an artifact (a shared object that
        :func:`load`, ``aicc run`` and the C runtime run), atomically. A CPU
        model is compiled again into the artifact by the same pipeline."""
        self._impl.save(os.fspath(path))

    def explain(self) -> str:
        """A readable account of the compiled model: target, inputs and
        outputs, and each kernel with its schedule and the ONNX nodes fused
        into it."""
        lines = [f"target: {self.device}"]
        for title, tensors in (("inputs", self.inputs), ("outputs", self.outputs)):
            lines.append(f"{title}:")
            lines += [f"  {t.name}: {t.dtype}{list(t.shape)}" for t in tensors]
        kernels = self.kernels
        if not kernels:
            lines.append("kernels: none (the reference path: the whole model is one function of loops)")
        else:
            lines.append(f"kernels: {len(kernels)}")
        for k in kernels:
            root = f" ({k.root})" if k.root else ""
            lines.append(f"  {k.symbol}{root} hash {k.hash}")
            if k.nodes:
                lines.append(f"    fuses: {', '.join(k.nodes)}")
            lines.append(f"    schedule: {k.schedule}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        ins = ", ".join(f"{t.name}: {t.dtype}{list(t.shape)}" for t in self.inputs)
        outs = ", ".join(f"{t.name}: {t.dtype}{list(t.shape)}" for t in self.outputs)
        return f"<aicc.Model {self.device}: ({ins}) -> ({outs})>"


def _source(model) -> Tuple[Optional[str], Optional[bytes], str]:
    if isinstance(model, (str, os.PathLike)):
        path = os.fspath(model)
        if not os.path.exists(path):
            raise CompileError(f"cannot open '{path}': no such file")
        return path, None, path
    if isinstance(model, (bytes, bytearray, memoryview)):
        return None, bytes(model), "<bytes>"
    if hasattr(model, "SerializeToString"):  # onnx.ModelProto
        name = getattr(getattr(model, "graph", None), "name", "") or "model"
        return None, model.SerializeToString(), f"<ModelProto {name}>"
    raise TypeError(
        "aicc.compile takes a path, bytes or an onnx.ModelProto, not " + type(model).__name__
    )


def compile(
    model: ModelSource,
    target: str = "cpu",
    *,
    threads: int = 0,
    input_shapes: Optional[Mapping[str, Sequence[int]]] = None,
    bind: Optional[Mapping[str, Any]] = None,
    opt_level: int = 2,
    gpu_arch: str = "sm_90",
    gpu_precision: str = "tf32",
    gpu_stages: int = 0,
    gpu_fuse_rows: bool = False,
    gpu_split_k: bool = False,
    gpu_implicit_gemm: bool = False,
    verbose: bool = False,
) -> Model:
    """Compiles an ONNX model (a path, serialized bytes or an
    onnx.ModelProto) for ``target`` ("cpu" or "cuda").

    threads: threads that run a kernel's parallel tiles (0: all cores).
    input_shapes: static shapes for inputs with symbolic dimensions, by name.
    bind: values of inputs to compile for, by name (as ``aicc --bind``):
        where an op needs a compile-time value that the model takes as an
        input (Reshape's shape, Slice's starts, ...), the given one is used;
        calls must then pass that same value (InputError otherwise).
    opt_level: 0 is the reference path (plain loops, no kernels); 1-3 the
        optimized path (kernels, schedules, vector code).
    gpu_arch, gpu_precision: for target="cuda" (sm_75 ... sm_120, and
        sm_90a: H100/H200 only, staged matmuls on wgmma; "tf32" runs f32
        matmuls on tensor cores, "strict" keeps f32 math).
    gpu_stages, gpu_fuse_rows, gpu_split_k, gpu_implicit_gemm: as ``aicc
        --gpu-stages`` (large tensor-core matmuls stage their operands in
        shared memory through up to this many buffers, 0-4),
        ``--gpu-fuse-rows`` (softmax, layer norm as one kernel, a warp per
        row), ``--gpu-split-k`` (small tensor-core matmuls split their
        reduction) and ``--gpu-implicit-gemm`` (convolutions read their
        windows from the image, no im2col copy); all experimental, off by
        default.
    verbose: report each compile stage on stderr (large models take tens
        of seconds).

    Raises CompileError with the diagnostics (each naming its ONNX node).
    """
    path, data, name = _source(model)
    shapes = [(str(k), [int(d) for d in v]) for k, v in (input_shapes or {}).items()]
    bound = [(str(k), np.asarray(v, order="C")) for k, v in (bind or {}).items()]
    return Model(
        _compile_impl(
            path, data, name, target, int(threads), int(opt_level), shapes, bound,
            gpu_arch, gpu_precision, int(gpu_stages), bool(gpu_fuse_rows),
            bool(gpu_split_k), bool(gpu_implicit_gemm), bool(verbose),
        )
    )


def load(path: Union[str, "os.PathLike[str]"], *, threads: int = 0) -> Model:
    """Loads an artifact written by :meth:`Model.save` or ``aicc -o``; it
    runs through aicc's runtime (no compiler involved)."""
    return Model(_load_impl(os.fspath(path), int(threads)))
