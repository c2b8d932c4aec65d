"""Password strength for console accounts (等保 2.0: 身份鉴别): at least `[console] min_password_length`
characters (12 by default) and not guessable — zxcvbn's estimate must reach "safely unguessable" (3 of 4),
with the username, the person's name and userid, the school's code and name and the product's own
words counted as known, so "hbu2026hbu2026" or "zhaojianguo01!" are refused like "aaaaaaaaaaaa".

Example: `password_problem("aaaaaaaaaaaa", ["wang"], 12)` -> "密码太容易被猜到……".
"""

from __future__ import annotations

import re

from zxcvbn import zxcvbn

MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable" (about 10^10 guesses)
MIN_REST = 8  # characters left once the known words are taken out
PRODUCT_WORDS = ["contactbot", "console", "admin", "password", "jiceng", "lianxi", "基层联系助手", "管理台"]


def password_problem(password: str, known: list[str], min_length: int) -> str | None:
    """Return why a password is refused (Chinese), or None when it is strong enough."""
    if len(password) < min_length:
        return f"密码至少{min_length}位。"
    if len(password) > 128:
        return "密码最长128位。"
    words = [w for w in {*known, *PRODUCT_WORDS} if w]
    rest = password
    for word in sorted((w for w in words if len(w) >= 3), key=len, reverse=True):
        rest = re.sub(re.escape(word), "", rest, flags=re.I)
    # Judged whole, and again without the school's and the account's own words (school-derived passwords).
    if zxcvbn(password[:100], user_inputs=words)["score"] < MIN_SCORE or (
            rest != password and (len(rest) < MIN_REST or zxcvbn(rest[:100])["score"] < MIN_SCORE)):
        return "密码太容易被猜到（常见密码、重复字符、键盘顺序，或含用户名、学校名称等），请换一个更长、更随机的密码。"
    return None
