"""Số hiệu (document numbers), loại văn bản (document types) and names of documents.

A số hiệu is written by its issuer as ``58/2014/QH13``, ``115/2015/NĐ-CP``, ``1676/QĐ-TTg`` (no year),
``2089/VBHN-BHXH``. Users write it lower-case, without diacritics, with stray spaces
(``nd-cp``, ``34 /2019/TT-BGTVT``). :func:`normalize_number` gives the issuer's form and
:func:`number_key` a folded key for matching both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold, normalize

# Letter tokens of a số hiệu's suffix that carry a đ or mixed case when written by the issuer.
_TOKEN_FORMS = {
    "ND": "NĐ",
    "QD": "QĐ",
    "TTG": "TTg",
    "BLDTBXH": "BLĐTBXH",
    "BGDDT": "BGDĐT",
    "LDTBXH": "LĐTBXH",
    "HDND": "HĐND",
    "HDTP": "HĐTP",
    "HDTDTW": "HĐTĐTW",
    "TLDLD": "TLĐLĐ",
    "DCSVN": "ĐCSVN",
    "HDTD": "HĐTĐ",
    "BNN&PTNT": "BNN&PTNT",
    "TANDTC": "TANDTC",
    "HDTDTU": "HĐTĐTU",
    "DHDCD": "ĐHĐCĐ",
    "BKHDT": "BKHĐT",
    "QDPL": "QĐPL",
    "BDN": "BĐN",
}

# Type tokens (first token of the suffix) → loại văn bản.
_TYPE_BY_TOKEN = {
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "QĐ": "Quyết định",
    "NQ": "Nghị quyết",
    "NQLT": "Nghị quyết liên tịch",
    "VBHN": "Văn bản hợp nhất",
    "CT": "Chỉ thị",
    "PL": "Pháp lệnh",
    "L": "Lệnh",
    "SL": "Sắc lệnh",
    "CV": "Công văn",
    "HD": "Hướng dẫn",
    "KH": "Kế hoạch",
    "TB": "Thông báo",
    "QH": "Luật",
}

# Issuer tokens (last token of the suffix) → cơ quan ban hành.
ISSUERS = {
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "CTN": "Chủ tịch nước",
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BHXH": "Bảo hiểm xã hội Việt Nam",
    "BTC": "Bộ Tài chính",
    "BYT": "Bộ Y tế",
    "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng",
    "BNV": "Bộ Nội vụ",
    "BTP": "Bộ Tư pháp",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BCT": "Bộ Công Thương",
    "BGTVT": "Bộ Giao thông vận tải",
    "BXD": "Bộ Xây dựng",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BNN&PTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BNG": "Bộ Ngoại giao",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
    "TTCP": "Thanh tra Chính phủ",
    "VPQH": "Văn phòng Quốc hội",
    "VPCP": "Văn phòng Chính phủ",
    "TANDTC": "Tòa án nhân dân tối cao",
    "VKSNDTC": "Viện kiểm sát nhân dân tối cao",
    "HĐTP": "Hội đồng Thẩm phán Tòa án nhân dân tối cao",
    "KTNN": "Kiểm toán nhà nước",
    "UBDT": "Ủy ban Dân tộc",
    "BHXHVN": "Bảo hiểm xã hội Việt Nam",
}

# Names of the types as they appear in running text, longest first so that "Thông tư liên tịch"
# wins over "Thông tư".
DOC_TYPES = [
    "Bộ luật",
    "Luật",
    "Hiến pháp",
    "Pháp lệnh",
    "Nghị quyết liên tịch",
    "Nghị quyết",
    "Nghị định",
    "Thông tư liên tịch",
    "Thông tư",
    "Quyết định",
    "Chỉ thị",
    "Lệnh",
    "Sắc lệnh",
    "Văn bản hợp nhất",
    "Công văn",
    "Hướng dẫn",
    "Thông báo",
    "Kế hoạch",
]
DOC_TYPES_FOLDED = {fold(t): t for t in DOC_TYPES}
# The types a reference names its document by ("theo Nghị định 115/2015/NĐ-CP", "Điều 5 Luật này"): not the
# working papers (công văn, hướng dẫn, thông báo, kế hoạch) nor the old orders (lệnh, sắc lệnh).
REFERENCE_TYPES = [
    t for t in DOC_TYPES if t not in ("Lệnh", "Sắc lệnh", "Công văn", "Hướng dẫn", "Thông báo", "Kế hoạch")
]

# Abbreviations used for document types and common law names in questions and answers.
ABBREVIATIONS = {
    "nđ": "nghị định",
    "nd": "nghị định",
    "tt": "thông tư",
    "ttlt": "thông tư liên tịch",
    "qđ": "quyết định",
    "qd": "quyết định",
    "nq": "nghị quyết",
    "vbhn": "văn bản hợp nhất",
    "ct": "chỉ thị",
    "bllđ": "bộ luật lao động",
    "blld": "bộ luật lao động",
    "blds": "bộ luật dân sự",
    "blhs": "bộ luật hình sự",
    "bltths": "bộ luật tố tụng hình sự",
    "bltđ": "bộ luật tố tụng dân sự",
    "bltds": "bộ luật tố tụng dân sự",
    "blttds": "bộ luật tố tụng dân sự",
    "bhxh": "bảo hiểm xã hội",
    "bhyt": "bảo hiểm y tế",
    "bhtn": "bảo hiểm thất nghiệp",
    "hđlđ": "hợp đồng lao động",
    "hdld": "hợp đồng lao động",
    "nlđ": "người lao động",
    "nld": "người lao động",
    "nsdlđ": "người sử dụng lao động",
    "nsdld": "người sử dụng lao động",
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "hdnd": "hội đồng nhân dân",
    "tnlđ": "tai nạn lao động",
    "bnn": "bệnh nghề nghiệp",
    "tncn": "thu nhập cá nhân",
    "tndn": "thu nhập doanh nghiệp",
    "gtgt": "giá trị gia tăng",
    "qsdđ": "quyền sử dụng đất",
    "qsdd": "quyền sử dụng đất",
    "xlvphc": "xử lý vi phạm hành chính",
    # abbreviations people write in questions (unambiguous ones only)
    "vphc": "vi phạm hành chính",
    "cmnd": "chứng minh nhân dân",
    "cccd": "căn cước công dân",
    "kcb": "khám bệnh, chữa bệnh",
    "attp": "an toàn thực phẩm",
    "cchn": "chứng chỉ hành nghề",
    "thpt": "trung học phổ thông",
    "thcs": "trung học cơ sở",
    "gcn": "giấy chứng nhận",
    "tthc": "thủ tục hành chính",
    "kbnn": "kho bạc nhà nước",
    "nsnn": "ngân sách nhà nước",
    "cntt": "công nghệ thông tin",
    "dntn": "doanh nghiệp tư nhân",
    "dn": "doanh nghiệp",
    "tnhh": "trách nhiệm hữu hạn",
    "ctcp": "công ty cổ phần",
    "hđqt": "hội đồng quản trị",
    "hdqt": "hội đồng quản trị",
    "pccc": "phòng cháy và chữa cháy",
    "thahs": "thi hành án hình sự",
    "thads": "thi hành án dân sự",
    "gdnn": "giáo dục nghề nghiệp",
    "atgt": "an toàn giao thông",
    "đtm": "đánh giá tác động môi trường",
    "dtm": "đánh giá tác động môi trường",
    "gplx": "giấy phép lái xe",
    "tand": "tòa án nhân dân",
    "vksnd": "viện kiểm sát nhân dân",
    "cqnn": "cơ quan nhà nước",
}

# A số hiệu: number (maybe with a letter), optional year, suffix of letter tokens joined by '-'.
NUMBER_PATTERN = (
    r"(?<![\w/])(\d{1,5}[a-zA-Z]?)\s*/\s*(?:(\d{4})\s*/\s*)?"
    r"((?:[A-ZĐa-zđðÐ][A-ZĐa-zđðÐ0-9&]*)(?:\s*-\s*[A-ZĐa-zđðÐ][A-ZĐa-zđðÐ0-9&]*)*)(?![\w/])"
)
NUMBER_RE = re.compile(NUMBER_PATTERN)


@dataclass(frozen=True, slots=True)
class DocNumber:
    """A parsed số hiệu."""

    serial: str
    year: int | None
    suffix: str  # e.g. "NĐ-CP", "QH13", "QĐ-TTg"

    @property
    def text(self) -> str:
        """The số hiệu as written in the library: "115/2015/NĐ-CP", or "01/QĐ-TTg" without a year."""
        return f"{self.serial}/{self.year}/{self.suffix}" if self.year else f"{self.serial}/{self.suffix}"

    @property
    def key(self) -> str:
        """The folded key the library matches numbers on (:func:`number_key`)."""
        return number_key(self.text)

    @property
    def doc_type(self) -> str | None:
        """The document type the suffix tells ("NĐ-CP" → "Nghị định"), or None."""
        return infer_type(self.suffix)

    @property
    def issuer(self) -> str | None:
        """The issuing body the suffix tells ("NĐ-CP" → "Chính phủ"), or None."""
        return infer_issuer(self.suffix)


def _norm_token(tok: str) -> str:
    tok = tok.replace("ð", "đ").replace("Ð", "Đ")
    folded = fold(tok).upper()
    if folded in _TOKEN_FORMS:
        return _TOKEN_FORMS[folded]
    return tok.upper() if re.search("[đĐ]", tok) else folded


def parse_number(text: str) -> DocNumber | None:
    """Parse a single số hiệu (the whole string must be one), or ``None``."""
    m = NUMBER_RE.fullmatch(normalize(text).strip())
    if not m:
        return None
    return _from_match(m)


def _from_match(m: re.Match[str]) -> DocNumber | None:
    serial, year, suffix = m.group(1), m.group(2), m.group(3)
    tokens = [t for t in re.split(r"\s*-\s*", suffix) if t]
    if not tokens:
        return None
    # "QH13" keeps its legislature number; other tokens are letters.
    norm = []
    for tok in tokens:
        qh = re.fullmatch(r"(?i)qh(\d+)", tok)
        norm.append(f"QH{qh.group(1)}" if qh else _norm_token(tok))
    first = re.sub(r"\d+$", "", norm[0])
    if first not in _TYPE_BY_TOKEN and first not in ISSUERS and len(norm) == 1:
        return None
    serial = serial.lower() if serial[-1:].isalpha() else serial
    return DocNumber(serial=serial, year=int(year) if year else None, suffix="-".join(norm))


def find_numbers(text: str) -> list[tuple[int, int, DocNumber]]:
    """Every số hiệu in ``text`` with its span."""
    out = []
    for m in NUMBER_RE.finditer(text):
        num = _from_match(m)
        if num is not None:
            out.append((m.start(), m.end(), num))
    return out


def normalize_number(text: str) -> str:
    """``nd-cp`` style → issuer's form; unchanged if it is not a số hiệu."""
    num = parse_number(text)
    return num.text if num else normalize(text)


