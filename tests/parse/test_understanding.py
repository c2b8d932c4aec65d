"""Crisis and concern understanding (issue 12): normalisation, signal families x modifiers, the learned
model and its shipped weights, the two tiers through assess(), and `contactbot parse` / `understanding train`.

The messages here are written for these tests, apart from the corpus the model is trained on.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.parse import assess
from bot.parse.crisis import read_signals
from bot.parse.model import load_model
from bot.parse.text import normalise

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("我撐不過今晚了，活著只會拖累爸媽", "我撑不过今晚了,活着只会拖累爸妈"),  # OpenCC, Taiwan phrases too
        ("宿舍網路又斷了", "宿舍网络又断了"),
        ("１２月３日　ＱＱ群", "12月3日 qq群"),  # full width
        ("救命！！！！快来人。。。。", "救命!快来人。"),  # repeated punctuation
        ("想紫砂。。药都囤好了", "想自杀。药都囤好了"),
        ("zs的念头又来了", "自杀的念头又来了"),
        ("bu xiang huo le", "不想活了"),
        ("i want to die tonight", "i 想死 tonight"),
        ("好想噶了", "好想死了"),
        ("🔪在手上", "刀在手上"),
    ],
)
def test_normalise_gives_one_form(text: str, normal: str) -> None:
    assert normalise(text) == normal


@pytest.mark.parametrize("text", ["买了个紫砂壶送导师", "配置一下zshrc", "宿舍的沙发坏了"])
def test_normalise_leaves_look_alikes(text: str) -> None:
    assert normalise(text) == text.lower()


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("这周想了很多 决定去死", "wish:self"),
        ("要是能一觉睡过去再也不醒就好了", "passive:self"),
        ("淘宝上买了一袋木炭 等宿舍没人", "plan:self"),
        ("我的书和耳机都送给学弟了 以后用不上了", "farewell:self"),
        ("刚才又拿小刀划了手腕", "self_harm:self"),
        ("我就是爸妈的累赘", "hopeless:self"),
        ("舍友说今晚要从天台跳下去", "plan:other"),
        ("有人在宿舍楼下拿着砍刀追人", "violence:other"),
        ("同学在体育馆突然倒下 没有呼吸了", "emergency:other"),
    ],
)
def test_each_signal_family_fires_with_who(text: str, label: str) -> None:
    held, _ = read_signals(normalise(text))
    assert label in {s.label() for s in held}


@pytest.mark.parametrize(
    "text",
    [
        "前几年想过自杀 现在已经走出来了 想当朋辈辅导员",  # past and resolved
        "有时候会冒出想死的念头 但我不会做傻事的 只是想聊聊",  # denied
    ],
)
def test_settled_signals_are_muted_to_watch(text: str) -> None:
    held, muted = read_signals(normalise(text))
    assert not held and muted
    found = assess(text)
    assert (found.risk, found.crisis) == ("watch", False)


@pytest.mark.parametrize(
    "text",
    [
        "看了一部关于自杀干预的纪录片 学校能组织观影吗",  # frame: a film
        "心理课作业要写一篇关于预防轻生的报告 参考书去哪借",  # frame: homework
        "跳楼价清仓的二手书是真的吗",  # homograph
        "电脑又死机了 机房什么时候修",  # homograph
        "体测跳远差了十厘米 能补测吗",  # homograph
        "热到想死 宿舍空调什么时候修",  # hyperbole
        "笑死 食堂阿姨手一抖只剩两块肉",  # hyperbole
        "吓死我了 实验楼消防演练的警报响了半天",  # a drill
        "万一宿舍楼着火 消防通道全被堵了",  # hypothetical
    ],
)
def test_frames_homographs_and_hyperbole_are_not_crises(text: str) -> None:
    assert assess(text).crisis is False


def test_assess_is_the_one_entry_point() -> None:
    found = assess("室友把安眠药都藏在柜子里 刚才说今晚就全吃掉")
    assert (found.risk, found.crisis, found.category) == ("crisis", True, "mental")
    assert "plan:other" in found.signals and 0.0 <= found.score <= 1.0
    fire = assess("实验楼三楼起火了 门口全是浓烟")
    assert (fire.risk, fire.category) == ("crisis", "safety")
    ordinary = assess("图书馆空调太冷了 能不能调高两度")
    assert (ordinary.risk, ordinary.crisis, ordinary.signals) == ("none", False, ())


@pytest.mark.parametrize("text", ["室友这几天把自己的东西全扔了 说反正也带不走",
                                  "我给每个朋友都写好了信 放在桌上 明早他们就能看到"])
def test_the_model_catches_what_no_rule_names(text: str) -> None:
    found = assess(text)
    assert (found.risk, found.signals) == ("crisis", ("model",))


def test_weights_load_once_and_scoring_needs_no_numpy() -> None:
    assert load_model() is load_model()
    probe = ("import sys; from bot.parse import assess; assess('想自杀'); "
             "print(any(m in sys.modules for m in ('numpy', 'sklearn')))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_every_labelled_crisis_is_caught_in_sample() -> None:
    missed, alarms, others = [], 0, 0
    for name in ("concerns.jsonl", "concerns-extra.jsonl"):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            found = assess(item["text"])
            if item["expect"]["crisis"] and not found.crisis:
                missed.append(item["id"])
            others += not item["expect"]["crisis"]
            alarms += found.crisis and not item["expect"]["crisis"]
    assert missed == []
    assert alarms <= 0.03 * others


def test_shipped_weights_are_what_training_on_the_corpus_gives() -> None:
    from bot.parse.learn import train  # needs scikit-learn: the development environment has it

    data, report = train(CORPUS)
    shipped = json.loads((ROOT / "bot" / "data" / "understanding.json").read_text(encoding="utf-8"))
    assert data == shipped, "stale weights: run `uv run contactbot understanding train` and commit them"
    oof = next(line for line in report if "rules OR model" in line)
    hits, crises = (int(x) for x in oof.split("recall ")[1].split(" ")[0].split("/"))
    assert hits / crises >= 0.98


def test_parse_prints_risk(cli_roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--as", "caorui01", "--today", "2026-11-25", "室友说今晚要跳楼"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["intent"], out["crisis"], out["risk"], out["category"]) == ("concern", True, "crisis", "mental")
    assert main(["parse", "--as", "zhaojianguo01", "--today", "2026-11-25", "昨天去3号楼215宿舍看望学生"]) == 0
    assert json.loads(capsys.readouterr().out)["risk"] == "none"


def test_train_command_prints_out_of_fold_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    weights = tmp_path / "w.json"
    assert main(["understanding", "train", "--corpus", str(CORPUS), "--output", str(weights)]) == 0
    out = capsys.readouterr().out
    assert "out of fold (5-fold)" in out and "in sample" in out and weights.is_file()
    assert main(["understanding", "train", "--corpus", str(tmp_path / "none")]) == 2
    assert "找不到语料目录" in capsys.readouterr().err
