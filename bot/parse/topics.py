"""What a contact was about, from keyword lists: 考研, 就业, 发展规划, 困难帮扶, 工作指导 ...

Example message: "本周一跟刘洋谈心 聊了聊辅导员职业发展" -> ("发展规划",).
"""

from __future__ import annotations

import re

_TOPICS: tuple[tuple[str, str], ...] = (
    ("考研", r"考研|读研|保研|升学"),
    ("就业", r"就业|求职|找工作|签约|招聘|简历|面试"),
    ("实习", r"实习"),
    ("考公", r"考公|公务员|选调|考编"),
    ("发展规划", r"发展规划|规划发展|职业规划|职业发展|工作规划|生涯规划|规划"),
    ("学业", r"学业|学习|课程|成绩|挂科|考试|学分"),
    ("心理健康", r"心理|情绪|压力|焦虑"),
    ("生活", r"生活|饮食|住宿|作息"),
    ("困难帮扶", r"家庭困难|家里困难|经济困难|帮扶|资助|困难"),
    ("适应", r"适应"),
    ("论文", r"论文|毕设|毕业设计"),
    ("科研", r"科研|课题|项目申报|申报项目"),
    ("职称评聘", r"职称|评聘|晋升"),
    ("进修深造", r"进修|读博|攻读|学位"),
    ("工作指导", r"工作指导|指导.{0,6}工作|业务指导"),
    ("班级情况", r"班级情况|班级管理|带班|班风|学风"),
    ("安全", r"安全|防诈|消防"),
    ("思想动态", r"思想(?!道德|政治)"),
    ("竞赛", r"竞赛|比赛"),
    ("党团建设", r"党建|入党|团建|入团"),
    ("出国留学", r"出国|留学"),
    ("创业", r"创业"),
    ("评奖评优", r"奖学金|评优|评奖"),
    ("意见建议", r"意见|建议"),
)
_TOPIC_RES = tuple((topic, re.compile(words)) for topic, words in _TOPICS)


def find_topics(text: str) -> tuple[str, ...]:
    """Return the topics a normalised message names, in table order; () when none."""
    return tuple(topic for topic, pattern in _TOPIC_RES if pattern.search(text))
