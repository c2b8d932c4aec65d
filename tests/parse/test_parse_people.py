"""The roster index: reading the CSV (with a BOM) and looking people up."""

from __future__ import annotations

from pathlib import Path

from bot.parse import People, PersonRef

CSV = (
    "\ufeffuserid,name,roles,department,class,title,mentees\n"
    "zhaojianguo01,赵建国,school_leader,校领导,,党委书记,wangli01;wangjianjun01\n"
    "wangli01,王丽,counselor,计算机与信息工程学院,,辅导员,\n"
    "shizhigang01,石志刚,middle_chief;student_affairs_head,党委学生工作部,,部长,\n"
)


def test_from_csv_reads_roles_and_mentees(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(CSV, encoding="utf-8")
    people = People.from_csv(path)
    assert len(people) == 3
    leader = people.get("zhaojianguo01")
    assert leader == PersonRef("zhaojianguo01", "赵建国", frozenset({"school_leader"}), ("wangli01", "wangjianjun01"))
    chief = people.get("shizhigang01")
    assert chief is not None and chief.roles == frozenset({"middle_chief", "student_affairs_head"})
    assert people.get("nobody") is None
    assert [m.userid for m in people.mentees_of("zhaojianguo01")] == ["wangli01"]  # unknown userids are skipped


def test_compound_surnames() -> None:
    assert PersonRef("oy01", "欧阳娜娜", frozenset({"counselor"})).surname == "欧阳"
    assert PersonRef("w01", "王丽", frozenset({"counselor"})).surname == "王"
