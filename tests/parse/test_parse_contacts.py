"""Contact reports: kind, venue, date, students, and the details the handlers keep (place, group, topics)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.parse import Parsed

Run = Callable[..., Parsed]


@pytest.mark.parametrize(
    ("text", "venue"),
    [
        ("昨晚去12号楼215宿舍看望学生", "dorm"),
        ("晚饭后去了趟北区学生公寓，跟大二的学生聊学习", "dorm"),
        ("上周日晚上到电气学院男生寝室查寝 顺便聊了聊 共走访7间", "dorm"),
        ("进宿舍 7号楼 和同学们聊了聊期末复习", "dorm"),
        ("今天随堂听了土木2102的结构力学", "classroom"),
        ("周二上午到会计2201的课堂 听了节财务管理", "classroom"),
        ("星期二上午随堂听课 软工2302 Java程序设计", "classroom"),
        ("进课堂 计科2203 数据结构", "classroom"),
        ("这周一到数学2102班里和同学们见面 讲了讲考研", "class"),
        ("1月5号下午 电气2201 班级见面会 二十六个同学", "class"),
        ("日语2301前天晚上开班会 我去旁听了", "class"),
        ("进班级 英语2202", "class"),
        ("今天中午在二食堂和几个大一新生一起吃饭，聊了聊适应情况", "canteen"),
        ("10月28日中午 学生餐厅 跟统计2301的同学一起吃饭", "canteen"),
        ("周二 食堂 陪餐", "canteen"),
        ("进食堂 二餐厅", "canteen"),
        ("今天上午去武术协会看学生训练💪", "club"),
        ("18号去英语角社团转了转 和学生用英语聊了一会", "club"),
        ("星期六下午参加了学生会换届大会 和新一届主席团6人见面", "club"),
        ("上午去篮球社看他们训练", "club"),
        ("进社团 动漫社", "club"),
        ("本周三在报告厅做了心理健康报告会，三百名学生参加", "lecture"),
        ("昨晚的求职技巧讲座是我主讲的 面向大四毕业生", "lecture"),
        ("下午给大一学生做了一场入学教育报告", "lecture"),
        ("进讲座 人工智能前沿讲座", "lecture"),
        ("今天给学生讲了一堂党课", "lecture"),
        ("本周二和马院学生党员一起过了主题党日", "activity"),
        ("昨天参加了纪念一二·九运动主题团日活动 和学生一起合唱", "activity"),
        ("星期天参加化材学院篮球赛决赛 给获奖学生颁奖", "activity"),
        ("参加校运动会开幕式", "activity"),
        ("礼拜天下午 志愿服务活动 20多名同学", "activity"),
        ("参加了学生的元旦晚会", "activity"),
        ("今天参加了计科学院的毕业生就业动员大会 讲了话", "activity"),
        ("周一上午 和两名家庭困难学生谈心", "talk"),
        ("昨天下午开了个学生座谈会 十五名学生代表参加 主要反映食堂问题", "talk"),
        ("今天开了校长接待日 接待了5名学生", "talk"),
        ("上个月28号和计科学院学生代表座谈", "talk"),
        ("和学生代表面对面交流", "talk"),
        ("周六去学院创新实验室 看望在做项目的学生", "other"),
        ("10/12 走访化学学院实验室", "other"),
        ("去看了看在工地实习的土木学生", "other"),
    ],
)
def test_face_to_face_venues(run: Run, text: str, venue: str) -> None:
    parsed = run(text)
    assert (parsed.intent, parsed.kind, parsed.venue) == ("log_contact", "face_to_face", venue)


@pytest.mark.parametrize(
    "text",
    [
        "上周二网上答疑 回复了外国语学院学生的留言",
        "上个月30号 腾讯会议线上见面会 机械学院毕业班 15人",
        "前天晚上通过微信视频和在外实习的三名学生聊了聊",
        "通过QQ和土木2402班长沟通，了解班级情况",
        "昨天在微信群里跟新生聊了聊适应情况",
        "在腾讯会议上开了个班会",
        "电话联系了生病住院的学生",
        "进网络 在学校公众号回复学生留言",
        "在线上给研究生做了学术规范讲座",
    ],
)
def test_online_wins_over_venue_words(run: Run, text: str) -> None:
    parsed = run(text)
    assert (parsed.intent, parsed.kind, parsed.venue) == ("log_contact", "online", "online")


def test_exchanging_wechat_in_person_stays_face_to_face(run: Run) -> None:
    assert run("在食堂和学生吃饭 加了几个同学的微信").venue == "canteen"


@pytest.mark.parametrize(
    "text",
    [
        "给计科2101讲了一堂思政课",
        "今天给全校新生上了形势与政策第一课",
        "形势与政策授课 12月30日 计科2401 已完成",
        "大前天承担了会计2201的一次思政课教学",
        "下午在电气学院讲形势与政策 对象是电气2201",
        "记一下上周五在法学院讲的思政课",
        "给大一新生讲了思想道德与法治第一课",
    ],
)
def test_teaching_ideology_yourself(run: Run, text: str) -> None:
    parsed = run(text)
    assert (parsed.kind, parsed.venue) == ("ideology_lecture", None)


def test_a_jobs_situation_report_is_a_lecture_not_ideology(run: Run) -> None:
    assert (run("给毕业生做了就业形势报告会").kind, run("给毕业生做了就业形势报告会").venue) == (
        "face_to_face",
        "lecture",
    )


@pytest.mark.parametrize(
    ("text", "sender", "counterparts"),
    [
        ("张老师今天的思政课我全程听了", "zhaojianguo01", ("zhangminghua01",)),
        ("昨天听了杨柳老师的思政课", "lihongmei01", ("yangliu01",)),
        ("本周二旁听了王老师和学生的谈心谈话", "xuehong01", ("wangli01",)),
        ("参加了王丽组织的主题班会", "zhaojianguo01", ("wangli01",)),
        ("王丽老师组织的班会我去参加了", "zhaojianguo01", ("wangli01",)),
        ("旁听王建军老师和学生的谈话", "zhaojianguo01", ("wangjianjun01",)),
        ("听了张明华老师的形势与政策课", "zhaojianguo01", ("zhangminghua01",)),
    ],
)
def test_mentee_activity(run: Run, text: str, sender: str, counterparts: tuple[str, ...]) -> None:
    parsed = run(text, sender=sender)
    assert (parsed.kind, parsed.venue, parsed.counterparts) == ("mentee_activity", None, counterparts)


@pytest.mark.parametrize(
    ("text", "sender", "counterparts"),
    [
        ("星期三下午跟林涛面谈 发展规划", "wangjie01", ("lintao01",)),
        ("约谈陈老师 了解她带的班级情况", "sunlixin01", ("chenjing01",)),
        ("周一和王丽、王建军两位辅导员面谈", "zhaojianguo01", ("wangjianjun01", "wangli01")),
        ("和王建军辅导员面对面交流了一次", "zhaojianguo01", ("wangjianjun01",)),
        ("与张明华老师交流了科研项目申报的事", "zhaojianguo01", ("zhangminghua01",)),
        ("约谈张明华老师，指导职称申报", "zhaojianguo01", ("zhangminghua01",)),
        ("周一和曾慧谈心 了解工作情况", "shizhigang01", ("zenghui01",)),
        ("昨天找高雪聊了聊，她最近家里困难，需要帮扶", "sunlixin01", ("gaoxue01",)),
    ],
)
def test_mentee_talk(run: Run, text: str, sender: str, counterparts: tuple[str, ...]) -> None:
    parsed = run(text, sender=sender)
    assert (parsed.kind, parsed.venue, parsed.counterparts) == ("mentee_talk", None, counterparts)


def test_staff_who_came_along_keep_the_kind(run: Run) -> None:
    parsed = run("和王丽一起去宿舍看望生病的学生")
    assert (parsed.kind, parsed.venue, parsed.counterparts) == ("face_to_face", "dorm", ("wangli01",))


@pytest.mark.parametrize(
    ("text", "half_days"),
    [
        ("今天全天在学生社区值守", 2.0),
        ("上午半天在学院一线", 1.0),
        ("在学生事务服务大厅坐了一整天 一线接待", 2.0),
        ("昨天下午驻点研究生公寓 前后待了三个多小时", 1.0),
        ("周三在学生社区蹲了一整天", 2.0),
        ("下午在学生事务大厅接待学生4个小时", 1.0),
    ],
)
def test_frontline(run: Run, text: str, half_days: float) -> None:
    parsed = run(text, sender="shizhigang01")
    assert (parsed.kind, parsed.venue, parsed.half_days) == ("frontline", None, half_days)


def test_details_for_the_handlers(run: Run) -> None:
    parsed = run("周一下午3点在3号楼215宿舍和计科2101的8名学生聊考研")
    assert parsed.date is not None and parsed.date.isoformat() == "2026-11-23"
    assert (parsed.date_explicit, parsed.part_of_day, parsed.students) == (True, "下午", 8)
    assert (parsed.place, parsed.group, parsed.topics) == ("3号楼215宿舍", "计科2101", ("考研",))
    assert run("今天在一食堂吃的午饭").place == "一食堂"
    assert run("上午去武术协会看学生训练").group == "武术协会"


def test_no_date_word_means_today(run: Run) -> None:
    parsed = run("去宿舍看望学生")
    assert parsed.date is not None and parsed.date.isoformat() == "2026-11-25"
    assert parsed.date_explicit is False
    assert parsed.contract()["date"] == "2026-11-25"


@pytest.mark.parametrize(
    ("text", "venue"),
    [
        ("给学生上了防溺水安全教育课", "lecture"),
        ("给计科2101上了一节专业课", "classroom"),
        ("给新生做了预防自杀讲座", "lecture"),
        ("去看学生上课", "classroom"),
        ("参观了学校的功能实验室 和学生交流", "activity"),
    ],
)
def test_teaching_a_lesson_and_prevention_talks(run: Run, text: str, venue: str) -> None:
    parsed = run(text)
    assert (parsed.intent, parsed.kind, parsed.venue, parsed.crisis) == ("log_contact", "face_to_face", venue, False)


def test_mentee_named_by_surname_and_dao(run: Run) -> None:
    parsed = run("王导今天带我去看了他们班的自习")
    assert (parsed.kind, parsed.name_choices) == ("mentee_activity", (("wangjianjun01", "wangli01"),))
    assert run("今天去看了看王丽带的计科2101").kind == "mentee_activity"


def test_plans_are_not_contacts(run: Run) -> None:
    assert run("明天去宿舍看看").intent == "unknown"


def test_students_preparing_is_not_the_senders_plan(run: Run) -> None:
    parsed = run("昨晚到12号楼415寝室看望学生 他们在准备四级", sender="zhaojianguo01")
    assert (parsed.intent, parsed.venue) == ("log_contact", "dorm")


def test_kaoyan_students_are_not_a_study_trip(run: Run) -> None:
    assert run("前天在图书馆和考研学生座谈", sender="zhaojianguo01").venue == "talk"
