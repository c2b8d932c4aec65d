"""Link assignment (N6): each school leader and middle chief links 1–3 counselors/ideology teachers, the
number set by the ratio of their totals; balanced, preferring the same department, then keeping
current links where they fit. `apply_links` ends the links dropped and starts the new ones (history kept by
`Link.since`/`until`).

Example: 60 counselors/teachers and 40 leaders → ratio 1.5: 20 leaders link 2, 20 link 1, and every
counselor/teacher has exactly one leader.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import AuditLog, Link, Person, PersonRole, School
from bot.terms.roles import LINKING_ROLES, MAX_MENTEES, MENTEE_ROLES, roles_zh


@dataclass(frozen=True)
class Who:
    id: int
    userid: str
    name: str
    department: str


@dataclass
class LeaderPlan:
    """One leader's proposal: kept, added and ended links."""

    leader: Who
    roles: str
    keep: list[Who] = field(default_factory=list)
    add: list[Who] = field(default_factory=list)
    end: list[Who] = field(default_factory=list)

    @property
    def mentees(self) -> list[Who]:
        return self.keep + self.add


@dataclass
class Suggestion:
    """The whole school's proposal."""

    leaders: int
    mentees: int
    ratio: float
    plans: list[LeaderPlan]
    unlinked: list[Who]  # counselors/teachers left without a leader (more than 3 per leader)

    @property
    def changes(self) -> int:
        return sum(len(p.add) + len(p.end) for p in self.plans)

    def as_json(self) -> dict[str, Any]:
        def who(w: Who) -> str:
            return w.userid

        return {
            "leaders": self.leaders, "mentees": self.mentees, "ratio": round(self.ratio, 3),
            "plans": [{"leader": p.leader.userid, "name": p.leader.name, "department": p.leader.department,
                       "keep": [who(w) for w in p.keep], "add": [who(w) for w in p.add],
                       "end": [who(w) for w in p.end]} for p in self.plans],
            "unlinked": [who(w) for w in self.unlinked],
        }

    def describe(self) -> str:
        """The proposal in Chinese, one line per leader that changes."""
        counts = [len(p.mentees) for p in self.plans] or [0]
        lines = [f"校领导和中层正职 {self.leaders} 人，辅导员和思政课教师 {self.mentees} 人，比例 {self.ratio:.2f}；"
                 f"每人联系 {min(counts)}–{max(counts)} 人，共 {self.changes} 处变动。"]
        for p in self.plans:
            if not p.add and not p.end:
                continue
            parts = [f"保留 {'、'.join(w.name for w in p.keep) or '—'}"]
            if p.add:
                parts.append(f"新增 {'、'.join(f'{w.name}（{w.department}）' for w in p.add)}")
            if p.end:
                parts.append(f"结束 {'、'.join(w.name for w in p.end)}")
            lines.append(f"{p.leader.name}（{p.roles}，{p.leader.department}）：" + "；".join(parts))
        if self.unlinked:
            lines.append(f"未分配（每人最多{MAX_MENTEES}人）：" + "、".join(w.name for w in self.unlinked))
        return "\n".join(lines)


def _people(db: Session, school: School, roles: frozenset[str]) -> dict[int, tuple[Who, set[str]]]:
    rows = db.execute(
        select(Person.id, Person.userid, Person.name, Person.department, PersonRole.role)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(Person.school_id == school.id, Person.active.is_(True), PersonRole.role.in_(tuple(roles)))
        .order_by(Person.id)
    )
    out: dict[int, tuple[Who, set[str]]] = {}
    for pid, userid, name, dept, role in rows:
        out.setdefault(pid, (Who(pid, userid, name, dept or ""), set()))[1].add(role)
    return out


