"""Find references in Vietnamese legal text.

The finder tokenises the original text (keeping offsets), then reads chains of unit groups
("điểm a khoản 1 Điều 2", "các khoản 1, 2 và 4 Điều 54", "từ Điều 10 đến Điều 15", "Mục III Điều 1")
followed by an optional document ("của Luật này", "Nghị định số 115/2015/NĐ-CP ngày ... của Chính phủ",
"Bộ luật Dân sự 2015", "Luật BHXH năm 2014"), or a document alone. Keywords are matched on the folded
form, so lower-case and diacritic-free text ("khoan 1 dieu 60 luat bhxh") is read too.
"""

from __future__ import annotations

import bisect
import functools
import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields

from ..models import NAMED_TYPES, DocMention, Reference, Target
from ..sohieu import ABBREVIATIONS, DOC_TYPES_FOLDED, REFERENCE_TYPES, DocNumber, find_numbers
from ..text import POINT_LETTERS, WORD, fold, fold_same_length, int_to_roman, roman_to_int

# Unit levels, lowest first; "section" is a Mục inside an Điều, "muc" a Mục of a Chương.
RANK = {
    "tiet": -1,
    "diem": 0,
    "khoan": 1,
    "section": 2,
    "dieu": 3,
    "tieu_muc": 4,
    "muc": 5,
    "chuong": 6,
    "phan": 7,
}
LEVEL_WORDS = {
    "tiet": "tiet",
    "diem": "diem",
    "khoan": "khoan",
    "dieu": "dieu",
    "muc": "muc",
    "chuong": "chuong",
    "phan": "phan",
}
LIST_SEPS = {",", "va", "hoac", "den", "toi", "-", "–"}
RANGE_SEPS = {"den", "toi", "-", "–"}
CONNECTORS = {"cua", "tai", "thuoc", "theo", "trong"}

# Document types as folded word sequences, longest first.
DOC_TYPE_WORDS: list[tuple[tuple[str, ...], str]] = sorted(
    [(tuple(fold(t).split()), t) for t in REFERENCE_TYPES], key=lambda x: -len(x[0])
)
_DOC_TYPE_FIRST = {words[0] for words, _ in DOC_TYPE_WORDS}
_DOC_TYPES_BY_FIRST = {
    first: [(w, name) for w, name in DOC_TYPE_WORDS if w[0] == first] for first in _DOC_TYPE_FIRST
}
# how a type may be written, lower-case: without marks, or with its own ("luat", "luật"; not "lưật")
_TYPE_SPELLINGS = {words: {" ".join(words), name.lower()} for words, name in DOC_TYPE_WORDS}
# Abbreviated types, accepted only before a số hiệu ("NĐ 115/2015/NĐ-CP", "nd 115/2015"), and abbreviated codes,
# type and name in one word ("BLDS"): read from the one list of abbreviations (sohieu.ABBREVIATIONS), folded.
TYPE_ABBREV = {
    fold(a): DOC_TYPES_FOLDED[fold(e)] for a, e in ABBREVIATIONS.items() if fold(e) in DOC_TYPES_FOLDED
}
CODE_ABBREV = {
    fold(a): ("Bộ luật", fold(e)[len("bo luat ") :])
    for a, e in ABBREVIATIONS.items()
    if fold(e).startswith("bo luat ")
}
# Names the finder knows without a library (codes and the most cited laws); a library adds its own.
BUILTIN_NAMES: dict[str, list[str]] = {
    "Bộ luật": [
        "dan su",
        "lao dong",
        "hinh su",
        "to tung dan su",
        "to tung hinh su",
        "hang hai viet nam",
        "hang hai",
    ],
    "Luật": [
        "bao hiem xa hoi",
        "bao hiem y te",
        "viec lam",
        "dat dai",
        "doanh nghiep",
        "dau tu",
        "nha o",
        "hon nhan va gia dinh",
        "an ninh mang",
        "cu tru",
        "xu ly vi pham hanh chinh",
        "ban hanh van ban quy pham phap luat",
        "quan ly thue",
        "thue thu nhap ca nhan",
        "thue thu nhap doanh nghiep",
        "thue gia tri gia tang",
        "an toan ve sinh lao dong",
        "can cuoc",
        "can cuoc cong dan",
        "cong doan",
        "giao duc",
        "giao thong duong bo",
        "trat tu an toan giao thong duong bo",
        "kinh doanh bat dong san",
        "xay dung",
        "thuong mai",
        "so huu tri tue",
        "to chuc chinh quyen dia phuong",
        "can bo cong chuc",
        "vien chuc",
        "tiep can thong tin",
        "bao ve quyen loi nguoi tieu dung",
        "phong chong tham nhung",
        "to tung hanh chinh",
        "thi hanh an dan su",
        "luat su",
        "cong chung",
        "hoa giai o co so",
        "nguoi cao tuoi",
        "nguoi khuyet tat",
        "tre em",
        "binh dang gioi",
        "phong chong ma tuy",
        "bao ve moi truong",
        "du lich",
        "thanh nien",
        "trong trot",
        "chan nuoi",
        "dien anh",
        "trong tai thuong mai",
        "bao ve du lieu ca nhan",
        "giao dich dien tu",
        "an toan thong tin mang",
        "nghia vu quan su",
        "quoc tich viet nam",
        "ho tich",
        "bau cu dai bieu quoc hoi va dai bieu hoi dong nhan dan",
    ],
    "Hiến pháp": [""],
}
STOP_WORDS = {
    "quy",
    "như",
    "thì",
    "và",
    "có",
    "được",
    "là",
    "này",
    "đã",
    "sau",
    "tại",
    "của",
    "theo",
    "về",
    "ngày",
    "năm",
    "số",
    "hướng",
    "đối",
    "trong",
    "khi",
    "để",
    "do",
    "với",
    "nêu",
    "gồm",
    "hiện",
    "mới",
    "sửa",
    "hết",
    "hiệu",
    "đang",
    "các",
    "những",
    "cho",
    "phải",
    "không",
    "thuộc",
    "nhưng",
    "hoặc",
    "mà",
    "nếu",
    "từ",
    "đến",
    "bị",
    "sẽ",
    "cần",
}
# Words that cannot sit inside a law's name (used where a year closes the name).
_NAME_BREAK = {"quy", "nhu", "thi", "tai", "theo", "cua", "nam", "so", "ngay", "duoc", "la", "nay"}
ISSUER_PHRASES = sorted(
    [
        "chinh phu",
        "quoc hoi",
        "thu tuong chinh phu",
        "uy ban thuong vu quoc hoi",
        "chu tich nuoc",
        "hoi dong tham phan toa an nhan dan toi cao",
        "bao hiem xa hoi viet nam",
        "ngan hang nha nuoc viet nam",
        "ngan hang nha nuoc",
    ],
    key=len,
    reverse=True,
)

