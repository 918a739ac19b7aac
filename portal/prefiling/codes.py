"""Reference codes (查询码), lookup secrets (查询密码) and draft codes (草稿码).

Drawn with `secrets` from an alphabet without look-alikes (no 0/O, 1/I/L, U), so they cannot be
guessed or enumerated: 10 characters give 30**10 ≈ 5.9e14 codes, and the secret adds 30**8 ≈ 6.6e11 more.
"""

from __future__ import annotations

import re
import secrets

from portal.textinput import ascii_digits

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 characters, no 0 O 1 I L U
CODE_LENGTH = 10
SECRET_LENGTH = 8
DRAFT_LENGTH = 12


def _draw(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_reference_code() -> str:
    return _draw(CODE_LENGTH)


def new_secret() -> str:
    return _draw(SECRET_LENGTH)


def new_draft_code() -> str:
    return _draw(DRAFT_LENGTH)


def new_token() -> str:
    """An idempotency token for one form."""
    return secrets.token_hex(16)


def normalise(raw: str) -> str:
    """What the citizen typed, without spaces or dashes, upper-case; full-width ＡＢ１２ (IME
    full-width mode) read as AB12."""
    return re.sub(r"[^0-9A-Za-z]", "", ascii_digits(raw or "")).upper()


def looks_like_draft(raw: str) -> bool:
    """Typed as a 草稿码 would be: DRAFT_LENGTH characters of the codes' alphabet (a 查询码 has
    CODE_LENGTH), spaces, dashes and case aside."""
    typed = normalise(raw)
    return len(typed) == DRAFT_LENGTH and set(typed) <= set(ALPHABET)


# what 复制查询码和查询密码 copies ("查询码：ABCD-EFGH-JK 查询密码：ABCDEFGH"), pasted into one box
_PASTED = re.compile(r"查询码\s*[:：]?\s*([0-9A-Za-z０-９Ａ-Ｚａ-ｚ\-－ ]+?)\s*查询密码\s*[:：]?\s*([0-9A-Za-z０-９Ａ-Ｚａ-ｚ]+)")


def from_pasted(code: str, secret: str) -> tuple[str, str]:
    """The 查询码 and 查询密码 as typed, or picked out of the copied pair pasted into either box."""
    for box in (code, secret):
        if found := _PASTED.search(box or ""):
            return found.group(1).strip(), found.group(2)
    return code, secret


def grouped(code: str) -> str:
    """'ABCD-EFGH-JK': easier to read out and copy."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