def _quotas(n_leaders: int, n_mentees: int) -> tuple[list[int], int]:
    """Return the leaders' link counts (largest first) and each mentee's capacity."""
    if n_mentees >= n_leaders:
        base, extra = divmod(n_mentees, n_leaders)
        quotas = [min(MAX_MENTEES, base + (i < extra)) for i in range(n_leaders)]
        return quotas, 1
    return [1] * n_leaders, -(-n_leaders // n_mentees)


def suggest_links(db: Session, school: School, today: date) -> Suggestion:
    """Propose 1–3 counselors/teachers per leader from the ratio, balanced, same department first."""
    leaders = _people(db, school, LINKING_ROLES)
    mentees = {pid: who for pid, (who, _) in _people(db, school, MENTEE_ROLES).items() if pid not in leaders}
    if not leaders or not mentees:
        return Suggestion(len(leaders), len(mentees), 0.0, [], list(mentees.values()))
    current: dict[int, list[int]] = defaultdict(list)
    for leader_id, mentee_id in db.execute(
        select(Link.leader_id, Link.mentee_id).where(Link.school_id == school.id, Link.since <= today,
                                                     (Link.until.is_(None)) | (Link.until > today)).order_by(Link.id)
    ):
        current[leader_id].append(mentee_id)
    quotas, capacity = _quotas(len(leaders), len(mentees))
    # Leaders with more current links take the larger quotas, so kept links fit.
    order = sorted(leaders, key=lambda lid: (-len(current.get(lid, [])), lid))
    quota = dict(zip(order, quotas, strict=True))
    load: dict[int, int] = defaultdict(int)
    chosen: dict[int, list[int]] = defaultdict(list)

    def link(lid: int, mid: int) -> bool:
        if mid not in mentees or mid in chosen[lid] or len(chosen[lid]) >= quota[lid] or load[mid] >= capacity:
            return False
        chosen[lid].append(mid)
        load[mid] += 1
        return True

    def same_department(lid: int, mid: int) -> bool:
        return mentees[mid].department == leaders[lid][0].department

    by_dept: dict[str, list[int]] = defaultdict(list)
    for mid, who in sorted(mentees.items()):
        by_dept[who.department].append(mid)

    def fill(pool_of: Callable[[int], list[int]]) -> None:
        """Round-robin over leaders, one link each per turn, least-loaded mentee first."""
        progress = True
        while progress:
            progress = False
            for lid in order:
                free = [m for m in pool_of(lid) if load[m] < capacity and m not in chosen[lid]]
                if free and len(chosen[lid]) < quota[lid]:
                    progress |= link(lid, min(free, key=lambda m: (load[m], m)))

    # Same department first (current links before new ones), then current links elsewhere, then anyone.
    for lid in order:
        for mid in current.get(lid, []):
            if mid in mentees and same_department(lid, mid):
                link(lid, mid)
    fill(lambda lid: by_dept.get(leaders[lid][0].department, []))
    for lid in order:
        for mid in current.get(lid, []):
            link(lid, mid)
    fill(lambda lid: sorted(mentees))
    plans = []
    for lid in sorted(leaders, key=lambda i: (leaders[i][0].department, i)):
        who, roles = leaders[lid]
        kept = [m for m in chosen[lid] if m in current.get(lid, [])]
        plans.append(LeaderPlan(
            who, roles_zh(roles), keep=[mentees[m] for m in kept],
            add=[mentees[m] for m in chosen[lid] if m not in kept],
            end=[_who(db, m, mentees) for m in current.get(lid, []) if m not in chosen[lid]],
        ))
    unlinked = [who for mid, who in sorted(mentees.items()) if load[mid] == 0]
    return Suggestion(len(leaders), len(mentees), len(mentees) / len(leaders), plans, unlinked)


def _who(db: Session, pid: int, known: dict[int, Who]) -> Who:
    if pid in known:
        return known[pid]
    p = db.get(Person, pid)
    assert p is not None
    return Who(p.id, p.userid, p.name, p.department)


def apply_links(db: Session, school: School, suggestion: Suggestion, today: date, now: datetime,
                actor: str = "cli") -> tuple[int, int]:
    """Apply a suggestion: end dropped links today, start new ones today; return (added, ended)."""
    added = ended = 0
    for plan in suggestion.plans:
        for who in plan.end:
            for link in db.scalars(select(Link).where(Link.leader_id == plan.leader.id, Link.mentee_id == who.id,
                                                      Link.until.is_(None))):
                link.until = today
                ended += 1
        for who in plan.add:
            db.add(Link(school_id=school.id, leader_id=plan.leader.id, mentee_id=who.id, since=today,
                        source="suggest"))
            added += 1
    db.add(AuditLog(school_id=school.id, actor=actor, action="links.apply", target=school.code,
                    detail={"added": added, "ended": ended}, at=now))
    return added, ended