# a sub-numbered label ("Điểm 1.5", "Điểm 3.4") is one token; otherwise words and single punctuation
_TOKEN = re.compile(r"\d{1,2}(?:\.\d{1,2}){1,2}(?![\d.]\d)|[^\W_]+|[^\w\s]")
_YEAR = re.compile(r"(19|20)\d\d")
_DATE_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(slots=True)
class Tok:
    """One word, number or mark of the text being read: its span, its text as written, lower-cased and folded, the số
    hiệu it is when it is one, and whether it starts with a capital."""

    start: int
    end: int
    raw: str
    low: str
    f: str  # folded
    number: DocNumber | None = None
    upper_initial: bool = False


def tokenize(text: str, start: int = 0, end: int | None = None, folded: str | None = None) -> list[Tok]:
    """Tokens of ``text[start:end]`` with offsets into ``text``; a số hiệu is one token."""
    end = len(text) if end is None else end
    folded = folded if folded is not None else fold_same_length(text)
    numbers = find_numbers(text[start:end])
    toks: list[Tok] = []
    pos = 0
    spans = iter([(a + start, b + start, n) for a, b, n in numbers] + [(end + 1, end + 1, None)])
    nstart, nend, num = next(spans)
    for m in _TOKEN.finditer(text, start, end):
        if m.start() < pos:
            continue
        while m.start() >= nend:
            nstart, nend, num = next(spans)
        if nstart <= m.start() < nend:
            raw = text[nstart:nend]
            toks.append(Tok(nstart, nend, raw, raw.lower(), fold(raw), number=num))
            pos = nend
            continue
        raw = m.group(0)
        toks.append(
            Tok(
                m.start(),
                m.end(),
                raw,
                raw.lower(),
                folded[m.start() : m.end()],
                upper_initial=raw[:1].isupper(),
            )
        )
    return toks


# Where a reference can start (matched on the folded text): a unit word with its label, a document type,
# an abbreviation, a số hiệu.
_ANCHOR = re.compile(
    "|".join(
        [
            r"\b(?:dieu|khoan)\s+(?:\d|nay\b)",
            r"\bdiem\s+(?:[a-z]\d?\b|\d{1,2}\.\d|nay\b)",
            r"\btiet\s+[a-z]\b",
            r"\b(?:muc|chuong|phan|tieu\s+muc)\s+(?:\d|[ivxlc]+\b|nay\b)",
            r"(?<!phap )\bluat\b",  # before the other types, tried in turn: no other alternative starts "luat"
            *[r"\b" + r"\s+".join(words) + r"\b" for words, _ in DOC_TYPE_WORDS if len(words) > 1],
            r"\b(?:" + "|".join(sorted({*TYPE_ABBREV, *CODE_ABBREV}, key=len, reverse=True)) + r")\b",
            r"\d+\s*/",
        ]
    )
)
# A fast first pass: words an anchor can start with (checked against _ANCHOR where found).
_CANDIDATE = re.compile(
    r"(?<![a-z0-9])(?=[a-z0-9])(?:(?:dieu|khoan|diem|tiet|muc|chuong|phan|tieu|"
    + "|".join(
        sorted(
            {words[0] for words, _ in DOC_TYPE_WORDS} | set(TYPE_ABBREV) | set(CODE_ABBREV),
            key=len,
            reverse=True,
        )
    )
    + r")\b|\d+\s*/)"
)
_ANNEX = re.compile(r"[\w ,]{0,25}?\b(?:quy che|quy tac|quy dinh|quy trinh|dieu le|noi quy|phu luc)\b")
# Types people cite by their number alone ("nghị định 100"); laws are cited by name.
BARE_NUMBER_TYPES = {"Nghị định", "Thông tư", "Quyết định", "Nghị quyết", "Chỉ thị", "Thông tư liên tịch"}
# Words after a number that make it a quantity, not a document's number.
_QUANTITY_WORDS = {
    "nam",
    "thang",
    "ngay",
    "tuan",
    "gio",
    "phut",
    "lan",
    "nguoi",
    "trieu",
    "ty",
    "nghin",
    "ngan",
    "dong",
    "tuoi",
    "m",
    "m2",
    "km",
    "ha",
    "kg",
    "tan",
    "con",
    "cai",
    "chiec",
    "ban",
    "trang",
    "dieu",
    "khoan",
    "diem",
    "muc",
    "chuong",
    "phan",
    "so",
    "loai",
    "truong",
    "hop",
    "thanh",
    "vien",
    "cap",
    "buoc",
    "%",
}
# Regulations issued with a decision, whose articles a text cites as "Điều 4 Quy chế này".
# (two words each, folded)
_ANNEX_THIS = {
    ("quy", "che"),
    ("quy", "dinh"),
    ("quy", "trinh"),
    ("quy", "tac"),
    ("dieu", "le"),
    ("noi", "quy"),
}
_ANNEX_THIS_FIRST = {first for first, _ in _ANNEX_THIS}
# Words that make "luật" a word of its own ("luật sư", "luật pháp", "luật lệ", "luật định", "luật học"), not a
# law's name; accented, since "luật gia" (a jurist) is "Luật Giá" (the law on prices) without marks.
_NOT_A_LAW = {"sư", "pháp", "lệ", "định", "học"}
_LEVEL_FIRST = {"tieu", *LEVEL_WORDS}  # the words a unit's name starts with
_LEVEL_ACCENTED = {"tiết", "điều", "khoản", "điểm", "mục", "chương", "phần"}
_DOC_START = {*_DOC_TYPE_FIRST, *TYPE_ABBREV, *CODE_ABBREV}  # the words a document's mention starts with
_START_WORDS = {"cac", "tu", "tieu", *LEVEL_WORDS, *_DOC_TYPE_FIRST, *TYPE_ABBREV, *CODE_ABBREV}
_WINDOW_AFTER = 170  # a reference runs at most this far past its last anchor (the longest law name)
_RANGE_BUDGET = 10_000  # labels ranges may add in a text, beyond one per 16 characters of it


@functools.lru_cache(maxsize=4096)
def _label(level: str, low: str) -> str | None:
    """The label a unit of ``level`` has in the (lower-case) word ``low``, as cited ("III" for "iii"), or
    ``None``. Cached: a text repeats its labels."""
    if level == "dieu":
        return low if re.fullmatch(r"\d{1,4}[a-zđ]?", low) else None
    if level == "khoan":
        return low if re.fullmatch(r"\d{1,3}[a-zđ]?", low) else None
    if level == "diem":
        if re.fullmatch(r"\d{1,2}(?:\.\d{1,2}){1,2}", low):
            return low  # "Điểm 1.5 Khoản 1 Điều 9" (decisions that number their points)
        m = re.fullmatch(r"([a-zđ])(\d?)", low)
        return low if m and m.group(1) in POINT_LETTERS else None
    if level == "tiet":
        return low if re.fullmatch(r"[a-zđ]", low) and low in POINT_LETTERS else None
    if level in ("muc", "section", "tieu_muc"):
        if re.fullmatch(r"\d{1,3}", low):
            return low
        return low.upper() if roman_to_int(low) and re.fullmatch(r"[ivxlc]+", low) else None
    if level == "chuong":
        if re.fullmatch(r"\d{1,3}", low):
            return low
        return low.upper() if re.fullmatch(r"[ivxlc]+", low) else None
    if level == "phan":
        return low.upper() if re.fullmatch(r"[ivxlc]+", low) else (low if low.isdigit() else None)
    return None


