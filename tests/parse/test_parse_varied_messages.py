"""Varied, terse phone-style messages from every kind of sender, checked on the contract fields they decide."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bot.parse import Parsed

Run = Callable[..., Parsed]
D1 = date(2026, 12, 1)  # a Tuesday
J3 = date(2027, 1, 3)  # a Sunday, in ISO week 53 of 2026

CASES: list[tuple[str, date, str, dict[str, Any]]] = [
    ("zhaojianguo01", J3, "这周一去宿舍看望留校学生", {"venue": "dorm", "date": "2026-12-28"}),
    ("zhaojianguo01", J3, "周五在食堂和学生吃饭", {"venue": "canteen", "date": "2027-01-01"}),
    ("zhaojianguo01", J3, "12月31日参加了学生跨年晚会", {"venue": "activity", "date": "2026-12-31"}),
    ("zhaojianguo01", J3, "元旦那天去宿舍看望留校学生", {"venue": "dorm", "date": "2027-01-01"}),
    ("zhaojianguo01", J3, "1号在宿舍和留校同学一起包饺子", {"venue": "dorm", "date": "2027-01-01"}),
    ("zhaojianguo01", D1, "30号晚上去宿舍", {"venue": "dorm", "date": "2026-11-30"}),
    ("zhaojianguo01", D1, "上个月25号听了张老师的课", {"kind": "mentee_activity", "date": "2026-11-25"}),
    ("zhaojianguo01", D1, "昨天 12号楼 查寝 走访8个宿舍 和二十余名学生交流", {"venue": "dorm", "students": None}),  # a hedge
    (
        "zhaojianguo01",
        D1,
        "补记 上周四晚 和学生会干部座谈 12人",
        {"venue": "talk", "date": "2026-11-26", "students": 12},
    ),
    ("zhaojianguo01", D1, "【面对面】今天中午一食堂 和5个大一同学吃饭", {"venue": "canteen", "students": 5}),
    ("zhaojianguo01", D1, "今天🍚 食堂 跟同学们吃了个饭😄", {"venue": "canteen", "students": None}),
    ("zhaojianguo01", D1, "11/30 班会 电气2201", {"venue": "class", "date": "2026-11-30"}),
    ("zhaojianguo01", D1, "2026.11.29 宿舍走访", {"venue": "dorm", "date": "2026-11-29"}),
    ("zhaojianguo01", D1, "十一月三十号 讲座", {"venue": "lecture", "date": "2026-11-30"}),
    ("zhaojianguo01", D1, "周日晚上 寝室 6人", {"venue": "dorm", "date": "2026-11-29", "students": 6}),
    ("zhaojianguo01", D1, "今天在第一教学楼301听课 学生45人", {"venue": "classroom", "students": 45}),
    ("zhaojianguo01", D1, "今天去3号楼302、305两个宿舍 和8名同学聊天", {"venue": "dorm", "students": 8}),
    ("zhaojianguo01", D1, "周二下午第3、4节 听计科2101的数据结构", {"venue": "classroom", "date": "2026-12-01"}),
    (
        "zhaojianguo01",
        D1,
        "今天上午9点 形势与政策 计科2101 计科2102 两个班 共120人",
        {"kind": "ideology_lecture", "students": 120},
    ),
    ("zhaojianguo01", D1, "今晚8点在线上开了个研究生座谈会", {"kind": "online", "venue": "online"}),
    ("zhaojianguo01", D1, "约了王老师明天谈", {"intent": "unknown"}),
    ("zhaojianguo01", D1, "下周三去听张老师的课", {"intent": "unknown"}),
    ("shizhigang01", D1, "本周一、二两天都在学生社区值班", {"kind": "frontline", "date": "2026-11-30"}),
    ("shizhigang01", D1, "今天在学工部接待学生一上午", {"kind": "frontline"}),
    ("longhaiyan01", D1, "研究生公寓值守3小时", {"kind": "frontline"}),
    (
        "yanfeng01",
        D1,
        "跟杨帆、陈静两位辅导员座谈 了解学生思想动态",
        {"kind": "mentee_talk", "counterparts": ["chenjing01", "yangfan01"]},
    ),
    ("yanfeng01", D1, "杨老师组织的班会我去听了", {"kind": "mentee_activity", "counterparts": ["yangfan01"]}),
    ("houjianhua01", D1, "去马院听了郑蕊老师的思政课", {"kind": "mentee_activity", "counterparts": ["zhengrui01"]}),
    ("houjianhua01", D1, "和郑蕊谈了谈教学科研的事", {"kind": "mentee_talk", "counterparts": ["zhengrui01"]}),
    ("konglingjun01", D1, "和刘思雨老师交流了思政课教学改革", {"kind": "mentee_talk", "counterparts": ["liusiyu01"]}),
    ("konglingjun01", D1, "周三上午听刘思雨讲中国近现代史纲要", {"kind": "mentee_activity"}),
    ("konglingjun01", D1, "周二晚上去计科学院女生宿舍转了转 看了5个寝室", {"venue": "dorm", "students": None}),
    (
        "luweiping01",
        D1,
        "周四晚上参加了机械2301的主题班会 肖军老师主持的",
        {"kind": "mentee_activity", "counterparts": ["xiaojun01"]},
    ),
    ("luweiping01", D1, "下午去食堂吃饭，和学生边吃边聊", {"venue": "canteen"}),
    (
        "lihongmei01",
        D1,
        "和黄晓燕一起参加电气2201的班会",
        {"kind": "mentee_activity", "counterparts": ["huangxiaoyan01"]},
    ),
    ("lihongmei01", D1, "到电气2201班开班会", {"venue": "class"}),
    ("taoyong01", D1, "卢伟老师和学生的谈心活动我也参加了", {"kind": "mentee_activity", "counterparts": ["luwei01"]}),
    ("leizhenyu01", D1, "昨晚参加了青年志愿者协会的年度总结会", {"venue": "club"}),
    ("sunguoqiang01", D1, "中午去二食堂陪餐 听取学生对饭菜的意见", {"venue": "canteen"}),
    ("yinlihua01", D1, "今天给心理委员做了一场培训", {"venue": "lecture"}),
    ("yinlihua01", D1, "下午在心理中心接待了3名来访学生", {"venue": "talk", "students": 3}),
    ("chenweidong01", D1, "给全校学生干部讲了一次廉洁教育课", {"venue": "lecture"}),
    ("chenweidong01", D1, "周一到法学院旁听了一节宪法课", {"venue": "classroom", "date": "2026-11-30"}),
    (
        "qianzhenhua01",
        D1,
        "今天和周晓梅老师一起给学生上了一堂思政课",
        {"kind": "ideology_lecture", "counterparts": ["zhouxiaomei01"]},
    ),
    (
        "zhouhaitao01",
        D1,
        "和赵磊、吴昊、孙悦三位老师分别面谈",
        {"kind": "mentee_talk", "counterparts": ["sunyue01", "wuhao01", "zhaolei01"]},
    ),
    ("duanwenjie01", D1, "本周二讲授形势与政策 机械2301 80人", {"kind": "ideology_lecture", "students": 80}),
    ("zouguodong01", D1, "在线和留学生视频连线", {"kind": "online"}),
    ("caorui01", D1, "我们宿舍的门锁坏了 晚上不安全", {"intent": "concern", "category": "safety"}),
    ("caorui01", D1, "有人在学校论坛上骂我 还把我照片发出去了", {"category": "safety"}),
    ("caorui01", D1, "我被人骗了2000块钱 说是刷单", {"category": "safety"}),
    ("caorui01", D1, "实验室的通风橱坏了 做实验很危险", {"category": "safety"}),
    ("caorui01", D1, "最近总是失眠 白天上课没精神", {"category": "mental", "crisis": False}),
    ("caorui01", D1, "和导师关系很紧张 不知道怎么办", {"category": "mental"}),
    ("caorui01", D1, "我室友好几天没出门了 也不吃饭 一直在哭", {"category": "mental"}),
    ("caorui01", D1, "室友说他活着就是个错误", {"crisis": True}),
    ("caorui01", D1, "真想一睡不醒", {"crisis": True}),
    ("caorui01", D1, "我觉得自己撑不下去了", {"crisis": True}),
    ("caorui01", D1, "我从楼上跳下去是不是就解脱了", {"crisis": True}),
    # A building on fire now is an ongoing emergency (corpus README), whatever the 吓死我了 before it.
    ("caorui01", D1, "吓死我了 宿舍楼着火了", {"category": "safety", "crisis": True}),
    ("caorui01", D1, "想死你们了 寒假什么时候放", {"crisis": False}),
    ("caorui01", D1, "忙死了 这周五个考试", {"category": "study", "crisis": False}),
    ("caorui01", D1, "班长收班费不公开账目", {"anonymous": False}),
    ("caorui01", D1, "能不能匿名提个意见 食堂窗口太少", {"category": "life", "anonymous": True}),
    ("caorui01", D1, "想去当兵 学校有什么政策", {"category": "career"}),
    ("caorui01", D1, "[微笑]", {"intent": "unknown"}),
    ("caorui01", D1, "我要反映问题", {"intent": "concern", "category": "other"}),
    ("wangli01", D1, "有个学生说要跳楼 现在在7号楼楼顶", {"intent": "concern", "crisis": True}),
    ("wangli01", D1, "今晚计科2101有学生打架 一人受伤送医", {"intent": "concern", "category": "safety"}),
    ("wangli01", D1, "想申请在职读博 学院不批", {"intent": "concern", "category": "career"}),
    ("zhaojianguo01", D1, "怎么撤销", {"intent": "help"}),
]


@pytest.mark.parametrize(("sender", "today", "text", "expect"), CASES, ids=[c[2][:12] for c in CASES])
def test_varied_message(run: Run, sender: str, today: date, text: str, expect: dict[str, Any]) -> None:
    got = run(text, sender=sender, today=today).contract()
    if "intent" not in expect:
        expect = {"intent": "log_contact" if "kind" in expect or "venue" in expect else "concern", **expect}
    if expect.get("venue") and "kind" not in expect:
        expect["kind"] = "face_to_face"
    assert {field: got[field] for field in expect} == expect
