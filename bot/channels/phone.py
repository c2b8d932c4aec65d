"""The crisis chain's SMS / voice-call gateway (issue 14): for the last steps, besides WeCom, the people
paged also get a text message or call through an HTTP gateway the school runs or buys (an adapter in
front of e.g. Tencent Cloud SMS or its voice notification). The outbox sends these rows ("phone"
channel) like any other, once: the gateway gets the row's dedupe key as `Idempotency-Key`.

The gateway's contract: POST `[crisis] call_url` with JSON {"to": "13800000000", "text": "…", "id": key},
`Authorization: Bearer <call_token>`; any 2xx answer means accepted. The text names the ticket number
and the wait, never the student or their words.

Example: phone_of(settings.crisis, "sunlixin01") -> "13800000001" from phones = ["sunlixin01=13800000001"].
"""

from __future__ import annotations

import requests

from bot.config import CrisisSettings

PHONE = "phone"  # the outbox channel of these rows
TIMEOUT_S = 10.0


class GatewayError(Exception):
    """The gateway did not accept the message (unreachable, or not a 2xx answer)."""


def phone_of(settings: CrisisSettings, userid: str) -> str | None:
    """Return the phone number configured for a person, or None."""
    for entry in settings.phones:
        who, _, phone = entry.partition("=")
        if who.strip() == userid:
            return phone.strip()
    return None


def calls_step(settings: CrisisSettings, step: int) -> bool:
    """Tell whether a step (counted from 0) also goes through the gateway."""
    return bool(settings.call_url) and step + 1 >= settings.call_from_step


def place_call(settings: CrisisSettings, http: requests.Session, to: str, text: str, key: str) -> None:
    """Hand one message to the gateway; raise GatewayError unless it accepted it."""
    try:
        response = http.post(settings.call_url, json={"to": to, "text": text, "id": key}, timeout=TIMEOUT_S,
                             headers={"Authorization": f"Bearer {settings.call_token}", "Idempotency-Key": key})
    except requests.RequestException as exc:
        raise GatewayError(f"短信/语音网关无法连接：{exc.__class__.__name__}") from None
    if not 200 <= response.status_code < 300:
        raise GatewayError(f"短信/语音网关返回 HTTP {response.status_code}")
