"""The labelled dev messages (tests/data/corpus): at least 95 % fully correct and every crisis caught (failures are printed)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.parse import People, parse
from tests.parse.conftest import CORPUS, ROSTER


def _same(field: str, want: Any, got: Any) -> bool:
    """Compare one contract field, counterparts as sets."""
    return sorted(want) == sorted(got) if field == "counterparts" else bool(want == got)


def test_dev_corpus_score() -> None:
    people = People.from_csv(ROSTER)
    lines = (CORPUS / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    exact = crisis_total = crisis_hit = 0
    failures = []
    for item in items:
        got = parse(item["text"], item["sender"], date.fromisoformat(item["today"]), people).contract()
        wrong = {f: (w, got[f]) for f, w in item["expect"].items() if not _same(f, w, got[f])}
        if item["expect"].get("crisis") is True:
            crisis_total += 1
            crisis_hit += got["crisis"] is True
        if wrong:
            failures.append(f"{item['id']} {item['text']}: {wrong}")
        else:
            exact += 1
    print(f"dev corpus: {exact}/{len(items)} fully correct, crisis {crisis_hit}/{crisis_total}")
    print("\n".join(failures))
    assert exact >= 0.95 * len(items), "\n".join(failures)
    assert crisis_hit == crisis_total
