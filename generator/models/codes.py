"""Check digits of Chinese identity codes."""

from __future__ import annotations

import functools

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_digit(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 (GB 32100-2015)."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


@functools.lru_cache(maxsize=65536)  # a unit's code recurs in every record naming it
def credit_code_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in CREDIT_ALPHABET for c in code):
        return False
    return credit_check_digit(code[:17]) == code[17]


RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id_valid(number: str) -> bool:
    """An 18-digit 居民身份证号码 (GB 11643-1999) with a correct check character."""
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789Xx":
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], RESIDENT_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()
