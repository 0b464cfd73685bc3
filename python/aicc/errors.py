"""The exceptions aicc raises.

Every failure is an :class:`aicc.Error`. A model that does not compile raises
:class:`CompileError`, whose message is the first error as the ``aicc``
command prints it (``model.onnx: node: error: message``) and whose
``diagnostics`` hold every diagnostic with the ONNX node it names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

__all__ = [
    "Diagnostic",
    "Error",
    "CompileError",
    "InputError",
    "DeviceError",
]


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic of a compile.

    ``names`` are the names its location carries, outermost first: the model,
    then the ONNX node (or input, initializer) at fault.
    """

    severity: str  # "error", "warning", "note" or "remark"
    message: str
    names: Tuple[str, ...] = ()
    location: str = ""  # file:line:col, where there is one
    notes: Tuple[str, ...] = ()
    text: str = ""  # as the aicc command prints it

    @property
    def node(self) -> Optional[str]:
        """The ONNX node, input or initializer at fault (None if none)."""
        return self.names[-1] if len(self.names) > 1 else None

    @property
    def model(self) -> Optional[str]:
        """The model the diagnostic is about (None if not known)."""
        return self.names[0] if self.names else None

    def __str__(self) -> str:
        return self.text or f"{self.severity}: {self.message}"


class Error(Exception):
    """Base class of aicc's exceptions."""

    def __init__(self, message: str, diagnostics: Sequence = ()):
        super().__init__(message)
        self.message = message
        self.diagnostics: List[Diagnostic] = [
            d if isinstance(d, Diagnostic) else _diagnostic(d) for d in diagnostics
        ]

    @property
    def node(self) -> Optional[str]:
        """The ONNX node named by the first error, if any."""
        for d in self.diagnostics:
            if d.severity == "error" and d.node:
                return d.node
        return None

    @property
    def location(self) -> Optional[str]:
        """The model (file or name) the first error is in, if known."""
        for d in self.diagnostics:
            if d.severity == "error":
                return d.location or d.model
        return None


class CompileError(Error):
    """The model cannot be imported or compiled (malformed model, unsupported
    operator, bad options, missing toolkit, ...)."""


class InputError(Error, ValueError):
    """A call gave a wrong input: unknown or missing name, wrong count, shape
    or dtype, or something that is not an array on the CPU."""


class DeviceError(Error):
    """The device cannot run the model (no CUDA device or driver here, or the
    GPU reported an error)."""


def _diagnostic(record) -> Diagnostic:
    severity, message, names, location, notes, text = record
    return Diagnostic(severity, message, tuple(names), location, tuple(notes), text)
