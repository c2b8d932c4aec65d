"""Retraining with the school's labelled feedback (issue 14, item 5), through the real command line: false
alarms kept in the database are written by `contactbot understanding feedback export FILE` as corpus records,
and `contactbot understanding train --extra FILE` (or corpus/feedback/*.jsonl) includes them — a real retrain
on a small corpus, which then reads the rest of that family differently. The out-of-fold figures are printed
as before.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.chat.context import Deps
from bot.cli.main import main
from bot.concerns.feedback import add_feedback
from bot.config import load_settings
from bot.parse.model import Model, model_from_json
from bot.parse.text import normalise
from bot.store.models import Concern, Person

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
# A family the small model pages on: talk of being tired, with the wish to die denied, asking to talk.
FED_BACK = ("我不会想不开的 就是最近太累了 想找人聊聊", "压力太大了 不过没有想不开 就是想找人倾诉一下",
            "我不是想死 我就是太累了 不知道该跟谁说")
SAME_FAMILY = ("我不会想不开 就是这阵子太累了 想找个老师聊聊", "没有想不开 就是心里很累 想有人听我说说",
               "放心我不会做傻事 只是想找人说说话")
SKLEARN_SMALL_FOLDS = "ignore:The least populated class in y:UserWarning"  # a small corpus has small strata


def small_corpus(folder: Path) -> Path:
    """The first lines of each required corpus file: enough to train in about a second."""
    folder.mkdir()
    for name, lines in (("concerns.jsonl", 90), ("concerns-extra.jsonl", 45), ("everyday.jsonl", 30)):
        kept = (CORPUS / name).read_text(encoding="utf-8").splitlines()[:lines]
        (folder / name).write_text("\n".join(kept) + "\n", encoding="utf-8")
    return folder


def closed_as_false_alarms(texts: tuple[str, ...]) -> None:
    """Store crisis tickets from a student who was told, and label each a false alarm as closing as 误报 does."""
    deps = Deps.build(load_settings())
    try:
        with deps.sessions.begin() as db:
            student = db.scalar(select(Person).where(Person.userid == "lisiqi01"))
            counselor = db.scalar(select(Person).where(Person.userid == "wangli01"))
            assert student is not None and counselor is not None
            now = deps.clock()
            student.feedback_noticed_at = now - timedelta(days=1)
            for number, text in enumerate(texts, 1):
                concern = Concern(school_id=student.school_id, number=number, sender_id=student.id, category="mental",
                                  crisis=True, text=text, created_at=now)
                db.add(concern)
                db.flush()
                assert add_feedback(db, concern, "false_alarm", counselor, now) is not None
    finally:
        deps.close()


def weights(path: Path) -> Model:
    return model_from_json(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.filterwarnings(SKLEARN_SMALL_FOLDS)
def test_false_alarms_fed_back_change_the_reading_of_their_family(
        cli_roster: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CONTACTBOT_UNDERSTANDING_KEEP_FEEDBACK", "true")
    closed_as_false_alarms(FED_BACK)
    exported = tmp_path / "feedback.jsonl"
    assert main(["understanding", "feedback", "export", str(exported)]) == 0
    records = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in records] == list(FED_BACK)
    assert {r["sender"] for r in records} == {"feedback"} and all(r["expect"]["crisis"] is False for r in records)
    assert "已导出 3 条" in capsys.readouterr().err

    corpus = small_corpus(tmp_path / "corpus")
    assert main(["understanding", "train", "--corpus", str(corpus), "--output", str(tmp_path / "before.json")]) == 0
    capsys.readouterr()
    assert main(["understanding", "train", "--corpus", str(corpus), "--output", str(tmp_path / "after.json"),
                 "--extra", str(exported)]) == 0
    report = capsys.readouterr().out
    assert "168 labelled messages" in report and f"with feedback from {exported}" in report
    assert "out of fold (5-fold)" in report and "in sample" in report
    before, after = weights(tmp_path / "before.json"), weights(tmp_path / "after.json")
    figures = [f"crisis threshold {before.crisis_threshold} -> {after.crisis_threshold}"]
    for text in SAME_FAMILY:  # messages of the family never fed back
        t = normalise(text)
        figures.append(f"  {before.crisis_score(t):.3f} -> {after.crisis_score(t):.3f}  {text}")
        assert before.crisis_score(t) >= before.crisis_threshold, text
        assert after.crisis_score(t) < after.crisis_threshold, text
    with capsys.disabled():  # shown with -s
        print("\n" + "\n".join(figures))

    (corpus / "feedback").mkdir()  # the same file in corpus/feedback/ is read without --extra, and once
    (corpus / "feedback" / "2026-11.jsonl").write_text(exported.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["understanding", "train", "--corpus", str(corpus), "--dry-run", "--extra", str(exported)]) == 0
    assert "168 labelled messages" in capsys.readouterr().out


def test_training_refuses_a_file_that_is_no_corpus(cli_env: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "没有标注"}\n', encoding="utf-8")
    assert main(["understanding", "train", "--corpus", str(CORPUS), "--dry-run", "--extra", str(bad)]) == 2
    assert "第 1 行不是语料格式" in capsys.readouterr().err
    assert main(["understanding", "train", "--corpus", str(CORPUS), "--dry-run", "--extra",
                 str(tmp_path / "none.jsonl")]) == 2
    assert "找不到训练数据文件" in capsys.readouterr().err