class NameIndex:
    """Document names by type, as folded word tuples, for the longest-match reading of "Luật Bảo hiểm xã hội"."""

    def __init__(self, names: Iterable[tuple[str, str]] = ()):
        self.by_type: dict[str, set[tuple[str, ...]]] = {}
        self.prefixes: dict[str, set[tuple[str, ...]]] = {}  # every start of a name, to stop reading early
        self.max_len = 0
        for doc_type, words in BUILTIN_NAMES.items():
            for w in words:
                self.add(doc_type, w)
        for doc_type, name in names:
            self.add(doc_type, name)

    def add(self, doc_type: str, name: str) -> None:
        """Add the name of a document of type ``doc_type`` (as folded words), and every start of it."""
        words = tuple(WORD.findall(fold(name)))
        self.by_type.setdefault(doc_type, set()).add(words)
        prefixes = self.prefixes.setdefault(doc_type, set())
        for k in range(1, len(words) + 1):
            prefixes.add(words[:k])
        self.max_len = max(self.max_len, len(words))

    def longest(self, doc_type: str, words: list[str]) -> int:
        """How many of ``words`` make the longest known name of a ``doc_type`` they start with; 0 when none."""
        known = self.by_type.get(doc_type)
        if known:
            for n in range(min(len(words), self.max_len), 0, -1):
                if tuple(words[:n]) in known:
                    return n
        return 0


DEFAULT_NAMES = NameIndex()


