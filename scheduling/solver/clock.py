"""What the solver's time budgets count: wall-clock seconds, or CP-SAT's deterministic time.

Wall-clock budgets (the default) give the best plan a machine finds in the time, which depends
on how busy it is. A deterministic budget counts CP-SAT's own measure of work done
(`deterministic_time`; on these models one unit took 5 to 20 wall-clock seconds on a 2-core
test machine) with one worker and a fixed seed, so the same problem, seed and budget give the
same plan however loaded the machine is; the wall-clock limit then stays as an outer safety cap
only (a plan cut short by it is no longer the deterministic one).
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model


class Clock:
    def __init__(self, wall_limit: float, deterministic_time: float | None = None) -> None:
        self.deterministic = deterministic_time is not None
        self.budget = deterministic_time if deterministic_time is not None else wall_limit
        self.wall_end = time.perf_counter() + wall_limit
        self.used = 0.0  # deterministic time spent so far
        self.start = self.now()

    def now(self) -> float:
        return self.used if self.deterministic else time.perf_counter()

    def deadline(self) -> float:
        """`now()` at which the whole budget is spent."""
        return self.start + self.budget

    def capped(self) -> bool:
        """The wall-clock safety cap is reached (in deterministic mode too)."""
        return time.perf_counter() >= self.wall_end

    def setup(self, solver: cp_model.CpSolver, limit: float, workers: int, seed: int) -> None:
        prm = solver.parameters
        prm.random_seed = seed
        if self.deterministic:
            prm.max_deterministic_time = limit
            prm.max_time_in_seconds = max(0.01, self.wall_end - time.perf_counter())
            prm.num_workers = 1  # several workers race each other: never the same plan twice
        else:
            prm.max_time_in_seconds = limit
            prm.num_workers = workers

    def spend(self, solver: cp_model.CpSolver) -> None:
        if self.deterministic:
            self.used += solver.deterministic_time
