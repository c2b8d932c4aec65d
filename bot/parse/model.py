"""The learned half of concern understanding: a linear model over character n-grams, read from package data.

Two heads share one feature space: the chance a message signals a crisis, and which category a
concern belongs to. The weights are trained by `contactbot understanding train` (bot/parse/learn.py)
on the labelled corpus in `corpus/`, written to `bot/data/understanding.json`, and loaded once per
process on first use; scoring a message is a few dictionary look-ups, no numpy, no download.

Example message: "药都攒好了 这周末宿舍没人" -> crisis 0.9 (above the crisis threshold).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

NGRAMS = (1, 2, 3)
MODEL_FILE = "understanding.json"


def grams(text: str) -> list[str]:
    """Return the distinct character 1-3-grams of a normalised message (training and scoring alike)."""
    found: dict[str, None] = {}
    for n in NGRAMS:
        for i in range(len(text) - n + 1):
            found[text[i : i + n]] = None
    return list(found)


@dataclass(frozen=True)
class Model:
    """Trained weights: per n-gram its idf and its weight in each head, plus the thresholds."""

    categories: tuple[str, ...]
    crisis_bias: float
    crisis_threshold: float  # at or above: crisis (chosen recall-first, out of fold)
    watch_threshold: float  # at or above (and below crisis): watch
    category_bias: tuple[float, ...]
    # gram -> (idf squared, idf x crisis weight, idf x the weight of each category): scoring only adds
    weights: dict[str, tuple[float, ...]]

    def crisis_score(self, text: str) -> float:
        """Return the model's chance (0-1) that a normalised message signals a crisis."""
        rows = self._rows(text)
        norm = sum(row[0] for row in rows)
        z = self.crisis_bias + (sum(row[1] for row in rows) / math.sqrt(norm) if norm else 0.0)
        return 1.0 / (1.0 + math.exp(-z))

    def _rows(self, text: str) -> list[tuple[float, ...]]:
        """Return the weight rows of the distinct known n-grams of a text (as grams() would find them)."""
        found = {text[i : i + n] for n in NGRAMS for i in range(len(text) - n + 1)}
        return list(filter(None, map(self.weights.get, found)))

    def category_scores(self, text: str) -> dict[str, float]:
        """Return the model's probability for each category of a normalised concern."""
        columns = list(zip(*self._rows(text), strict=True))  # one column per head, summed in C
        if not columns:
            columns = [(0.0,)] * (2 + len(self.categories))
        norm = sum(columns[0])
        totals = [sum(column) for column in columns[2:]]
        scale = 1.0 / math.sqrt(norm) if norm else 0.0
        logits = [b + t * scale for b, t in zip(self.category_bias, totals, strict=True)]
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        s = sum(exps)
        return {c: e / s for c, e in zip(self.categories, exps, strict=True)}


def model_from_json(data: dict[str, Any]) -> Model:
    """Build a Model from the JSON the trainer writes."""
    return Model(
        categories=tuple(data["categories"]),
        crisis_bias=float(data["crisis_bias"]),
        crisis_threshold=float(data["crisis_threshold"]),
        watch_threshold=float(data["watch_threshold"]),
        category_bias=tuple(float(b) for b in data["category_bias"]),
        weights={gram: (row[0] * row[0], *(row[0] * w for w in row[1:])) for gram, row in data["weights"].items()},
    )


@cache
def load_model() -> Model:
    """Load the shipped weights once per process."""
    text = resources.files("bot").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    return model_from_json(json.loads(text))