class _Parser:
    """Reads references in ``text[start:end]``. Its tokens are read lazily, as far as the parse asks for them
    (``self.n`` is the count read so far; ``self._more(k)`` reads on until token ``k`` or the end): a parser
    started at a candidate deep inside a long window does not tokenise what lies before it, and one that
    stops early does not tokenise what lies after."""

    def __init__(
        self,
        text: str,
        names: NameIndex,
        start: int = 0,
        end: int | None = None,
        folded: str | None = None,
        numbers: list[tuple[int, int, DocNumber]] | None = None,
        lowercase_text: bool | None = None,
        budget: list[int] | None = None,
    ):
        end = len(text) if end is None else end
        self.text = text
        self.folded = folded if folded is not None else fold_same_length(text)
        self.names = names
        self.start = start
        self.toks: list[Tok] = []
        self.n = 0
        if numbers is None:
            numbers = [(a + start, b + start, num) for a, b, num in find_numbers(text[start:end])]
        # the số hiệu from ``start`` on (a parser starts where none runs across), then one past the end
        self._numbers = numbers
        self._ni = bisect.bisect_left(numbers, start, key=lambda x: x[0])
        self._span: tuple[int, int, DocNumber | None] = (
            numbers[self._ni] if self._ni < len(numbers) else (end + 1, end + 1, None)
        )
        self._end = end
        self._matches = _TOKEN.finditer(text, start, end)
        self._pos = 0
        self._done = False
        if lowercase_text is None:
            sample = text[start:end]
            lowercase_text = sample == sample.lower()
        self.lowercase_text = lowercase_text
        # the last name read by _words_to_year: token of each word, the words, where it stopped, whether at 24 words
        self._year_memo: tuple[list[int], list[str], int, bool] | None = None
        self.budget = budget if budget is not None else [_RANGE_BUDGET]

    def _more(self, k: int) -> bool:
        """Read tokens until token ``k`` exists (and a few beyond); whether it does."""
        if self._done:
            return False
        toks, folded, text = self.toks, self.folded, self.text
        want = k + 8
        nstart, nend, num = self._span
        pos = self._pos
        for m in self._matches:
            ms = m.start()
            if ms < pos:
                continue
            while ms >= nend:
                self._ni += 1
                nstart, nend, num = self._span = (
                    self._numbers[self._ni]
                    if self._ni < len(self._numbers)
                    else (self._end + 1, self._end + 1, None)
                )
            if nstart <= ms:
                raw = text[nstart:nend]
                toks.append(Tok(nstart, nend, raw, raw.lower(), fold(raw), num))
                pos = nend
            else:
                raw = m.group()
                me = ms + len(raw)
                toks.append(Tok(ms, me, raw, raw.lower(), folded[ms:me], None, raw[0].isupper()))
            if len(toks) > want:
                break
        else:
            self._done = True
        self._pos = pos
        self.n = len(toks)
        return k < self.n

    def f(self, i: int) -> str:
        """The folded word at token ``i`` (reading further into the text when needed), or "" past its end."""
        if i < self.n:
            return self.toks[i].f
        return self.toks[i].f if self._more(i) else ""

    # ---------------------------------------------------------------- units

    def level_at(self, i: int) -> tuple[str, int] | None:
        """The unit named at token ``i`` ("Điều", "khoản", "tiểu mục", ...) and how many words name it, or None ("chi
        tiết"; a word that folds alike but is not the unit's own, "diễu")."""
        f = self.f(i)
        if f not in _LEVEL_FIRST:
            return None
        if f == "tieu" and self.f(i + 1) == "muc":
            return "tieu_muc", 2
        if f == "tiet" and i > 0 and self.toks[i - 1].f == "chi":
            return None  # "chi tiết": in detail
        if f in LEVEL_WORDS:
            low = self.toks[i].low if (i < self.n or self._more(i)) else ""
            # with its marks the word must be the unit's own ("diễu", "khoán" fold alike but are not)
            if low != f and low not in _LEVEL_ACCENTED:
                return None
            return LEVEL_WORDS[f], 1
        return None

    def label_ok(self, level: str, i: int) -> str | None:
        """The label at token ``i`` when it is one a unit of ``level`` can have ("60", "6a" for a Điều; "a", "đ",
        "1.5" for a điểm; Roman or Arabic numbers for a Chương, Mục or Phần), else None."""
        if (i >= self.n and not self._more(i)) or self.toks[i].number is not None:
            return None
        if level == "phan" and self.f(i) == "thu" and (i + 1 < self.n or self._more(i + 1)):
            return None  # "Phần thứ nhất" is rare in citations
        return _label(level, self.toks[i].low)

    def strong_follow(self, i: int) -> bool:
        """After a comma-listed label: something that continues a reference, so that "Điều 5, 10 ngày" stops."""
        if i >= self.n and not self._more(i):
            return True
        t = self.toks[i]
        return (
            t.raw in ",;.:)"
            or t.f in LIST_SEPS
            or t.f in CONNECTORS
            or self.level_at(i) is not None
            or self.doc_type_at(i) is not None
            or t.f == "nay"
        )

    def labels(self, level: str, i: int) -> tuple[list[str], int]:
        """The labels of ``level`` listed from token ``i`` ("Điều 5, 6 và 7", "khoản 1 đến khoản 3", a range expanded
        within the text's budget) and the token after them; none when token ``i`` holds no label."""
        first = self.label_ok(level, i)
        if first is None:
            return [], i
        out = [first]
        j = i + 1
        while j < self.n or self._more(j):
            sep = self.f(j)
            if sep not in LIST_SEPS:
                break
            k = j + 1
            lv = self.level_at(k)
            if lv is not None and lv[0] == level:
                k += lv[1]
            elif lv is not None:
                break
            lab = self.label_ok(level, k)
            if lab is None:
                break
            if sep == "," and lv is None and not self.strong_follow(k + 1):
                break
            if sep in RANGE_SEPS:
                # each label of a range is a target: a text holds at most so many, as a range wider than
                # _expand allows gives its end alone ("từ Điều 1 đến Điều 300 " * N grew 12 targets a character)
                more = _expand(level, out[-1], lab, self.budget[0])
                if len(more) > 1:
                    self.budget[0] -= len(more)
                out += more
            else:
                out.append(lab)
            j = k + 1
        return out, j

    # ---------------------------------------------------------------- documents

    def doc_type_at(self, i: int) -> tuple[str, int] | None:
        """The document type whose words start at token ``i`` ("Nghị định", "Thông tư liên tịch") and how many words
        it takes, or None ("pháp luật", "thực hiện pháp luật")."""
        first = self.f(i)
        if first not in _DOC_TYPE_FIRST:
            return None
        for words, name in _DOC_TYPES_BY_FIRST[first]:
            n = len(words)
            if n > 1 and tuple([self.f(i + k) for k in range(1, n)]) != words[1:]:
                continue
            # with marks the words must be the type's own: "thực hiện pháp luật" is not "Hiến pháp"
            low = self.toks[i].low if n == 1 else " ".join([self.toks[i + k].low for k in range(n)])
            if low not in _TYPE_SPELLINGS[words]:
                continue
            if n == 1 and first == "luat" and i > 0 and self.toks[i - 1].f in ("phap", "bo", "van"):
                return None  # "pháp luật", not a Luật
            return name, n
        return None

    def doc_at(self, i: int) -> tuple[DocMention, int] | None:
        """The document named from token ``i`` (by số hiệu, an abbreviation, its type and name, or "Luật này") and
        the token after the mention, or None."""
        if i >= self.n and not self._more(i):
            return None
        t = self.toks[i]
        if t.number is None and t.f not in _DOC_START:
            return None
        if t.number is not None:
            return self._doc_tail(
                DocMention(text="", doc_type=t.number.doc_type, number=t.number.text), i + 1, i
            )
        if t.f in CODE_ABBREV:
            doc_type, name = CODE_ABBREV[t.f]
            return self._doc_tail(DocMention(text="", doc_type=doc_type, name=name), i + 1, i)
        if t.f in TYPE_ABBREV and (i + 1 < self.n or self._more(i + 1)):
            k = i + 1 + (self.f(i + 1) == "so")
            if (k < self.n or self._more(k)) and (num := self.toks[k].number) is not None:
                return self._doc_tail(
                    DocMention(text="", doc_type=TYPE_ABBREV[t.f], number=num.text), k + 1, i
                )
            if self._bare_number(k):
                return self._doc_tail(
                    DocMention(text="", doc_type=TYPE_ABBREV[t.f], number=self.toks[k].low), k + 1, i
                )
        dt = self.doc_type_at(i)
        if dt is None:
            return None
        doc_type, nw = dt
        j = i + nw
        if i > 0 and self.toks[i - 1].f in ("hoc", "nganh", "khoa") and doc_type == "Luật":
            return None  # "đại học Luật", "ngành Luật", "khoa Luật": a field of study
        if doc_type == "Luật" and (j < self.n or self._more(j)) and self.toks[j].low in _NOT_A_LAW:
            return None  # "Luật sư hành nghề", "luật pháp", "theo luật định": words that start with "luật"
        # in running text a document type is written with a capital ("Luật này", "Nghị định số ..."); in
        # text that is all lower-case (crawled answers) the capital tells nothing
        capital = t.upper_initial or self.lowercase_text
        if self.f(j) == "nay":
            if not capital or (self.lowercase_text and doc_type == "Quyết định"):
                return None  # "quyết định này" is a decision, not the document
            return DocMention(text=self.text[t.start : self.toks[j].end], doc_type=doc_type, this=True), j + 1
        k = j + (self.f(j) == "so")
        if self.f(k) == ":":
            k += 1
        if (k < self.n or self._more(k)) and (num := self.toks[k].number) is not None:
            return self._doc_tail(DocMention(text="", doc_type=doc_type, number=num.text), k + 1, i)
        if doc_type in BARE_NUMBER_TYPES and self._bare_number(k):
            # "nghị định 100", "thông tư 35", "Nghị định 100 năm 2019": the number alone, as people write it
            return self._doc_tail(DocMention(text="", doc_type=doc_type, number=self.toks[k].low), k + 1, i)
        # a name: longest known name, abbreviations expanded ("Luật BHXH"), else capitalised words
        words: list[str] = []
        owners: list[int] = []
        k = j
        n = 0  # the words of the longest known name among them, checked as each word is read
        prefixes = self.names.prefixes.get(doc_type)
        known = self.names.by_type.get(doc_type, set())
        read: tuple[str, ...] = ()
        while prefixes is not None and (k < self.n or self._more(k)) and len(words) < 24:
            tk = self.toks[k]
            if (
                tk.raw == ","
                and words
                and (k + 1 < self.n or self._more(k + 1))
                and self.toks[k + 1].raw.isalpha()
            ):
                k += 1  # "Luật Hòa giải, đối thoại tại Tòa án": a known name may hold a comma
                continue
            if not tk.raw.isalnum() or tk.raw.isdigit():
                break
            exp = ABBREVIATIONS.get(tk.low)
            for part in fold(exp).split() if exp else (tk.f,):
                words.append(part)
                owners.append(k)
                read = tuple(words)
                if read in known:
                    n = len(words)
            k += 1
            if read not in prefixes:
                break  # no known name goes on so: the longest one is in what was read
        if doc_type == "Hiến pháp":
            return self._doc_tail(DocMention(text="", doc_type=doc_type, name=""), j, i)
        if n:
            last_tok = owners[n - 1]
            if n < len(owners) and owners[n] == last_tok:
                n = 0  # the name would end inside an abbreviation
            else:
                name_words = words[:n]
                k = last_tok + 1
                # a longer name that starts like a known short one: "Luật đầu tư công", "Luật Doanh nghiệp nhà
                # nước"; the extra words must end where a name can end, not run on into the sentence ("Luật
                # bảo hiểm xã hội chịu trách nhiệm quản lý ...")
                if t.upper_initial and not self.lowercase_text and doc_type in NAMED_TYPES and n <= 2:
                    extra, k2 = self._name_words(k, limit=4)
                    if extra and len(extra) < 4:
                        name_words, k = name_words + extra, k2
                return self._doc_tail(DocMention(text="", doc_type=doc_type, name=" ".join(name_words)), k, i)
        if (
            doc_type not in NAMED_TYPES
            or (j >= self.n and not self._more(j))
            or not self.toks[j].raw[:1].isalpha()
        ):
            return None  # only codes and laws are cited by name; "Quyết định thành lập ..." is a decision
        # an unknown name after a capitalised type: words until a stop word, a year or punctuation
        if t.upper_initial and not self.lowercase_text:
            name_words, k = self._name_words(j, limit=10)
            if name_words:
                return self._doc_tail(DocMention(text="", doc_type=doc_type, name=" ".join(name_words)), k, i)
        # any case: words closed by a year ("luật kiểm toán độc lập 2011", "luật các tổ chức tín dụng năm 2010")
        name_words, k = self._words_to_year(j)
        kk = k + (self.f(k) == "nam")
        if name_words and (kk < self.n or self._more(kk)) and _YEAR.fullmatch(self.toks[kk].low):
            return self._doc_tail(DocMention(text="", doc_type=doc_type, name=" ".join(name_words)), k, i)
        return None

    def _words_to_year(self, j: int) -> tuple[list[str], int]:
        """The words of a name read from ``j`` up to a stop (a year may follow), at most 24, and where they
        end (the memo's own list: read it, do not change it). Names are read from each "luật" of a run ("luật
        luật luật ..."): the read from a word of the last one's name goes on from where that one stopped, its
        first words dropped."""
        memo = self._year_memo
        if memo is not None and memo[0] and memo[0][0] < j <= memo[0][-1]:
            at, words, k, capped = memo
            p = bisect.bisect_left(at, j)
            if at[p] == j:
                at, name_words = at[p:], words[p:]
                if not capped:
                    return name_words, k
                return self._read_words_to_year(at, name_words, k)
        return self._read_words_to_year([], [], j)

    def _read_words_to_year(self, at: list[int], name_words: list[str], k: int) -> tuple[list[str], int]:
        while (k < self.n or self._more(k)) and len(name_words) < 24:
            tk = self.toks[k]
            if (
                tk.raw in ",()/"
                and name_words
                and (k + 1 < self.n or self._more(k + 1))
                and (self.toks[k + 1].raw.isalpha() or self.toks[k + 1].raw in "()")
            ):
                k += 1  # "luật phòng, chống bạo lực gia đình 2022", "... ở người (hiv/aids) 2006"
                continue
            if tk.raw == ")" and name_words:
                k += 1
                continue
            if (
                not tk.raw.isalpha()
                or tk.f in _NAME_BREAK
                or (tk.f in LEVEL_WORDS and self.label_ok(LEVEL_WORDS[tk.f], k + 1))
            ):
                break
            name_words.append(tk.f)
            at.append(k)
            k += 1
        self._year_memo = (at, name_words, k, len(name_words) >= 24)
        return name_words, k  # kept by the memo too: the next read copies what it keeps

    def _bare_number(self, k: int) -> bool:
        """A document's number written alone at ``k`` ("nghị định 100"): an integer that is not a year, not a
        quantity ("quyết định 5 năm", "100 triệu") and not the start of a số hiệu."""
        if (
            (k >= self.n and not self._more(k))
            or not re.fullmatch(r"\d{1,4}", self.toks[k].low)
            or _YEAR.fullmatch(self.toks[k].low)
        ):
            return False
        nxt = self.f(k + 1)
        if nxt == "nam":
            return (k + 2 < self.n or self._more(k + 2)) and bool(_YEAR.fullmatch(self.toks[k + 2].low))
        after = self.toks[k + 1].raw if (k + 1 < self.n or self._more(k + 1)) else ""
        if after == "/":
            return False  # a số hiệu the number reader does not know ("86/HĐBT"), not a number alone
        return nxt not in _QUANTITY_WORDS and not (
            after in ".,-%" and (k + 2 < self.n or self._more(k + 2)) and self.toks[k + 2].raw[:1].isdigit()
        )

    def _name_words(self, k: int, limit: int) -> tuple[list[str], int]:
        words: list[str] = []
        while (k < self.n or self._more(k)) and len(words) < limit:
            tk = self.toks[k]
            joins = (
                tk.low in ("và", "của")
                and words
                and (k + 1 < self.n or self._more(k + 1))
                and self.toks[k + 1].upper_initial
                and self.toks[k + 1].f not in LEVEL_WORDS
                and self.doc_type_at(k + 1) is None
            )
            # "quy" stops a name only as "quy định": "Luật Tiêu chuẩn và Quy chuẩn kỹ thuật" goes on
            stop = tk.low in STOP_WORDS and not (tk.low == "quy" and self.f(k + 1) != "dinh")
            if not tk.raw.isalpha() or (stop and not joins) or (tk.upper_initial and tk.f in LEVEL_WORDS):
                break  # "Luật Trách nhiệm bồi thường của Nhà nước" goes on past "của"
            exp = ABBREVIATIONS.get(tk.low) if tk.raw.isupper() else None
            words += fold(exp).split() if exp else [tk.f]
            k += 1
        return words, k

    def _doc_tail(self, doc: DocMention, j: int, start: int) -> tuple[DocMention, int]:
        """Year ("2014", "năm 2014"), "số 58/2014/QH13", date ("ngày 20 tháng 11 năm 2014") and issuer."""
        if doc.number is None:
            k = j + (self.f(j) == "so")
            if k > j and (k < self.n or self._more(k)) and (num := self.toks[k].number) is not None:
                doc.number = num.text
                j = k + 1
        if doc.year is None:
            k = j + (self.f(j) == "nam")
            if (k < self.n or self._more(k)) and _YEAR.fullmatch(self.toks[k].low):
                doc.year = int(self.toks[k].low)
                j = k + 1
        # date
        if self.f(j) == "ngay":
            k = j + 1
            if (
                (k + 4 < self.n or self._more(k + 4))
                and self.toks[k].low.isdigit()
                and self.f(k + 1) == "thang"
                and self.toks[k + 2].low.isdigit()
                and self.f(k + 3) == "nam"
                and re.fullmatch(r"\d{4}", self.toks[k + 4].low)
            ):
                doc.year = doc.year or int(self.toks[k + 4].low)
                j = k + 5
            else:
                m = (
                    _DATE_SLASH.match(self.text, self.toks[k].start)
                    if (k < self.n or self._more(k))
                    else None
                )
                if m:
                    doc.year = doc.year or int(m.group(3))
                    while (j < self.n or self._more(j)) and self.toks[j].start < m.end():
                        j += 1
        # issuer
        if self.f(j) == "cua":
            rest = " ".join(self.f(j + 1 + x) for x in range(8))
            for phrase in ISSUER_PHRASES:
                if rest.startswith(phrase):
                    j = j + 1 + len(phrase.split())
                    break
        if doc.number and doc.year is None:
            m = re.search(r"/(\d{4})/", doc.number)
            doc.year = int(m.group(1)) if m else None
        doc.text = self.text[self.toks[start].start : self.toks[j - 1].end]
        return doc, j

    # ---------------------------------------------------------------- chains

    def parse_at(self, i: int) -> tuple[Reference, int] | None:
        """The reference that starts at token ``i`` ("khoản 1 Điều 60 Luật Bảo hiểm xã hội", "Nghị định số
        100/2019/NĐ-CP", "Điều này") and the token after it, or None when none starts there."""
        tok = self.toks[i]
        if tok.number is None and tok.f not in _START_WORDS:
            return None
        j = i
        if tok.f in ("cac", "tu") and self.level_at(j + 1):
            j += 1
        groups: list[tuple[str, list[str] | None]] = []
        prev_rank = -2
        relative = False
        while j < self.n or self._more(j):
            lv = self.level_at(j)
            if lv is None:
                break
            level, nw = lv
            k = j + nw
            if groups and level != "muc" and RANK[level] <= prev_rank and self.f(k + 1) not in LIST_SEPS:
                # a unit no lower than the last ends the chain ("Điều 1 Điều 2"), whatever follows it; read
                # on only when a list follows its label, whose range counts against the budget
                break
            if self.f(k) == "nay":
                if RANK.get(level, 9) <= prev_rank:
                    break
                if not groups and not self._this_is_reference(j, level):
                    return None
                groups.append((level, None))
                relative = True
                j = k + 1
                break
            labels, k2 = self.labels(level, k)
            if not labels:
                break
            if level in ("dieu", "chuong", "phan", "muc") and not groups and self._is_heading(j, k2):
                return None
            if level == "muc" and self.f(k2) == "phu" and self.f(k2 + 1) == "luc":
                return None  # "mục 5 Phụ lục 01": a section of an annex, not a provision
            if level == "muc" and (
                self._level_follows(k2, ("dieu",)) or not self._level_follows(k2, ("chuong", "phan"))
            ):
                level = "section"  # "Mục III Điều 1"; "mục 3 chỉ thị ..." (a document without articles)
            if RANK[level] <= prev_rank:
                break
            groups.append((level, labels))
            prev_rank = RANK[level]
            j = k2
            after = self.f(j)
            if (
                after in ("cua", "tai", "thuoc")
                and (next_level := self.level_at(j + 1))
                and RANK[next_level[0]] > prev_rank
                or after == "cac"
                and self.level_at(j + 1)
            ):
                j += 1
        doc = None
        if groups and not relative and (n_this := self._annex_this(j)):
            j += n_this  # "Điều 4 Quy chế này": an article of the regulation the text belongs to
            relative = True
        if not groups:
            got = self.doc_at(i)
        elif relative:
            got = None  # "khoản 2 Điều này": the enclosing document
        else:
            jj = j + (self.f(j) in CONNECTORS)
            got = self.doc_at(jj) or self._attached_doc(jj)
        if got is not None:
            doc, j = got
        elif not groups:
            return None
        targets = _targets(groups)
        if groups and not targets:
            return None  # a tiết alone names nothing the library addresses
        start = self.toks[i].start
        end = self.toks[j - 1].end
        relative = relative or (doc is not None and doc.this)
        return Reference(
            text=self.text[start:end], start=start, end=end, targets=targets, doc=doc, relative=relative
        ), j

    def _this_is_reference(self, j: int, level: str) -> bool:
        """ "Điều này" refers to the article, but "điều này" in running text is "this matter": in mixed-case
        text the capital decides; in lower-case text, the word before ("tại", "theo", "chi tiết" ...)."""
        if level != "dieu":
            return True
        if not self.lowercase_text:
            return self.toks[j].upper_initial
        return j > 0 and self.f(j - 1) in {
            "tai",
            "theo",
            "cua",
            "thuoc",
            "trong",
            "tiet",
            "dinh",
            "va",
            "hoac",
        }

    def _annex_this(self, j: int) -> int:
        """Tokens of "Quy chế này" ("Quy định này", "Điều lệ này" ...) at ``j``, or 0."""
        first = self.f(j)
        if first in _ANNEX_THIS_FIRST and (first, self.f(j + 1)) in _ANNEX_THIS and self.f(j + 2) == "nay":
            return 3
        return 0

    def _attached_doc(self, j: int) -> tuple[DocMention, int] | None:
        """ "Điều 5 Quy chế ... ban hành kèm theo Quyết định 1076/QĐ-KTNN": the article is in the document's
        annex, cited through the document."""
        if self.f(j) not in ("quy", "dieu", "noi", "phu", "theo"):
            return None
        toks = self.toks  # read on in place by _more
        for k in range(j + 1, j + 60):
            if not (k + 1 < self.n or self._more(k + 1)):
                break
            tk = toks[k]
            f = tk.f
            if f == "theo" and (self.doc_type_at(k + 1) or toks[k + 1].number is not None):
                # "... ban hành kèm theo Quyết định ...", "... theo quyết định 401/..."
                got = self.doc_at(k + 1)
                if got is not None and got[0].number:
                    return got
            if tk.raw in ";:":
                return None
            if f in _LEVEL_FIRST and (lv := self.level_at(k)) is not None and self.label_ok(lv[0], k + lv[1]):
                return None
        return None

    def _level_follows(self, k: int, levels: tuple[str, ...]) -> bool:
        """Whether a unit of ``levels`` comes next ("Mục III Điều 1", "mục 2 của Chương III")."""
        if self.f(k) in ("cua", "tai", "thuoc"):
            k += 1
        lv = self.level_at(k)
        return lv is not None and lv[0] in levels

    def _is_heading(self, j: int, k2: int) -> bool:
        """ "Điều 77. Áp dụng ..." at the start of a line is an article's heading, not a reference."""
        # the cheap tests first: one label, then "." or ":" and a capital
        if k2 != j + 2 or (k2 + 1 >= self.n and not self._more(k2 + 1)):
            return False
        if self.toks[k2].raw not in ".:" or not self.toks[k2 + 1].raw[:1].isupper():
            return False
        start = self.toks[j].start
        return start == 0 or self.text[start - 1] == "\n" or not self.text[max(0, start - 4) : start].strip()


