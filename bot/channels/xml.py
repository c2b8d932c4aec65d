"""Safe, whitespace-preserving XML for the WeChat protocols: read a flat `<xml>` document and write one.

WeCom and the Official Account speak `<xml><Tag><![CDATA[value]]></Tag>...</xml>`. We parse it with
expat ourselves (no DOCTYPE, no entities, bounded size and depth: XML bombs and external entities are
refused) and keep every character of the text as sent, which wechatpy's parse_message does not.

Example: `read_fields(b"<xml><Content><![CDATA[ 你好 ]]></Content></xml>")` → `{"Content": " 你好 "}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NoReturn
from xml.parsers import expat

MAX_BYTES = 64 * 1024
MAX_DEPTH = 6
MAX_ELEMENTS = 256
# Characters XML 1.0 forbids even inside CDATA; a reply containing them would be invalid XML.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class XMLRefused(ValueError):
    """The body is not the small, plain XML document the platform sends."""


def read_fields(body: bytes | str) -> dict[str, str]:
    """Return the text of each element under the root `<xml>` (nested ones too, first wins)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    if len(data) > MAX_BYTES:
        raise XMLRefused("document too large")
    reader = _FlatReader()
    try:
        reader.parse(data)
    except expat.ExpatError as exc:
        raise XMLRefused(f"not well-formed XML: {exc}") from None
    if reader.root != "xml":
        raise XMLRefused("root element is not <xml>")
    return reader.fields


class _FlatReader:
    """An expat parser that refuses DTDs and entities and collects leaf texts by tag name."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.root = ""
        self._stack: list[tuple[str, list[str]]] = []
        self._elements = 0
        p = expat.ParserCreate(encoding=None)
        p.buffer_text = True
        p.StartDoctypeDeclHandler = self._refuse
        p.EntityDeclHandler = self._refuse
        p.UnparsedEntityDeclHandler = self._refuse
        p.ExternalEntityRefHandler = self._refuse
        p.NotationDeclHandler = self._refuse
        p.SkippedEntityHandler = self._refuse
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._text
        self._parser = p

    def parse(self, data: bytes) -> None:
        self._parser.Parse(data, True)

    def _refuse(self, *args: object) -> NoReturn:
        raise XMLRefused("DTDs and entities are not accepted")

    def _start(self, name: str, attrs: Mapping[str, str]) -> None:
        self._elements += 1
        if self._elements > MAX_ELEMENTS or len(self._stack) >= MAX_DEPTH:
            raise XMLRefused("document too complex")
        if not self._stack:
            self.root = name
        self._stack.append((name, []))

    def _end(self, name: str) -> None:
        tag, parts = self._stack.pop()
        if self._stack and tag not in self.fields:
            self.fields[tag] = "".join(parts)

    def _text(self, data: str) -> None:
        if self._stack:
            self._stack[-1][1].append(data)


def cdata(text: str) -> str:
    """Wrap text in CDATA safely: `]]>` is split across two sections; forbidden characters are dropped."""
    clean = _FORBIDDEN.sub("", text)
    return "<![CDATA[" + clean.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def elements(fields: Mapping[str, str | int]) -> str:
    """Render elements: strings as CDATA, integers as plain numbers."""
    return "".join(f"<{tag}>{value if isinstance(value, int) else cdata(value)}</{tag}>"
                   for tag, value in fields.items())


def write_fields(fields: Mapping[str, str | int], inner: str = "") -> str:
    """Render a flat `<xml>` document, with optional pre-rendered nested elements at the end."""
    return f"<xml>{elements(fields)}{inner}</xml>"
