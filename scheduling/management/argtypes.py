"""argparse types for the scheduling commands: ASCII numbers within bounds, refused with a
message that names the bounds (argparse adds the option's name)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

WHOLE = re.compile(r"[0-9]{1,10}")
DECIMAL = re.compile(r"[0-9]{1,6}(\.[0-9]{1,3})?")


def whole_number(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if WHOLE.fullmatch(text) and low <= int(text) <= high:
            return int(text)
        raise argparse.ArgumentTypeError(f"give a whole number from {low} to {high}")

    return parse


def seconds(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        if DECIMAL.fullmatch(text) and low <= float(text) <= high:
            return float(text)
        raise argparse.ArgumentTypeError(f"give a number of seconds from {low:g} to {high:g}")

    return parse