def _expand(level: str, a: str, b: str, limit: int) -> list[str]:
    """The labels after ``a`` up to ``b`` in a range ("từ Điều 10 đến Điều 15"); ``b`` alone where the range is
    not one, or holds more than ``limit`` labels (counted before any is made)."""
    if level == "diem":
        if a in POINT_LETTERS and b in POINT_LETTERS:
            ia, ib = POINT_LETTERS.index(a), POINT_LETTERS.index(b)
            if ia < ib <= ia + limit:
                return POINT_LETTERS[ia + 1 : ib + 1]
        return [b]
    ra, rb = (roman_to_int(a), roman_to_int(b)) if not a.isdigit() else (None, None)
    if ra and rb and ra < rb <= ra + 50:
        return [int_to_roman(x) for x in range(ra + 1, rb + 1)] if rb - ra <= limit else [b]
    if _DIGITS.fullmatch(a) and _DIGITS.fullmatch(b) and int(a) < int(b) <= int(a) + min(300, limit):
        return [str(x) for x in range(int(a) + 1, int(b) + 1)]
    return [b]


_DIGITS = re.compile(r"\d+")


# The Target field each level's label fills; a Mục of a Chương, a Tiểu mục and a Phần have none (their groups
# still make targets, with no field set).
_FIELD: dict[str, str | None] = {
    "dieu": "article",
    "khoan": "clause",
    "diem": "point",
    "section": "section",
    "chuong": "chapter",
    "muc": None,
    "tieu_muc": None,
    "phan": None,
}