def number_key(text: str) -> str:
    """Folded, upper-case key for matching: ``115/2015/NĐ-CP`` and ``115/2015/nd-cp`` → ``115/2015/ND-CP``."""
    return re.sub(r"^0+(?=\d)", "", re.sub(r"\s+", "", fold(text)).upper())


def infer_type(suffix: str) -> str | None:
    """The document type a số hiệu's suffix tells: "QH13" → "Luật", "NĐ-CP" → "Nghị định", "NQ-UBTVQH14" → "Nghị
    quyết"; None when it tells none."""
    tokens = suffix.split("-")
    first = re.sub(r"\d+$", "", tokens[0])
    if first == "QH":
        return "Luật"
    if first in _TYPE_BY_TOKEN:
        return _TYPE_BY_TOKEN[first]
    if first == "UBTVQH" or (len(tokens) > 1 and tokens[-1].startswith("UBTVQH")):
        return "Nghị quyết"
    return None


def infer_issuer(suffix: str) -> str | None:
    """The issuing body a số hiệu's suffix tells: "QH13" → "Quốc hội", "NĐ-CP" → "Chính phủ"; joint issuers as "Liên
    tịch: ..."; None when it tells none."""
    tokens = suffix.split("-")
    if re.fullmatch(r"QH\d+", tokens[-1]):
        return "Quốc hội"
    if tokens[-1].startswith("UBTVQH"):
        return "Ủy ban Thường vụ Quốc hội"
    issuers = [ISSUERS[t] for t in tokens[1:] if t in ISSUERS]
    if len(issuers) > 1:
        return "Liên tịch: " + ", ".join(issuers)
    return issuers[0] if issuers else None


