"""Crisis families compiled with every branch led by a literal (bot/parse/literals.py): same matches, in C-speed skips."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.parse import crisis
from bot.parse.literals import lead_with_literals, unled_branches
from bot.parse.text import normalise

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.mark.parametrize(
    ("pattern", "led"),
    [
        ("(?:想|好想)死|活着", "想死|好想死|活着"),  # a shared head spelt out, in order
        ("(?:我的)?存在", "我的存在|存在"),  # an optional head: with it first, as greedy matching tries it
        ("[晕昏]倒|[两三]?片", "晕倒|昏倒|两片|三片|片"),
        ("\\d+楼", "".join(f"{d}\\d*楼|" for d in "0123456789")[:-1]),
        ("(?<!被)踢(?!到)", "踢(?<!被踢)(?!到)"),  # a look-behind moves behind the literal and takes it in
    ],
)
def test_heads_are_spelt_out(pattern: str, led: str) -> None:
    assert lead_with_literals(pattern) == led


def test_what_cannot_be_spelt_out_is_left_as_it_stands() -> None:
    assert lead_with_literals("[^,]死|.好") == "[^,]死|.好"
    assert unled_branches("[^,]死|.好|想") == ["[^,]死", ".好"]


def test_every_crisis_family_is_led_by_literals() -> None:
    assert {family: unled_branches(pattern) for family, pattern in crisis._FAMILIES.items()} == dict.fromkeys(crisis._FAMILIES, [])


def test_the_compiled_families_find_what_the_written_ones_find() -> None:
    texts = [normalise(json.loads(line)["text"]) for path in sorted(CORPUS.glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += ["想想好想死", "我被踢到头了 又踢他的头", "从12楼跳下去", "差点晕过去了 她晕过去了"]
    for (family, written), (_, compiled) in zip(crisis._FAMILIES.items(), crisis._FAMILY_RES, strict=True):
        plain = re.compile(written)
        for text in texts:
            assert [m.span() for m in compiled.finditer(text)] == [m.span() for m in plain.finditer(text)], (family, text)