def _targets(groups: list[tuple[str, list[str] | None]]) -> list[Target]:
    """Targets of a chain of groups, lowest first. The lower groups belong to the first label of a list:
    "khoản 2 Điều 34, Điều 37" is khoản 2 of Điều 34 and the whole of Điều 37; "điểm đ và điểm e khoản 1"
    is two points of khoản 1. Read from the lowest group up: a group's first label goes into every target
    made so far, each of its other labels makes a target of its own. A chain of tiết alone has none."""
    if len(groups) == 1:
        level, labels = groups[0]
        field = _FIELD.get(level)
        if field is not None and labels is not None and len(labels) == 1:
            target = Target()  # the common "Điều 5": one target, one field set
            setattr(target, field, labels[0])
            return [target]
    out: list[Target] = []
    for level, labels in groups:
        if level == "tiet":
            continue  # a tiết is kept in the span, cited by its điểm
        if not out:
            out.append(Target())
        field = _FIELD[level]
        if labels is None:
            labels = ["#this"]
        if field is not None:
            for t in out:
                setattr(t, field, labels[0])
        for lab in labels[1:]:
            out.append(Target())
            if field is not None:
                setattr(out[-1], field, lab)
    return out


def _windows(text: str, folded: str) -> list[tuple[int, int]]:
    """Stretches of text around anchors, merged; the rest of the text cannot hold a reference. A window ends
    where its last anchor reaches, or ``_WINDOW_AFTER`` before an annex's name (worked out only for an anchor
    the next one does not follow closely, since the next one sets the end). How far a reference runs past its
    anchor: a number is followed by its date and issuer; a law's name after "Luật" is long; a unit word is
    followed by its labels, and the next anchor."""
    out: list[tuple[int, int]] = []
    n = len(text)
    last_end, last_reach = 0, 0  # the window's last anchor, whose reach may still grow (annex)
    for c in _CANDIDATE.finditer(folded):
        s = c.start()
        if folded[s] <= "9":  # a number: the candidate is the whole anchor ("\d+\s*/")
            e, reach = c.end(), 80
        else:
            m = _ANCHOR.match(folded, s)
            if m is None:
                continue
            e = m.end()
            reach = _WINDOW_AFTER if folded.startswith(("luat", "bo", "hien", "phap"), s) else 60
        if out and s - 8 <= last_end + last_reach:
            if out[-1][1] != n:  # merged whatever the last anchor's reach; the end is set below
                out[-1] = (out[-1][0], n)
        else:
            if out:
                out[-1] = (out[-1][0], _window_end(folded, last_end, last_reach))
            a = max(0, s - 8)
            # back to the word's start, but no further than the previous window's end: the windows merge
            # there anyway, and a run without spaces ("1/1/1/...") would make the walk quadratic
            floor = out[-1][1] if out else 0
            while a > floor and not text[a - 1].isspace():
                a -= 1
            if not (out and a <= out[-1][1]):
                out.append((a, n))
        last_end, last_reach = e, reach
    if out:
        out[-1] = (out[-1][0], _window_end(folded, last_end, last_reach))
    return out


