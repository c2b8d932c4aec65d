"""Reports and records as JSON (`contactbot report … --format json`, the console's .json downloads): per
school and per leader the counts under fixed names (`face_to_face` is every in-person contact with
students as N1 counts it, lectures included and online never; then `ideology_lecture`, `mentee_talk`,
`online`, …) and the list of obligations, each with `rule`, `period`, `required`, `done`, `met`.

Example obligation:
    {"rule": "quarterly_mentee_talk", "clause": "N7", "period": "2026-Q4", "period_kind": "quarter",
     "start": "2026-10-01", "end": "2026-12-31", "counterpart": {"userid": "wangli01", "name": "王丽"},
     "required": 1, "done": 1, "met": true, "excused": false, "state": "met", "note": ""}
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.contacts.records import KIND_ZH, VENUE_ZH
from bot.rules.engine import EXCUSED, MET, Obligation
from bot.rules.leader_record import LeaderRecord, counterparts
from bot.rules.report_data import LeaderLine, Report, SchoolBlock, leaders_of, obligation_state
from bot.rules.standing import KINDS_ZH
from bot.terms.roles import roles_zh


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 1)


def obligation_json(o: Obligation) -> dict[str, Any]:
    """One rule in one period (and, for N7/N8, for one linked counselor/teacher)."""
    return {
        "rule": o.rule.id, "clause": o.rule.clause, "title": o.rule.title, "period": o.period.key,
        "period_kind": o.period.kind, "label": o.period.label, "start": o.period.start.isoformat(),
        "end": o.period.last_day.isoformat(),
        "counterpart": {"userid": o.mentee.userid, "name": o.mentee.name} if o.mentee is not None else None,
        "required": _number(o.required), "done": _number(o.done), "met": o.state == MET,
        "excused": o.state == EXCUSED, "ended": o.ended, "state": obligation_state(o), "note": o.note,
    }


def leader_json(line: LeaderLine) -> dict[str, Any]:
    """A leader: who, the counts (flat), the rates and every obligation."""
    p = line.person
    return {
        "userid": p.userid, "name": p.name, "school": line.school.code, "department": p.department, "title": p.title,
        "roles": sorted(p.roles), "roles_zh": roles_zh(p.roles), **line.counts.as_json(),
        "mentees": line.mentees, "rates": {rid: rate.as_json() for rid, rate in line.rates.items()},
        "obligations": [obligation_json(o) for o in line.obligations],
    }


def school_json(block: SchoolBlock) -> dict[str, Any]:
    """A school: its counts (flat), leaders by kind, rates, concerns, and each leader."""
    return {
        "code": block.code, "name": block.name, **block.counts.as_json(), "leaders_count": leaders_of(block),
        "rates": {rid: rate.as_json() for rid, rate in block.rates.items()}, "concerns": block.concerns.as_json(),
        "leaders": [leader_json(line) for line in block.leaders],
    }


def report_json(report: Report, tz: ZoneInfo) -> dict[str, Any]:
    """The whole report: the term, the total over its schools, and each school."""
    total = report.total
    return {
        "report": report.kind, "title": report.title, "period": report.term.as_json(),
        "department": report.department,
        "generated_at": report.generated_at.astimezone(tz).isoformat(timespec="seconds"),
        "total": {**total.counts.as_json(), "leaders_count": leaders_of(total),
                  "rates": {rid: rate.as_json() for rid, rate in total.rates.items()},
                  "concerns": total.concerns.as_json()},
        "schools": [school_json(block) for block in report.schools],
    }


def record_json(record: LeaderRecord, tz: ZoneInfo, words: bool = True) -> dict[str, Any]:
    """A leader's record (N19): the leader as in the report, plus standing links, confirmations, evidence and
    every record (`entries`; `records` is their count; without `words`, no message and no student named)."""
    c = record.counts
    return {
        "report": "leader", "period": record.term.as_json(), "school_name": record.school.name,
        "generated_at": record.generated_at.astimezone(tz).isoformat(timespec="seconds"),
        **leader_json(record.line),
        "standing_links": [{"kind": s.kind, "kind_zh": KINDS_ZH.get(s.kind, s.kind), "name": s.name,
                            "since": s.since.isoformat(), "until": s.until.isoformat() if s.until else None,
                            "records": len(s.contact_ids)} for s in record.standing],
        "confirmations": {"confirmed": c.confirmed, "disputed": c.disputed, "unconfirmed": c.unconfirmed},
        "evidence": {"with_photo": c.photos, "with_location": c.located},
        "concerns": {"owned": record.concerns_owned, "resolved": record.concerns_resolved},
        "entries": [{
            "id": r.id, "date": r.occurred_on.isoformat(), "kind": r.kind, "kind_zh": KIND_ZH.get(r.kind, r.kind),
            "venue": r.venue, "venue_zh": VENUE_ZH.get(r.venue or "", ""), "place": r.place, "group": r.group_name,
            "students": r.students, "counterparts": counterparts(r, words),
            "topics": list(r.topics), "backdated": r.backdated, "confirmation": r.confirmation,
            "photos": sum(e.kind == "image" for e in r.evidence),
            "location": any(e.kind == "location" for e in r.evidence),
            "received_at": r.received_at.astimezone(tz).isoformat(timespec="seconds"),
            "source_text": r.source_text if words else "",
        } for r in record.contacts],
    }
