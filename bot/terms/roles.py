"""Roles a roster can give a person, with the Chinese names schools write in their spreadsheets."""

from __future__ import annotations

SCHOOL_LEADER = "school_leader"
MIDDLE_CHIEF = "middle_chief"
STUDENT_AFFAIRS_HEAD = "student_affairs_head"
COUNSELOR = "counselor"
IDEOLOGY_TEACHER = "ideology_teacher"
STUDENT = "student"
ADMIN = "admin"

ALL_ROLES = (SCHOOL_LEADER, MIDDLE_CHIEF, STUDENT_AFFAIRS_HEAD, COUNSELOR, IDEOLOGY_TEACHER, STUDENT, ADMIN)

ROLE_NAMES_ZH = {
    SCHOOL_LEADER: "校领导",
    MIDDLE_CHIEF: "中层正职",
    STUDENT_AFFAIRS_HEAD: "学工负责人",
    COUNSELOR: "辅导员",
    IDEOLOGY_TEACHER: "思政课教师",
    STUDENT: "学生",
    ADMIN: "管理员",
}
ROLE_BY_ZH = {zh: role for role, zh in ROLE_NAMES_ZH.items()}

# Who reports contacts (N1–N8) and who is linked to whom (N6).
LEADER_ROLES = frozenset({SCHOOL_LEADER, MIDDLE_CHIEF, STUDENT_AFFAIRS_HEAD})
LINKING_ROLES = frozenset({SCHOOL_LEADER, MIDDLE_CHIEF})
MENTEE_ROLES = frozenset({COUNSELOR, IDEOLOGY_TEACHER})
STAFF_ROLES = frozenset(ALL_ROLES) - {STUDENT}
MAX_MENTEES = 3


def normalise_role(text: str) -> str | None:
    """Return the role id for an English id or a Chinese name, or None if unknown."""
    text = text.strip()
    if text in ALL_ROLES:
        return text
    return ROLE_BY_ZH.get(text)


def roles_zh(roles: frozenset[str] | set[str]) -> str:
    """Return the roles as Chinese names, in a stable order."""
    return "、".join(ROLE_NAMES_ZH[r] for r in ALL_ROLES if r in roles)