def _window_end(folded: str, end: int, reach: int) -> int:
    if reach < _WINDOW_AFTER and _ANNEX.match(folded, end):
        reach = _WINDOW_AFTER  # "Điều 5 Quy chế ... ban hành kèm theo Quyết định ..."
    return min(len(folded), end + reach)


def _nfc_with_offsets(text: str) -> tuple[str, list[int]]:
    """NFC of ``text`` and, for each position of it (and its end), the position in ``text``. Composition
    only joins a base character with the combining marks that follow it, so segments are normalised
    one by one."""
    out: list[str] = []
    offsets: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        seg = unicodedata.normalize("NFC", text[i:j])
        out.append(seg)
        offsets += [i] * len(seg)
        i = j
    offsets.append(n)
    return "".join(out), offsets


def find_references(text: str, names: NameIndex | None = None) -> list[Reference]:
    """Every reference in ``text``, in order, with spans into ``text``. Never raises on any input; text
    that is not NFC (decomposed accents) is read in NFC and the spans point into the original."""
    with _collector_paused():
        if not unicodedata.is_normalized("NFC", text):
            norm, offsets = _nfc_with_offsets(text)
            refs = _find(norm, names)
            for r in refs:
                r.start, r.end = offsets[r.start], offsets[r.end]
                r.text = text[r.start : r.end]
            return refs
        return _find(text, names)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while the finder runs. The finder makes no reference cycles, so the
    collector finds nothing to free; but on a long text its passes, each over every token and reference made
    so far, took a third of the time ("Điều 1 " * N: 1.8 s/MB, 1.2 without). Left as it was when the caller
    had turned it off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# Where a token the parse can start at may begin (a superset: each is checked against the tokens there).
_START_WORD = "(?:" + "|".join(sorted(_START_WORDS, key=len, reverse=True)) + r")(?![^\W_])"
_START_AT = re.compile(r"(?<![a-z])" + _START_WORD)
_START_WORD_RE = re.compile(_START_WORD)
_WHITESPACE = re.compile(r"\s+")
_SYNC_BACK = 48  # characters searched back from a candidate for where a parser may start
_SYNC_GAP = 64  # a candidate this far past the tokens read so far starts a parser of its own


