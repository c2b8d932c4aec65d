"""Risk and category of one message: rules OR model, in two tiers. The one entry point for crisis work.

`assess(text)` -> Assessment(risk, category, signals, score):
- risk "crisis": a rule signal held after its modifiers, or the model's score at or above its
  crisis threshold (page now); "watch": distress without an explicit signal (the model between its
  watch and crisis thresholds, a signal muted as past and resolved or denied, or distress words):
  the counselor sees it the same day; "none" otherwise.
- category: for a crisis, safety when the danger is violence or an emergency and nothing
  self-directed was said, else mental; for anything else what the person wants fixed (the learned
  category, with the keyword rules added where they are sure).
- signals: which rules fired ("plan:other", "wish:self") and "model" when the model did: the alert and
  the audit log name them.

Example message: "室友把药都攒起来了 说今晚就全吃了" -> Assessment("crisis", "mental", ("plan:other",), 0.97).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parse.concerns import asks, request_scores
from bot.parse.crisis import SAFETY_FAMILIES, Signal, framed, quiets_model, read
from bot.parse.model import Model, load_model
from bot.parse.text import normalise, strip_noise

RISKS = ("crisis", "watch", "none")
MODEL_SIGNAL = "model"
# A few characters give the model too little to go on ("好的谢谢"); the rules read short messages.
MODEL_MIN_CHARS = 6
# How much the keyword rules add to the learned category probabilities (measured out of fold).
RULE_WEIGHT = 1.0
# A keyword at least this heavy (热水, 复习; not a lone 床 or 课) names something to be fixed.
SURE_WORD = 2.0
# Below this learned probability, with no keyword either, a concern's category is "other".
UNSURE = 0.5
# Distress without an explicit signal: the watch tier.
_DISTRESS = re.compile(
    r"绝望|崩溃|撑不住|撑不下去|熬不下去|活着好累|活得好累|好想哭|(?:每天|天天|一直|总是|晚上|偷偷)[^,。!?]{0,8}哭|哭了(?:一整晚|一晚上|好久)"
    r"|(?:谁都|没人|没有人|谁也)(?:不)?在乎|一无是处|看不到(?:任何|一点|一丝)?希望|没有希望"
    r"|(?<!抗)抑郁|情绪[^,。!?]{0,4}(?:低落|低迷|失控)|想不开|心好累|好痛苦|很痛苦|喘不过气|不想见任何人|不想说话|什么都不想(?:做|干|动)|没有意义"
    r"|不想(?:再)?(?:上学|上课|读书|读了|念了)|不想(?:再)?(?:去|回)(?:上[^,。!?]{0,3}课|学校|宿舍|寝室|教室|社团|实验室|班里)|(?:好累|太累|好难受|太难受)[^。!?]{0,6}(?:是个头|熬到头|到头)|心(?:里)?(?:很|好|特别|一直)?慌(?!张)|(?<![姨傅])手抖|(?:觉得|感觉)自己(?:好|很|太|特别|真)?(?:失败|没用|差劲|多余|是个废物)"
    r"|提不起(?:任何|什么)?(?:兴趣|劲|精神)|对什么都没(?:有)?兴趣|(?:整个人|心里|心)空(?:空的|落落|荡荡)|吃不下[^。!?]{0,12}(?:睡不着|失眠)|(?:睡不着|失眠)[^。!?]{0,12}吃不下"
)


load_model()  # at import: start-up pays for the weights, not the first message


@dataclass(frozen=True)
class Assessment:
    """The tier, the category a crisis or concern belongs to, what fired, and the model's score."""

    risk: str  # crisis / watch / none
    category: str | None  # mental or safety for a crisis; the concern's category when it was needed, else None
    signals: tuple[str, ...]
    score: float

    @property
    def crisis(self) -> bool:
        """Tell whether this is the first tier (page now)."""
        return self.risk == "crisis"


NO_RISK = Assessment("none", None, (), 0.0)


def assess(text: str) -> Assessment:
    """Assess a raw chat message: normalise it, then read risk and category."""
    t = normalise(text)
    found = assess_normalised(t)
    return Assessment(found.risk, concern_category(t, found), found.signals, found.score)


def assess_normalised(t: str) -> Assessment:
    """Read the risk tier of a normalised message (the category is left to concern_category)."""
    model = load_model()
    reading = read(t)
    held, muted = reading.held, reading.muted
    score = model.crisis_score(t)
    learned = score >= model.crisis_threshold and len(strip_noise(t)) >= MODEL_MIN_CHARS and not quiets_model(t, reading)
    signals = tuple(dict.fromkeys(s.label() for s in held)) + ((MODEL_SIGNAL,) if learned else ())
    if held or learned:
        return Assessment("crisis", crisis_category(held, None if held else danger_category(t)), signals, score)
    muted_labels = tuple(dict.fromkeys(f"{s.label()}:muted" for s in muted))
    if muted or (_DISTRESS.search(t) and not framed(t)):  # a film about depression is no one's distress
        return Assessment("watch", None, muted_labels, score)
    if score >= model.watch_threshold:  # the model alone: distress only when the concern is about the mind
        category = learned_category(t)
        return Assessment("watch" if category == "mental" else "none", category, (), score)
    return Assessment("none", None, (), score)


def crisis_category(held: tuple[Signal, ...], learned: str | None) -> str:
    """Return safety for violence or an emergency with nothing self-directed, else mental."""
    families = {s.family for s in held}
    if families and families <= SAFETY_FAMILIES:
        return "safety"
    if not families and learned == "safety":
        return "safety"
    return "mental"


def danger_category(t: str, model: Model | None = None) -> str:
    """Return safety or mental for a crisis only the model heard, by the model's own heads: the keyword rules name
    what is to be fixed (一把刀, 电梯), not whose life is in danger."""
    ranked = (model or load_model()).category_scores(t)
    return "safety" if ranked["safety"] > ranked["mental"] else "mental"


def concern_category(t: str, found: Assessment) -> str:
    """Return the category of a normalised concern: mental/safety for a crisis, mental for distress that names and
    asks for nothing to be fixed (the watch tier), else what is to be fixed."""
    if found.category:
        return found.category
    if found.risk == "watch" and not asks(t) and max(request_scores(t).values(), default=0.0) < SURE_WORD:
        return "mental"
    return learned_category(t)


def learned_category(t: str, model: Model | None = None) -> str:
    """Return the learned category with the keyword rules' shares added where they fire."""
    ranked = (model or load_model()).category_scores(t)
    rules = request_scores(t)
    total = sum(rules.values())
    if not total and max(ranked.values()) < UNSURE:  # "我要反映问题": nothing yet says what is to be fixed
        return "other"
    if total:
        for category, score in rules.items():
            ranked[category] = ranked.get(category, 0.0) + RULE_WEIGHT * score / total
    return max(ranked, key=lambda c: ranked[c])
