"""Rewrite an alternation so that every branch starts with a literal character, for speed only.

Python's `re` skips, in C, every position where no branch can start, but only when each top-level branch
begins with a literal; one branch that begins with a group, a class or a look-behind makes it try every
branch at every position. The crisis families are written for people to read (shared heads in groups,
optional words in front); this gives `re` the same alternation with each head spelt out, in the same order,
so it matches exactly what the source matches, several times faster on messages that match nothing.

Example: "(?:想|好想)死|(?<!被)踢" -> "想死|好想死|踢(?<!被踢)".
Handled heads: a literal, a non-capturing group (optional or not), a class of single characters or short
ranges (optional, or repeated with +), \\d, and a look-behind in front (moved behind the literal that follows).
Anything else is left as it stands (correct, only slower): `unled_branches` names such branches for the tests.
"""

from __future__ import annotations

import re

_META = frozenset(".^$*+?{}[]\\|()")
_DIGITS = "0123456789"
_WIDEST_RANGE = 40  # a class range wider than this is left alone (it would spell out too many branches)


def lead_with_literals(pattern: str) -> str:
    """Return the pattern with every top-level branch led by a literal where its head can be spelt out."""
    out: list[str] = []
    for branch in _branches(pattern):
        out.extend(_expand(branch) or [branch])
    return "|".join(out)


def unled_branches(pattern: str) -> list[str]:
    """Return the top-level branches whose head cannot be spelt out as literals."""
    return [branch for branch in _branches(pattern) if _expand(branch) is None]


def _branches(pattern: str) -> list[str]:
    """Split a pattern at its top-level bars."""
    branches, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(pattern, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    return branches


def _class_end(pattern: str, i: int) -> int:
    """Return the index just past the character class opening at i."""
    j = i + 1
    if pattern[j : j + 1] == "^":
        j += 1
    if pattern[j : j + 1] == "]":
        j += 1
    while pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _group_end(pattern: str, i: int) -> int:
    """Return the index just past the group opening at i."""
    depth, j = 0, i
    while True:
        c = pattern[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = _class_end(pattern, j)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1


def _quantifier(pattern: str, i: int) -> tuple[str, int]:
    """Return the quantifier standing at i ("" for none) and the index past it."""
    if pattern[i : i + 1] in ("?", "*", "+") and i < len(pattern):
        return pattern[i], i + 1
    if pattern[i : i + 1] == "{":
        end = pattern.index("}", i) + 1
        return pattern[i:end], end
    return "", i


def _class_chars(body: str) -> list[str] | None:
    """Return the characters a simple class body stands for, or None for a negated or wide one."""
    if body.startswith("^"):
        return None
    chars: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            if body[i + 1 : i + 2] != "d":
                return None
            chars.extend(_DIGITS)
            i += 2
        elif i + 2 < len(body) and body[i + 1] == "-":
            low, high = ord(c), ord(body[i + 2])
            if high - low > _WIDEST_RANGE:
                return None
            chars.extend(map(chr, range(low, high + 1)))
            i += 3
        else:
            chars.append(c)
            i += 1
    return chars


def _expand(branch: str) -> list[str] | None:
    """Return branches that match what `branch` matches, in its order, each led by a literal; None if it cannot."""
    if not branch:
        return None
    if branch[0] not in _META:
        return [branch]
    if branch.startswith("\\d"):
        return _spell_class(list(_DIGITS), "\\d", branch, 2)
    if branch[0] == "[":
        end = _class_end(branch, 0)
        chars = _class_chars(branch[1 : end - 1])
        return None if chars is None else _spell_class(chars, branch[:end], branch, end)
    if branch.startswith(("(?<!", "(?<=")):
        end = _group_end(branch, 0)
        look = branch[: end - 1]
        heads = _expand(branch[end:])
        # (?<!A)cR == c(?<!Ac)R: the look-behind moves behind the literal and takes it in
        return None if heads is None else [_lead(h) + look + _lead(h) + ")" + h[len(_lead(h)) :] for h in heads]
    if branch.startswith("(?:"):
        end = _group_end(branch, 0)
        quantifier, after = _quantifier(branch, end)
        if quantifier not in ("", "?"):
            return None
        rest = branch[after:]
        options = [inner + rest for inner in _branches(branch[3 : end - 1])] + ([rest] if quantifier else [])
        return _expand_all(options)
    return None


def _lead(branch: str) -> str:
    """Return the literal a led branch starts with, as written (an escaped character keeps its backslash)."""
    return branch[:2] if branch.startswith("\\") else branch[:1]


def _spell_class(chars: list[str], cls: str, branch: str, end: int) -> list[str] | None:
    """Spell out a class head: one branch per character, in the class's order."""
    quantifier, after = _quantifier(branch, end)
    rest = branch[after:]
    if quantifier == "":
        return [re.escape(c) + rest for c in chars]
    if quantifier == "+":
        return [re.escape(c) + cls + "*" + rest for c in chars]
    if quantifier == "?":
        tail = _expand(rest)
        return None if tail is None else [re.escape(c) + rest for c in chars] + tail
    return None


def _expand_all(options: list[str]) -> list[str] | None:
    """Expand each option in turn; None if any cannot be led by a literal."""
    out: list[str] = []
    for option in options:
        expanded = _expand(option)
        if expanded is None:
            return None
        out.extend(expanded)
    return out
