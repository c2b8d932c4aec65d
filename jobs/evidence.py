"""Fetch the photos leaders send as evidence for a record (N20) from WeCom while their media ids are
valid (three days), and keep them under `[evidence] directory`, so the console shows the picture.

Idempotent: a photo is fetched once (its `stored_path` is set); a failed fetch is tried again on the
next runs, at most FETCH_ATTEMPTS times. A school without a WeCom app is skipped.

Example: zhaojianguo01 sends a photo after "今天去3号楼215宿舍看望学生" → Evidence(media_id=…) → this job
calls media/get and writes instance/evidence/default/17.jpg.
"""

from __future__ import annotations

import logging

import requests
from sqlalchemy import select

from bot.channels.registry import build_channel
from bot.channels.wecom import WecomChannel
from bot.channels.wecom_api import ApiError, TransportError
from bot.chat.context import Deps
from bot.contacts.evidence import FETCH_ATTEMPTS, VALID_FOR, store_photo
from bot.store.models import Contact, Evidence, School

log = logging.getLogger(__name__)

BATCH = 50
MAX_BYTES = 10 * 1024 * 1024  # WeCom's limit for an image
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}


def fetch_evidence(deps: Deps, limit: int = BATCH) -> int:
    """Fetch the photos not yet stored; return how many were stored."""
    now = deps.clock()
    with deps.sessions() as db:
        due = db.execute(
            select(Evidence.id, Evidence.media_id, School.code)
            .join(Contact, Contact.id == Evidence.contact_id).join(School, School.id == Contact.school_id)
            .where(Evidence.kind == "image", Evidence.media_id.is_not(None), Evidence.stored_path.is_(None),
                   Evidence.fetch_attempts < FETCH_ATTEMPTS, Evidence.at >= now - VALID_FOR)
            .order_by(Evidence.id).limit(limit)
        ).all()
    if not due:
        return 0
    stored = 0
    channels: dict[str, WecomChannel | None] = {}
    with requests.Session() as http:
        for evidence_id, media_id, code in due:
            if code not in channels:
                channel = build_channel(deps, "wecom", code, http)
                channels[code] = channel if isinstance(channel, WecomChannel) else None
            channel = channels[code]
            if channel is None:
                continue
            stored += fetch_one(deps, channel, evidence_id, str(media_id), code)
    return stored


def fetch_one(deps: Deps, channel: WecomChannel, evidence_id: int, media_id: str, school_code: str) -> int:
    """Download one photo and record where it is kept; count a failed attempt instead. Return 1 if stored."""
    relative: str | None = None
    try:
        data, kind = channel.api().download("media/get", {"media_id": media_id})
        extension = EXTENSIONS.get(kind)
        if extension is None or not data or len(data) > MAX_BYTES:
            raise ApiError(-1, f"not a usable image ({kind or 'no type'}, {len(data)} bytes)")
        relative = f"{school_code}/{evidence_id}{extension}"
        store_photo(deps.settings, deps.keyring, relative, data)
    except (ApiError, TransportError, OSError) as exc:
        log.warning("evidence %s (media %s) not fetched: %s", evidence_id, media_id, exc)
        relative = None
    with deps.sessions.begin() as db:
        row = db.get(Evidence, evidence_id)
        if row is None:
            return 0
        if relative is None:
            row.fetch_attempts += 1
            return 0
        row.stored_path = relative
    return 1
