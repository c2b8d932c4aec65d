"""Similar concerns, for common problems (N14): our own character-bigram and keyword similarity.

Two concerns are alike when they share a category, the same specific place (3号楼, 二食堂 — or both
name none) and enough of their wording: character bigrams plus topic keywords with synonyms
(热水/热水器/洗澡 are one topic), weighted and compared by cosine. Category alone never groups.

Example: "3号楼热水器坏了 报修一周没人来" and "3号楼的热水又坏了，洗不了澡" are alike;
"5号楼热水器坏了" (another building) and "3号楼的空调遥控器丢了" (another problem) are not.

Grouping is one pass over the concerns in time order: each joins the most similar group whose first
few members (its exemplars) it resembles, or starts one. An inverted index from features to groups
keeps it fast (`bench/concerns`: 10,000 open concerns well under 5 s).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from bot.parse.numerals import to_int
from bot.parse.places import find_place
from bot.parse.text import normalise

EXEMPLARS = 5  # members of a group a newcomer is compared with (the first ones)

# Topic keywords: synonyms share one feature. Specific problems weigh more than generic words (坏了).
_TOPICS: dict[str, tuple[float, str]] = {
    # the problem itself
    "hot_water": (3.0, r"热水器?|洗澡|澡堂|浴室|淋浴"),
    "water": (3.0, r"停水|没水|断水|水压|漏水|自来水|饮水机|开水"),
    "power": (3.0, r"停电|断电|没电|跳闸|来电|电路|插座"),
    "network": (3.0, r"校园网|网速|断网|wifi|网络|上网|网卡|信号|掉线"),
    "climate": (3.0, r"空调|暖气|供暖|太冷|太热|冻死|热死|制冷|制热"),
    "price": (3.0, r"贵|涨价|价格|收费|费用"),
    "food_quality": (3.0, r"难吃|不干净|不卫生|虫子|头发|变质|馊|拉肚子|食物中毒"),
    "noise": (3.0, r"噪音|吵|鬼叫|半夜.{0,2}叫|装修|施工"),
    "pets": (3.0, r"猫|狗|宠物"),
    "theft": (3.0, r"偷|被盗|失窃|小偷|电瓶"),
    "fraud": (3.0, r"诈骗|骗子|被骗|贷款|推销|刷单"),
    "pests": (3.0, r"蚊子|蟑螂|老鼠"),
    "delivery": (3.0, r"快递|外卖|驿站"),
    "seats": (3.0, r"占座|座位|占不到"),
    "computer": (3.0, r"电脑|机房|打印机?"),
    "course": (3.0, r"选课|选修|名额|抢不到|排课|课表"),
    "exam": (3.0, r"考试|补考|挂科|成绩|绩点"),
    "tutoring": (3.0, r"辅导班|培训班|讲座|辅导"),
    "job": (3.0, r"实习|招聘|就业|简历|宣讲会|双选会|选调|考公"),
    "lights": (3.0, r"路灯|灯坏|照明|太黑"),
    "elevator": (3.0, r"电梯"),
    "hygiene": (3.0, r"卫生间|厕所|垃圾|异味|发霉|脏"),
    "remote": (3.0, r"遥控器?"),
    # where or what in general: weak evidence on its own
    "food": (1.0, r"食堂|饭菜|伙食|饭|菜|餐"),
    "library": (1.0, r"图书馆|自习室"),
    "repair": (1.0, r"坏了?|报修|维修|修好?|故障|没人管|没人来"),
    "lost": (1.0, r"丢了?|不见了"),
}
_TOPIC_RE = re.compile("|".join(f"(?P<{name}>{pattern})" for name, (_, pattern) in _TOPICS.items()))
_TOPIC_WEIGHT = {f"#{name}": weight for name, (weight, _) in _TOPICS.items()}

# Words that say nothing about the problem itself: asking for anonymity, politeness, filler.
_NOISE_WORDS = re.compile(
    r"匿名|反映一下|反映|不要透露我的名字|别说是我|这事别让人知道是我说的|别公开我的身份|请问|老师|学校|同学们?|我们|你们|他们|大家"
    r"|希望|建议|能不能|可不可以|能否|是否|有没有|怎么|为什么|什么时候|啥时候|一下|一直|已经|总是|经常|最近|现在|今天|昨天|每天"
    r"|好几天|几天|一周|一个月|真的|特别|非常|实在|太|很|都|也|又|还|就|了|的|地|得|啊|呀|吧|呢|吗|嘛|哦|我|你|他|她|它|有人|这|那"
)
_CONTENT = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
# A building, hall or canteen with its own name; bare words (食堂, 宿舍楼) are no specific place.
_BUILDING = re.compile(r"([0-9一二三四五六七八九十]+)号(?:宿舍|学生|教学)?楼")
_BARE_PLACE = re.compile(r"食堂|餐厅|宿舍楼|图书馆|教学楼|学生公寓|公寓|操场|体育馆|实验室|报告厅|礼堂|大厅|会议室|学生社区")


@dataclass(frozen=True)
class Item:
    """One concern as grouping sees it."""

    id: int
    sender: int
    category: str
    text: str
    created_at: datetime
    place: str | None = None  # None: found in the text


@dataclass(frozen=True)
class Signature:
    """What a concern's text is about: its specific place and its weighted features."""

    place: str | None
    weights: dict[str, float] = field(hash=False)
    norm: float = 0.0