def expand_abbreviations(text: str) -> str:
    """Expand legal abbreviations word by word (``Luật BHXH`` → ``Luật bảo hiểm xã hội``)."""

    def repl(m: re.Match[str]) -> str:
        """The expansion of the matched word, or the word itself when it is no known abbreviation."""
        word = m.group(0)
        return ABBREVIATIONS.get(word.lower(), word)

    return re.sub(r"[\wđĐ]+", repl, text)


def name_key(name: str) -> str:
    """Folded key for a document's name: type + title, abbreviations expanded, filler words removed.

    ``Luật BHXH năm 2014`` and ``luat bao hiem xa hoi 2014`` both give ``luat bao hiem xa hoi 2014``.
    """
    text = fold(expand_abbreviations(normalize(name)))
    text = re.sub(r"\b(so|nam|ngay)\b", " ", text)
    text = re.sub(r"[^\w ]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def name_aliases(doc_type: str | None, title: str | None, year: int | None) -> list[str]:
    """Name keys by which a document can be cited: "Luật Bảo hiểm xã hội 2014", "Luật Bảo hiểm xã hội"."""
    if not title:
        return []
    t = normalize(title)
    names = []
    ft = fold(t)
    if doc_type and not ft.startswith(fold(doc_type)):
        t = f"{doc_type} {t}"
    base = name_key(t)
    if year:
        base_noyear = re.sub(rf"\s*{year}$", "", base)
        names += [f"{base_noyear} {year}", base_noyear]
    else:
        names.append(base)
    out = []
    for n in names:
        if n and n not in out:
            out.append(n)
    return out