def _sync_start(
    text: str, c: int, lo: int, number_starts: list[int], numbers: list[tuple[int, int, DocNumber]]
) -> int | None:
    """A position at or before the token that precedes the one at ``c``, from which tokenising gives the
    window's own tokens: a whitespace character outside any số hiệu (no token runs across it), or ``lo``,
    the window's start. ``None`` where none is near (a long word, a long số hiệu)."""
    while True:
        floor = max(lo, c - _SYNC_BACK)
        runs = [m.start() for m in _WHITESPACE.finditer(text, floor, c)]
        last_end = c
        if runs:
            m = _WHITESPACE.match(text, runs[-1])
            last_end = m.end() if m else c
        # the token before c's lies after the last run of spaces when something stands between them, else
        # before that run: after the one before it
        need = 1 if last_end < c else 2
        if len(runs) >= need:
            s = runs[-need]
        elif floor == lo:
            return lo
        else:
            return None
        k = bisect.bisect_right(number_starts, s) - 1
        if k >= 0 and numbers[k][0] <= s < numbers[k][1]:
            c = numbers[k][0]  # inside a số hiệu ("NĐ - CP"): start before it
            continue
        return s


def _find(text: str, names: NameIndex | None) -> list[Reference]:
    names = names or DEFAULT_NAMES
    out: list[Reference] = []
    folded = fold_same_length(text)
    budget = [_RANGE_BUDGET + len(text) // 16]
    for a, b in _windows(text, folded):
        numbers = [(x + a, y + a, num) for x, y, num in find_numbers(text[a:b])]
        number_starts = [x for x, _, _ in numbers]
        # a parse starts only at a start word or a số hiệu: the stretches between are not tokenised
        cands = {m.start() for m in _START_AT.finditer(folded, a, b)}
        if _START_WORD_RE.match(folded, a, b):
            cands.add(a)
        cands.update(number_starts)
        if not cands:
            continue
        sample = text[a:b]
        lowercase = sample == sample.lower()
        p: _Parser | None = None
        i = 0  # the next token of p the parse may start at
        for c in sorted(cands):
            if p is None or c > (p.toks[-1].end if p.toks else p.start) + _SYNC_GAP:
                s = _sync_start(text, c, a, number_starts, numbers)
                if p is None or (s is not None and s > (p.toks[-1].end if p.toks else p.start)):
                    p = _Parser(text, names, a if s is None else s, b, folded, numbers, lowercase, budget)
                    i = 0
            while (i < p.n or p._more(i)) and p.toks[i].start < c:
                i += 1
            if not (i < p.n or p._more(i)):
                break
            if p.toks[i].start != c:
                continue
            got = p.parse_at(i)
            if got is None:
                i += 1
                continue
            ref, j = got
            i = max(j, i + 1)
            if out and ref.start < out[-1].end:  # windows never overlap, but stay safe
                continue
            out.append(ref)
    _share_documents(text, out)
    return out


_LIST_GAP = re.compile(r"^\s*(?:,|;|và|hoặc|va|hoac)?\s*(?:,|và|hoặc|va|hoac)?\s*$", re.I)


def _share_documents(text: str, refs: list[Reference]) -> None:
    """ "khoản 2 Điều 2, Điều 13 và khoản 4 Điều 35 Luật Trọng tài thương mại": the document named at the
    end of a list belongs to each item of it. Read from the end; the list is rebuilt once (deleting each
    merged pair in place moved every reference after it: quadratic in a long run of pairs)."""
    if not refs:
        return
    kept: list[Reference] = []  # from the end
    nxt = refs[-1]
    for cur in reversed(refs[:-1]):
        # only a chain without its document takes anything from the next reference
        if cur.doc is not None or cur.relative or not cur.targets:
            kept.append(nxt)
            nxt = cur
            continue
        # "điểm b khoản 4 và điểm a khoản 5 Điều này": the first chain lacks the Điều the second names;
        # they are one reference to two provisions of that article
        one_article = bool(
            nxt.targets
            and nxt.targets[0].article
            and cur.targets[0].article is None  # (the common "no" without a generator)
            and all(t.article is None for t in cur.targets)
            and all(t.section is None and t.chapter is None for t in cur.targets)
        )
        takes_doc = nxt.doc is not None and not nxt.doc.this
        if not (one_article or takes_doc) or not _LIST_GAP.match(text[cur.end : nxt.start]):
            kept.append(nxt)
            nxt = cur
            continue
        if one_article:
            head = nxt.targets[0]
            # "Điểm 1.1, 1.5 và Tiết b Điểm 1.7 Khoản 1 Điều 4": points listed before a point of a khoản are
            # points of that khoản too
            share_clause = (
                head.clause and head.point and all(t.point and t.clause is None for t in cur.targets)
            )
            for t in cur.targets:
                t.article = head.article
                t.section = t.section or head.section
                if share_clause:
                    t.clause = head.clause
            nxt = Reference(
                text=text[cur.start : nxt.end],
                start=cur.start,
                end=nxt.end,
                targets=cur.targets + nxt.targets,
                doc=nxt.doc,
                relative=nxt.relative,
            )
            continue
        cur.doc = nxt.doc
        kept.append(nxt)
        nxt = cur
    kept.append(nxt)
    kept.reverse()
    refs[:] = kept


_MENTION_FIELDS = tuple(f.name for f in fields(DocMention))


def mention_to_json(doc: DocMention | None) -> list | None:
    """A document mention as stored (``DocMention(*stored)`` reads it back). Its fields are plain values, so
    they are read one by one (``astuple`` deep-copies: a tenth of the linking time)."""
    return [getattr(doc, name) for name in _MENTION_FIELDS] if doc is not None else None


def reference_to_json(ref: Reference) -> list:
    """Compact form for storing a found (unresolved) reference."""
    return [
        ref.start,
        ref.end,
        ref.text,
        mention_to_json(ref.doc),
        ref.relative,
        [[t.article, t.clause, t.point, t.section, t.chapter] for t in ref.targets],
    ]


def reference_from_json(row: list) -> Reference:
    """A reference stored by :func:`reference_to_json`, read back (unresolved)."""
    start, end, text, mention, relative, targets = row
    doc = DocMention(*mention) if mention else None
    return Reference(
        text=text,
        start=start,
        end=end,
        doc=doc,
        relative=relative,
        targets=[Target(article=a, clause=c, point=p, section=s, chapter=ch) for a, c, p, s, ch in targets],
    )


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of “quoted” passages: in an amending document they hold the amended text, whose own
    references ("khoản 2 Điều này") speak of the amended document."""
    out = []
    depth, start = 0, 0
    for m in _QUOTE_MARK.finditer(text):
        if m.group() == "“":
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                out.append((start, m.end()))
    if depth:
        out.append((start, len(text)))
    return out


_QUOTE_MARK = re.compile("[“”]")
