"""The distributions a twin parameter is drawn from, each printed as the docs state it.

U(a, b)              uniform between a and b
Poisson(m)           a count with mean m
choice v (p), ...    one of the values v, each with probability p
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Uniform:
    low: float
    high: float

    def draw(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))

    def __str__(self) -> str:
        return f"U({self.low:g}, {self.high:g})"


@dataclass(frozen=True)
class Poisson:
    mean: float

    def draw(self, rng: np.random.Generator) -> int:
        return int(rng.poisson(self.mean))

    def __str__(self) -> str:
        return f"Poisson({self.mean:g})"


@dataclass(frozen=True)
class Choice:
    values: tuple
    p: tuple

    def draw(self, rng: np.random.Generator):
        return self.values[int(rng.choice(len(self.values), p=self.p))]

    def __str__(self) -> str:
        pairs = zip(self.values, self.p, strict=True)
        return "choice " + ", ".join(f"{value} ({p:g})" for value, p in pairs)
