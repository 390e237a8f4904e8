"""Problem instances for the solver benchmark and tests: not product code, so outside scheduling/.

- shropshire(seed): a deterministic synthetic Problem of Shropshire shape.
- scale(problem, k), tighten(problem): bigger and tighter copies of a Problem.
"""

from __future__ import annotations

from .generate import shropshire
from .transform import scale, tighten

__all__ = ["scale", "shropshire", "tighten"]
