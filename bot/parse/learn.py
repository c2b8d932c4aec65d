"""Training the concern model (bot/parse/model.py) on the labelled corpus, and measuring it out of fold.

`contactbot understanding train` reads `corpus/concerns.jsonl`, `corpus/concerns-extra.jsonl` and
`corpus/everyday.jsonl` (greetings, commands, reports: the detector reads every message), and the
concerns of every other `*.jsonl` beside them (dev, leaders). Their other messages stay out: parse()
hears the model on concerns only, and hundreds of easy reports would outweigh the hard negatives. Labelled
feedback from the school (false alarms and missed crises, `contactbot understanding feedback export`) joins
from `corpus/feedback/*.jsonl` when there are any, and from files named with `--extra`. It fits logistic
regressions on character 1-3-grams with
scikit-learn, picks the thresholds from 5-fold out-of-fold scores, and writes the weights as JSON.
Training needs scikit-learn (a development dependency); scoring never does.

Thresholds, recall first: crisis at the lowest score whose out-of-fold false alarms stay within
CRISIS_FALSE_ALARMS of non-crisis concerns; watch at the lowest score that keeps out-of-fold
false alarms within WATCH_FALSE_ALARMS.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bot.parse.assess import MODEL_MIN_CHARS, crisis_category, learned_category
from bot.parse.crisis import crisis_signals, quiets_model
from bot.parse.model import Model, grams, model_from_json
from bot.parse.text import normalise, strip_noise

CONCERN_FILES = ("concerns.jsonl", "concerns-extra.jsonl", "everyday.jsonl")
FEEDBACK_FOLDER = "feedback"  # corpus/feedback/*.jsonl: the school's own labelled false alarms and misses
CATEGORIES = ("study", "mental", "life", "career", "safety", "other")
CRISIS_FALSE_ALARMS = 0.02
WATCH_FALSE_ALARMS = 0.15
C_CRISIS = 1.0
C_CATEGORY = 5.0
FOLDS = 5
MIN_DF = 2  # an n-gram seen once says more about that message than about the next one
SEED = 12


@dataclass(frozen=True)
class Example:
    """One labelled message, normalised: crisis always known, category only for concerns."""

    id: str
    text: str
    crisis: bool
    category: str | None


@dataclass
class Figures:
    """Out-of-fold (or in-sample) results of the model alone, the rules alone, and both."""

    crises: int = 0
    others: int = 0
    model_hits: int = 0
    model_alarms: int = 0
    rule_hits: int = 0
    rule_alarms: int = 0
    both_hits: int = 0
    both_alarms: int = 0
    categories: int = 0
    category_right: int = 0
    quiet: int = 0  # messages that are not concerns
    quiet_alarms: int = 0
    missed: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)

    def lines(self, title: str) -> list[str]:
        """Render the figures as the lines the command prints."""
        def pct(a: int, b: int) -> str:
            return f"{a}/{b} ({a / b:.1%})" if b else "0/0"

        return [
            f"{title}: {self.crises} crises, {self.others} other concerns",
            f"  model alone   recall {pct(self.model_hits, self.crises)}  false alarms {pct(self.model_alarms, self.others)}",
            f"  rules alone   recall {pct(self.rule_hits, self.crises)}  false alarms {pct(self.rule_alarms, self.others)}",
            f"  rules OR model recall {pct(self.both_hits, self.crises)}  false alarms {pct(self.both_alarms, self.others)}",
            f"  category      {pct(self.category_right, self.categories)}",
            f"  other messages (commands, reports, greetings: rules only) false alarms {pct(self.quiet_alarms, self.quiet)}",
        ]


def feedback_files(folder: Path, extra: Iterable[Path] = ()) -> list[Path]:
    """Return the feedback files that join the training: corpus/feedback/*.jsonl, then those named."""
    found = sorted((folder / FEEDBACK_FOLDER).glob("*.jsonl"))
    for path in extra:
        if not path.is_file():
            raise FileNotFoundError(f"找不到训练数据文件 {path}")
        if path.resolve() not in {p.resolve() for p in found}:
            found.append(path)
    return found


def read_examples(folder: Path, extra: Iterable[Path] = ()) -> list[Example]:
    """Read every labelled file in the corpus folder (the concern files are required) and the feedback files;
    a feedback example seen before (the same export twice) is read once."""
    for name in CONCERN_FILES:
        if not (folder / name).is_file():
            raise FileNotFoundError(f"训练数据缺少 {folder / name}")
    examples: list[Example] = []
    others = sorted(folder / p.name for p in folder.glob("*.jsonl") if p.name not in CONCERN_FILES)
    feedback = feedback_files(folder, extra)
    seen: set[str] = set()
    for path in (*(folder / name for name in CONCERN_FILES), *others, *feedback):
        for item in _items(path):
            expect = item["expect"]
            concern = expect.get("intent") == "concern"
            if not concern and (path.parent != folder or path.name not in CONCERN_FILES):
                continue  # leaders' reports and commands: parse() never hears the model on them
            if path in feedback:
                if item["id"] in seen:
                    continue
                seen.add(item["id"])
            examples.append(Example(item["id"], normalise(item["text"]), bool(expect.get("crisis", False)),
                                    expect.get("category") if concern else None))
    return examples


def _items(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the records of one corpus file; a line that is not one names the file and line."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if isinstance(item, dict) and isinstance(item.get("expect"), dict) and isinstance(item.get("text"), str):
                item["id"] = str(item["id"])
                yield item
                continue
        except (ValueError, KeyError):
            pass
        raise ValueError(f"{path} 第 {number} 行不是语料格式（{{\"id\", \"text\", \"expect\"}}）")


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=grams, binary=True, min_df=MIN_DF, norm="l2", use_idf=True, smooth_idf=True, lowercase=False)


def fit(examples: list[Example]) -> dict[str, Any]:
    """Fit both heads on all examples; return the JSON the model loads (thresholds filled in later)."""
    vectorizer = _vectorizer()
    matrix = vectorizer.fit_transform([e.text for e in examples])
    crisis = LogisticRegression(C=C_CRISIS, class_weight="balanced", max_iter=5000)
    crisis.fit(matrix, [e.crisis for e in examples])
    rows = [i for i, e in enumerate(examples) if e.category]
    category = LogisticRegression(C=C_CATEGORY, class_weight="balanced", max_iter=5000)
    category.fit(matrix[rows], [examples[i].category for i in rows])
    order = [list(category.classes_).index(c) for c in CATEGORIES]
    idf = vectorizer.idf_
    weights: dict[str, list[float]] = {}
    for gram, column in vectorizer.vocabulary_.items():
        weights[gram] = [_round(idf[column]), _round(crisis.coef_[0][column]),
                         *(_round(category.coef_[k][column]) for k in order)]
    return {
        "categories": list(CATEGORIES),
        "crisis_bias": _round(crisis.intercept_[0]),
        "crisis_threshold": 0.5,
        "watch_threshold": 0.5,
        "category_bias": [_round(category.intercept_[k]) for k in order],
        "weights": dict(sorted(weights.items())),
    }


def _round(value: float) -> float:
    return float(f"{value:.4g}")


def out_of_fold(examples: list[Example], folds: int = FOLDS) -> tuple[list[float], list[str | None]]:
    """Return each example's crisis score and category from a model that never saw it."""
    scores: list[float] = [0.0] * len(examples)
    categories: list[str | None] = [None] * len(examples)
    labels = [f"{e.crisis}:{e.category}" if e.category else f"{e.crisis}:-" for e in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    strata = [_stratum(label, labels) for label in labels]
    for train, test in splitter.split(np.zeros(len(examples)), strata):
        model = model_from_json(fit([examples[i] for i in train]))
        for i in test:
            scores[i] = model.crisis_score(examples[i].text)
            if examples[i].category:
                categories[i] = learned_category(examples[i].text, model)
    return scores, categories


def _stratum(label: str, labels: list[str]) -> str:
    """Fold by crisis and category; merge strata too small to spread over the folds."""
    return label if labels.count(label) >= FOLDS else label.split(":")[0]


def choose_thresholds(examples: list[Example], scores: list[float]) -> tuple[float, float]:
    """Pick the crisis and watch thresholds from out-of-fold scores, recall first."""
    negatives = sorted((s for s, e in zip(scores, examples, strict=True)  # concerns: where parse() hears the model
                        if not e.crisis and e.category and len(strip_noise(e.text)) >= MODEL_MIN_CHARS
                        and not quiets_model(e.text)),
                       reverse=True)

    def lowest_within(share: float) -> float:
        allowed = int(share * len(negatives))
        return negatives[allowed] + 1e-6 if allowed < len(negatives) else 0.0

    crisis = max(0.5, lowest_within(CRISIS_FALSE_ALARMS))
    return crisis, min(crisis, lowest_within(WATCH_FALSE_ALARMS))


def measure(examples: list[Example], scores: list[float], categories: Iterable[str | None],
            model: Model) -> Figures:
    """Count recall, false alarms and category accuracy for given scores and categories."""
    figures = Figures()
    for example, score, category in zip(examples, scores, categories, strict=True):
        rules = crisis_signals(example.text)
        learned = score >= model.crisis_threshold and len(strip_noise(example.text)) >= MODEL_MIN_CHARS \
            and not quiets_model(example.text)
        flagged = bool(rules) or learned
        if example.crisis:
            figures.crises += 1
            figures.model_hits += learned
            figures.rule_hits += bool(rules)
            figures.both_hits += flagged
            if not flagged:
                figures.missed.append(f"{example.id} {score:.2f} {example.text}")
        elif example.category:  # a concern
            figures.others += 1
            figures.model_alarms += learned
            figures.rule_alarms += bool(rules)
            figures.both_alarms += flagged
            if flagged:
                figures.alarms.append(f"{example.id} {score:.2f} {[s.label() for s in rules]} {example.text}")
        else:  # a command, a report, a greeting: parse() hears only the rules there
            figures.quiet += 1
            figures.quiet_alarms += bool(rules)
            if rules:
                figures.alarms.append(f"{example.id} {[s.label() for s in rules]} {example.text}")
        if example.category:
            figures.categories += 1
            chosen = crisis_category(rules, category or "other") if flagged else category
            figures.category_right += chosen == example.category
    return figures


def train(folder: Path, extra: Iterable[Path] = ()) -> tuple[dict[str, Any], list[str]]:
    """Train on the corpus folder and the feedback files; return the model JSON and the report lines (out of
    fold, then in sample)."""
    extra = list(extra)
    examples = read_examples(folder, extra)
    scores, categories = out_of_fold(examples)
    crisis_threshold, watch_threshold = choose_thresholds(examples, scores)
    data = fit(examples)
    data["crisis_threshold"], data["watch_threshold"] = _round(crisis_threshold), _round(watch_threshold)
    model = model_from_json(data)
    oof = measure(examples, scores, categories, model)
    in_scores = [model.crisis_score(e.text) for e in examples]
    in_categories = [learned_category(e.text, model) if e.category else None for e in examples]
    in_sample = measure(examples, in_scores, in_categories, model)
    report = [f"{len(examples)} labelled messages; thresholds: crisis {data['crisis_threshold']}, "
              f"watch {data['watch_threshold']}; {len(data['weights'])} n-grams"]
    report += [f"  with feedback from {path}" for path in feedback_files(folder, extra)]
    report += oof.lines(f"out of fold ({FOLDS}-fold)")
    report += [f"  missed  {line}" for line in oof.missed] + [f"  alarm   {line}" for line in oof.alarms]
    report += in_sample.lines("in sample")
    report += [f"  missed  {line}" for line in in_sample.missed]
    return data, report


def write_model(data: dict[str, Any], path: Path) -> None:
    """Write the weights as compact, stable JSON (one file, diffable across retrains)."""
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