def specific_place(text: str) -> str | None:
    """Return the specific place a normalised text names ("3号楼", "二食堂"), or None."""
    building = _BUILDING.search(text)
    if building:
        number = to_int(building.group(1))
        return f"{number}号楼" if number is not None else building.group()
    place = find_place(text)
    if place is None or _BARE_PLACE.fullmatch(place):
        return None
    return place


@lru_cache(maxsize=65536)
def signature(text: str) -> Signature:
    """Return the place and the weighted features (bigrams and topics) of a concern's text."""
    t = normalise(text)
    place = specific_place(t)
    weights: dict[str, float] = {}
    for match in _TOPIC_RE.finditer(t):
        key = f"#{match.lastgroup}"
        weights[key] = _TOPIC_WEIGHT[key]
    if place:
        t = t.replace(place, " ")
    t = _BUILDING.sub(" ", t)
    for run in _CONTENT.findall(_NOISE_WORDS.sub(" ", t)):
        if len(run) == 1:
            weights.setdefault(run, 0.5)
        for i in range(len(run) - 1):
            weights.setdefault(run[i : i + 2], 1.0)
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return Signature(place=place, weights=weights, norm=norm)


def similarity(a: Signature, b: Signature) -> float:
    """Return the cosine similarity of two signatures' features (0 when their places differ)."""
    if a.place != b.place or not a.norm or not b.norm:
        return 0.0
    small, large = (a.weights, b.weights) if len(a.weights) <= len(b.weights) else (b.weights, a.weights)
    dot = sum(w * large[f] for f, w in small.items() if f in large)
    return dot / (a.norm * b.norm)


@dataclass
class _Group:
    members: list[Item]
    exemplars: list[Signature]


def find_groups(items: Iterable[Item], threshold: float, min_people: int, window_days: int,
                now: datetime | None = None) -> list[list[Item]]:
    """Group similar concerns; return the groups raised by at least `min_people` different people."""
    since = now - timedelta(days=window_days) if now is not None else None
    ordered = sorted((i for i in items if since is None or i.created_at >= since),
                     key=lambda i: (i.created_at, i.id))
    groups = _cluster(ordered, threshold)
    return [g.members for g in groups if len({m.sender for m in g.members}) >= min_people]


def _cluster(ordered: Sequence[Item], threshold: float) -> list[_Group]:
    """One pass in time order: join the best matching group (by its exemplars) or start a new one."""
    groups: list[_Group] = []
    # (category, place) -> feature -> indexes of groups with an exemplar holding that feature
    index: dict[tuple[str, str | None], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for item in ordered:
        sig = signature(item.text)
        place = item.place if item.place is not None else sig.place
        if place != sig.place:
            sig = Signature(place=place, weights=sig.weights, norm=sig.norm)
        block = index[(item.category, place)]
        candidates: set[int] = set()
        for feature in sig.weights:
            hit = block.get(feature)
            if hit:
                candidates |= hit
        best, best_score = -1, threshold
        for g in candidates:
            score = max(similarity(sig, ex) for ex in groups[g].exemplars)
            if score >= best_score and (score > best_score or best == -1 or g < best):
                best, best_score = g, score
        if best == -1:
            groups.append(_Group(members=[item], exemplars=[sig]))
            best = len(groups) - 1
        else:
            group = groups[best]
            group.members.append(item)
            if len(group.exemplars) >= EXEMPLARS:
                continue
            group.exemplars.append(sig)
        for feature in sig.weights:
            block[feature].add(best)
    return groups
