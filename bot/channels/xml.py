"""Safe, whitespace-preserving XML for the WeChat protocols: read an `<xml>` document and write one.

WeCom and the Official Account speak `<xml><Tag><![CDATA[value]]></Tag>...</xml>`. We parse it with
expat ourselves (no DOCTYPE, no entities, bounded size and depth: XML bombs and external entities are
refused) and keep every character of the text as sent, which wechatpy's parse_message does not.

Example: `read_fields(b"<xml><Content><![CDATA[ 你好 ]]></Content></xml>")` → `{"Content": " 你好 "}`;
`read_tree` keeps repeated and nested elements (a template card's ButtonList, SelectedItems).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NoReturn
from xml.parsers import expat

MAX_BYTES = 64 * 1024
MAX_DEPTH = 6
MAX_ELEMENTS = 256
# Characters XML 1.0 forbids even inside CDATA; a reply containing them would be invalid XML.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class XMLRefused(ValueError):
    """The body is not the small, plain XML document the platform sends."""


@dataclass
class Node:
    """One element: its tag, its own text, and its child elements in order."""

    tag: str
    text: str = ""
    children: list[Node] = field(default_factory=list)

    def find(self, tag: str) -> Node | None:
        """Return the first child with this tag."""
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[Node]:
        """Return every child with this tag."""
        return [c for c in self.children if c.tag == tag]

    def findtext(self, tag: str) -> str:
        """Return the text of the first child with this tag, or ""."""
        child = self.find(tag)
        return child.text if child is not None else ""


def read_tree(body: bytes | str) -> Node:
    """Parse a document whose root is `<xml>` into nodes (repeated and nested elements kept)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    if len(data) > MAX_BYTES:
        raise XMLRefused("document too large")
    reader = _TreeReader()
    try:
        reader.parse(data)
    except expat.ExpatError as exc:
        raise XMLRefused(f"not well-formed XML: {exc}") from None
    if reader.root is None or reader.root.tag != "xml":
        raise XMLRefused("root element is not <xml>")
    return reader.root


def read_fields(body: bytes | str) -> dict[str, str]:
    """Return the text of each element under the root `<xml>` (nested ones too, first wins)."""
    return flat_fields(read_tree(body))


def flat_fields(tree: Node) -> dict[str, str]:
    """Return the text of each element under a node, by tag (nested ones too, first wins)."""
    fields: dict[str, str] = {}

    def collect(node: Node) -> None:
        for child in node.children:
            collect(child)
            fields.setdefault(child.tag, child.text)

    collect(tree)
    return fields


class _TreeReader:
    """An expat parser that refuses DTDs and entities and builds the element tree."""

    def __init__(self) -> None:
        self.root: Node | None = None
        self._stack: list[tuple[Node, list[str]]] = []
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
        node = Node(name)
        if self._stack:
            self._stack[-1][0].children.append(node)
        else:
            self.root = node
        self._stack.append((node, []))

    def _end(self, name: str) -> None:
        node, parts = self._stack.pop()
        node.text = "".join(parts)

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


XMLValue = str | int | Mapping[str, "XMLValue"] | list["XMLValue"]


def nested_elements(tag: str, value: XMLValue) -> str:
    """Render a value as elements: a mapping nests, a list repeats the tag, text is CDATA."""
    if isinstance(value, list):
        return "".join(nested_elements(tag, item) for item in value)
    if isinstance(value, Mapping):
        return f"<{tag}>" + "".join(nested_elements(k, v) for k, v in value.items()) + f"</{tag}>"
    return f"<{tag}>{value if isinstance(value, int) else cdata(value)}</{tag}>"
