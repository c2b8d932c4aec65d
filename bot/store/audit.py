"""The audit log: who did or read what, when, from which address — never the content. Rows are only ever
added (retention's purge of rows past `[retention] audit_days` is the one deletion, and it leaves a row
saying what it removed), and each row is chained to the one before by SHA-256, so that a row edited or
removed in the database is found by `contactbot audit verify`.

A row is written with `record()` (or a plain `db.add(AuditLog(...))`); its place in the chain is given
when its transaction commits: the last thing the commit does is lock the chain's head, number the new
rows and hash them. Rows therefore chain in commit order, and the lock is held only while committing.

Example: `record(db, school_id=1, actor="console:wang", action="concern.read", target="concern#12",
at=now, address="10.0.0.8")`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from bot.store.models import AuditHead, AuditLog

GENESIS = "0" * 64
PURGE_ACTION = "audit.purge"
_PENDING = "contactbot_audit_pending"


def record(db: Session, *, school_id: int | None, actor: str, action: str, target: str = "",
           detail: dict[str, Any] | None = None, at: datetime, address: str = "") -> AuditLog:
    """Add one audit row to the caller's transaction (chained when it commits)."""
    row = AuditLog(school_id=school_id, actor=actor[:64], action=action, target=target[:200], detail=detail or {},
                   at=at, address=address[:64])
    db.add(row)
    return row


def digest(row: AuditLog, prev_hash: str) -> str:
    """Return the SHA-256 of a row's fields and the hash before it."""
    at = row.at.astimezone(timezone.utc).isoformat()
    body = json.dumps([row.seq, prev_hash, row.school_id, row.actor, row.action, row.target, row.detail, at,
                       row.address or ""], sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def chain_pending(db: Session) -> int:
    """Lock the head and chain every row not chained yet, oldest first; return how many."""
    db.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq))  # the lock, on every backend
    head = db.scalar(select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True))
    if head is None:  # a database migrated before the chain existed is fixed by `db upgrade`
        return 0
    rows = list(db.scalars(select(AuditLog).where(AuditLog.seq.is_(None)).order_by(AuditLog.id)))
    for row in rows:
        row.seq = head.seq + 1
        row.prev_hash = head.hash
        row.row_hash = digest(row, head.hash)
        head.seq, head.hash = row.seq, row.row_hash
    return len(rows)


@event.listens_for(Session, "before_flush")
def _note_new_rows(session: Session, flush_context: Any, instances: Any) -> None:
    if any(isinstance(obj, AuditLog) for obj in session.new):
        session.info[_PENDING] = True


@event.listens_for(Session, "before_commit")
def _chain_on_commit(session: Session) -> None:
    session.flush()  # everything else first, so that the head's lock is the last one this commit takes
    if session.info.pop(_PENDING, False):
        chain_pending(session)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class Verdict:
    """What `audit verify` found."""

    rows: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(db: Session) -> Verdict:
    """Walk the chain: every hash recomputed, no gap, the head on the last row, purges accounted for."""
    problems: list[str] = []
    unchained = db.scalar(select(AuditLog.id).where(AuditLog.seq.is_(None)).limit(1))
    if unchained is not None:
        problems.append(f"id 为 {unchained} 的记录尚未入链（写入它的程序绕过了提交）")
    count, last_seq, prev = 0, 0, GENESIS
    for row in db.scalars(select(AuditLog).where(AuditLog.seq.is_not(None)).order_by(AuditLog.seq)):
        seq = int(row.seq or 0)
        if count == 0 and seq > 1:  # the oldest rows are gone: only a purge may have removed them
            through, last_hash = _latest_purge(db)
            if through != seq - 1 or last_hash != row.prev_hash:
                problems.append(f"第 1–{seq - 1} 号记录不见了，且没有与之相符的删除记录")
            prev = row.prev_hash or ""
        elif seq != last_seq + 1:
            problems.append(f"第 {last_seq + 1}–{seq - 1} 号记录被删除")
        if row.prev_hash != prev:
            problems.append(f"第 {seq} 号记录与前一条接不上")
        if digest(row, row.prev_hash or "") != row.row_hash:
            problems.append(f"第 {seq} 号记录（{row.action}）的内容被改动")
        count, last_seq, prev = count + 1, seq, row.row_hash or ""
    head = db.get(AuditHead, 1)
    if head is None:
        problems.append("缺少审计链的链头（请运行 contactbot db upgrade）")
    elif (head.seq, head.hash) != (last_seq, prev) and (count or head.seq):
        problems.append(f"链头指向第 {head.seq} 号记录，最后一条却是第 {last_seq} 号：末尾的记录被删除或改动")
    return Verdict(count, problems)


def _latest_purge(db: Session) -> tuple[int, str]:
    """Return through which number, and up to which hash, the newest purge removed rows ((0, "") for none)."""
    purge = db.scalar(select(AuditLog).where(AuditLog.action == PURGE_ACTION)
                      .order_by(AuditLog.seq.desc()).limit(1))
    if purge is None:
        return 0, ""
    return int(purge.detail.get("through_seq", 0)), str(purge.detail.get("last_hash", ""))
