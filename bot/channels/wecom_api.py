"""The WeCom (and Official Account) server API over HTTP: access tokens cached in Redis, explicit
timeouts, a bounded token refresh, and typed errors the outbox job understands.

We call the API with `requests` ourselves: wechatpy 1.8.18's `fetch_access_token` ignores
API_BASE_URL and has no timeout, and its `auto_retry` on token errors is unbounded.

Example: `api.call("message/send", {"touser": "zhaojianguo01", "msgtype": "text", ...})`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import redis
import requests

log = logging.getLogger(__name__)

TIMEOUT = (3.05, 10.0)  # (connect, read) seconds for every call
TOKEN_MARGIN_SECONDS = 300  # refresh a token this long before WeCom says it expires
TOKEN_ERRORS = frozenset({40014, 42001, 41001})  # invalid, expired, missing access_token
RATE_LIMIT_ERRORS = frozenset({45009, 45033, 45011})  # API frequency / concurrency limits
MAX_TOKEN_REFRESHES = 1  # per call: a second token error in a row is an error, not a loop


class ApiError(Exception):
    """The API answered with a non-zero errcode (or a token could not be had)."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"errcode {errcode}: {errmsg}")
        self.errcode, self.errmsg = errcode, errmsg


class RateLimited(ApiError):
    """45009/45033: the platform asks us to slow down; the outbox postpones without counting an attempt."""

    def __init__(self, errcode: int, errmsg: str, retry_after: float = 60.0) -> None:
        super().__init__(errcode, errmsg)
        self.retry_after = retry_after


class TransportError(Exception):
    """The API could not be reached or answered garbage (timeouts, refused connections, 5xx)."""


@dataclass(frozen=True)
class TokenSource:
    """Where an access token comes from: WeCom's corpid+secret, or an Official Account's appid+secret."""

    path: str  # "cgi-bin/gettoken" or "cgi-bin/token"
    params: Mapping[str, str]
    cache_key: str  # <prefix>:wecom-token:<corp>:<agent>


class Api:
    """One app's API: base URL, token source, a Redis token cache and a requests session."""

    def __init__(self, base_url: str, tokens: TokenSource, r: redis.Redis, http: requests.Session | None = None,
                 timeout: tuple[float, float] = TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens, self.redis, self.http, self.timeout = tokens, r, http, timeout

    def call(self, path: str, payload: Mapping[str, Any] | None = None, params: Mapping[str, str] | None = None,
             files: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """POST to `cgi-bin/<path>` with the access token; refresh it at most once on a token error."""
        token = self.token()
        body = json_body(payload) if payload is not None else None
        headers = {"Content-Type": "application/json; charset=utf-8"} if body is not None else None
        for refreshes in range(MAX_TOKEN_REFRESHES + 1):
            query = {**(params or {}), "access_token": token}
            result = self._request("POST", f"cgi-bin/{path}", params=query, data=body, headers=headers, files=files)
            code = int(result.get("errcode", 0) or 0)
            if code in TOKEN_ERRORS and refreshes < MAX_TOKEN_REFRESHES:
                log.info("access token rejected (%s); fetching a new one", code)
                token = self.token(stale=token)
                continue
            check(result)
            return result
        raise AssertionError("unreachable")

    def download(self, path: str, params: Mapping[str, str]) -> tuple[bytes, str]:
        """GET a file from `cgi-bin/<path>` (media/get) with the access token; return its bytes and type.

        WeCom answers a file as itself and an error as JSON; a token error is refreshed at most once.
        """
        token = self.token()
        for refreshes in range(MAX_TOKEN_REFRESHES + 1):
            response = self._send("GET", f"cgi-bin/{path}", params={**params, "access_token": token})
            kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if kind not in ("application/json", "text/plain", ""):
                return response.content, kind
            result = self._json(response, "GET", path)
            code = int(result.get("errcode", 0) or 0)
            if code in TOKEN_ERRORS and refreshes < MAX_TOKEN_REFRESHES:
                token = self.token(stale=token)
                continue
            check(result)
            raise ApiError(-1, f"{path} answered JSON instead of a file")
        raise AssertionError("unreachable")

    def token(self, stale: str | None = None) -> str:
        """Return the cached access token, fetching a new one if none is cached or `stale` was rejected.

        The cache is Redis, shared by every process; while Redis is away, this process's own copy.
        """
        key = self.tokens.cache_key
        try:
            cached = self.redis.get(key)
        except redis.RedisError:
            cached = _local_token(key)
        if cached and cached != stale:
            return str(cached)
        result = self._request("GET", self.tokens.path, params=dict(self.tokens.params))
        check(result)
        token = result.get("access_token")
        if not isinstance(token, str) or not token:
            raise ApiError(-1, "gettoken answered without an access_token")
        expires_in = int(result.get("expires_in", 7200) or 7200)
        ttl = max(60, expires_in - TOKEN_MARGIN_SECONDS)
        _LOCAL_TOKENS[key] = (token, time.monotonic() + ttl)
        try:
            self.redis.set(key, token, ex=ttl)
        except redis.RedisError:
            log.warning("Redis is away: the access token is cached in this process only")
        return token

    def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return self._json(self._send(method, path, **kwargs), method, path)

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = f"{self.base_url}/{path}"
        try:
            if self.http is not None:
                response = self.http.request(method, url, timeout=self.timeout, **kwargs)
            else:
                with requests.Session() as http:
                    response = http.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise TransportError(f"{method} {path}: {exc.__class__.__name__}: {exc}") from None
        if response.status_code >= 500:
            raise TransportError(f"{method} {path}: HTTP {response.status_code}")
        return response

    @staticmethod
    def _json(response: requests.Response, method: str, path: str) -> dict[str, Any]:
        try:
            result = response.json()
        except ValueError:
            raise TransportError(f"{method} {path}: HTTP {response.status_code}, not JSON") from None
        if not isinstance(result, dict):
            raise TransportError(f"{method} {path}: unexpected JSON")
        return result


_LOCAL_TOKENS: dict[str, tuple[str, float]] = {}  # cache key → (token, monotonic expiry), for when Redis is away


def _local_token(key: str) -> str | None:
    token, until = _LOCAL_TOKENS.get(key, ("", 0.0))
    return token if token and time.monotonic() < until else None


def json_body(payload: Mapping[str, Any]) -> bytes:
    """Serialise a request body the same way every time (UTF-8, fixed separators, keys in given order)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def check(result: Mapping[str, Any]) -> None:
    """Raise the typed error for a non-zero errcode."""
    code = int(result.get("errcode", 0) or 0)
    if code == 0:
        return
    message = str(result.get("errmsg", ""))
    if code in RATE_LIMIT_ERRORS:
        raise RateLimited(code, message)
    raise ApiError(code, message)
