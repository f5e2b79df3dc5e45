"""Vietnamese text normalisation: the "clean" stage every other stage builds on.

Three forms of a text are used in luat:

* the **original** (only NFC-composed): what is stored and quoted verbatim;
* the **normalised** form (:func:`normalize`): NFC, one tone-mark placement (``hoà`` → ``hòa``),
  whitespace collapsed; used to compare texts and for the accented search field;
* the **folded** form (:func:`fold`): normalised, lower-cased, tone and vowel marks removed and
  ``đ`` → ``d``; used for the diacritic-free search field and for matching what users type.
"""

from __future__ import annotations

import re
import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_LETTER = r"a-zA-Z\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f"
# Decomposed (NFD) syllable endings "oa", "oe", "uy" carrying the tone on the second vowel with no
# final consonant: the traditional placement (used by most legal texts) puts it on the first vowel.
# "qu" is a consonant, so "quý", "quả" keep their mark.
_TONE_MOVE = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![{_LETTER}])")
_SPACE = re.compile(r"\s+")


def nfc(text: str) -> str:
    """``text`` in Unicode NFC, the composed form the library stores (a letter and its marks as one character)."""
    return unicodedata.normalize("NFC", text)


def _move_tone(m: re.Match[str]) -> str:
    first, second, tone = m.group(1), m.group(2), m.group(3)
    pair = (first + second).lower()
    if pair not in ("oa", "oe", "uy"):
        return m.group(0)
    return first + tone + second


# Fast check on NFC text: a syllable ending in o/u + a vowel carrying a tone mark, the only place where
# the two placements differ.
_NEW_STYLE = re.compile(r"[oOuU][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ](?![^\W\d_])")


def normalize_tones(text: str) -> str:
    """Put tone marks in the traditional place: ``hoà`` → ``hòa``, ``thuỷ`` → ``thủy``."""
    if unicodedata.is_normalized("NFC", text) and not _NEW_STYLE.search(text):
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _TONE_MOVE.sub(_move_tone, decomposed))


def normalize(text: str) -> str:
    """NFC, one tone placement, whitespace collapsed to single spaces."""
    return _SPACE.sub(" ", normalize_tones(text)).strip()


_D_FOLD = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})  # ð (eth) is a common typo for đ


def fold(text: str) -> str:
    """Lower-case, diacritic-free form: ``Điều 60 Luật Bảo hiểm`` → ``dieu 60 luat bao hiem``."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_FOLD))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped.lower()).strip()


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        f = fold(ch)
        if len(f) == 1 and f != ch:
            table[cp] = f
    for ch in "ĐđÐð":
        table[ord(ch)] = "d"
    return table


_FOLD_TABLE = _build_fold_table()
# The table as a string indexed by code point, up to the last one it changes: ``str.translate`` looks a
# character up by indexing, twice as fast as in a dict; beyond its end (IndexError, a LookupError) it keeps it.
_FOLD_STRING = "".join(_FOLD_TABLE.get(cp, chr(cp)) for cp in range(max(_FOLD_TABLE) + 1))


def fold_same_length(text: str) -> str:
    """Fold character by character (lower-case, no diacritics, đ→d) keeping the length, so that offsets in
    the folded text are offsets in the original. Fast: one ``str.translate``."""
    return text.translate(_FOLD_STRING)


# A syllable (Vietnamese words are written as syllables apart): letters and digits.
WORD = re.compile(r"[^\W_]+")


# a line break inside a hard-wrapped paragraph (Công báo text: "... đã được sửa đổi, bổ sung\nmột số điều theo Luật
# số 61/2020/QH14 ..."): the next line goes on in lower case, and is not a điểm ("a) ...", "đ) ...", "a. ...", "e2) ...")
_LINE_BREAK = re.compile(r"\n(?=[ \t]*([^\W\d_])([^\W_]{0,2}[.)])?)")


def _wrapped(m: re.Match[str]) -> str:
    return " " if m.group(1).islower() and not m.group(2) else "\n"


def join_wrapped_lines(text: str) -> str:
    """``text`` with the line breaks of hard-wrapped paragraphs read as spaces: the same length, so that what is found
    in it lies at the same offsets of ``text``; a break before a capital, a number or a điểm stays."""
    return _LINE_BREAK.sub(_wrapped, text)


def folded_syllables(text: str) -> list[str]:
    """The folded syllables of a text (lower-case, no marks, đ→d), as the index and the queries see them."""
    return WORD.findall(fold_same_length(text))


def squash(text: str) -> str:
    """Comparison form for checking quotes: normalised, case-folded, punctuation spacing ignored."""
    text = normalize(text).lower()
    text = re.sub(r"[“”„\"«»]", '"', text)
    text = re.sub(r"[‘’]", "'", text)
    text = re.sub(r"\s*([,.;:!?)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s*", r"\1", text)
    return text.strip()


ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_to_int(s: str) -> int | None:
    """The value of a Roman numeral ("IV" → 4, any case), or None when ``s`` is not one."""
    s = s.upper()
    if not s or any(c not in ROMAN for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = ROMAN[c]
        if i + 1 < len(s) and ROMAN[s[i + 1]] > v:
            total -= v
        else:
            total += v
    return total


def int_to_roman(n: int) -> str:
    """A positive number as a Roman numeral (4 → "IV"; hundreds as C), as Chương and Mục are numbered."""
    parts = [
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    out = []
    for v, s in parts:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


# Vietnamese điểm letters in order (no f, j, w, z; đ after d).
POINT_LETTERS = [
    "a",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "g",
    "h",
    "i",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "v",
    "x",
    "y",
]
