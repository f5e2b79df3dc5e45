"""The words of questions, in one place: everyday words and the law's words for the same thing, the phrasing of a
question that carries no legal content (QUESTION_PHRASES, STOP), the dropped letters of fast typing, and what says a
question is about the armed forces' own regime, what a question asks for (ANSWER_TYPES: a fine's amount, a sum of
money, a licence's withdrawal) and what a provision must state to answer it. (Document types, issuers and
abbreviations are in sohieu.py.)

Everyday words and the law's words: what people write ("rút BHXH", "có bầu", "sổ đỏ") and what the provisions say
("hưởng bảo hiểm xã hội một lần", "mang thai", "giấy chứng nhận quyền sử dụng đất").

A question is searched in the law's words: :func:`in_law_terms` rewrites each everyday phrase it finds (matched
folded, so "co bau", "có bầu" and "Có Bầu" are one) into the law's phrase. Adding a word is one line of
``EVERYDAY_WORDS``: the folded everyday phrase (a regular expression over folded words) and the law's phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import fold, fold_same_length

# folded everyday phrase (regex, whole words) → the law's words
EVERYDAY_WORDS: dict[str, str] = {
    # social insurance: "rút BHXH (một lần)" is to take the one-time benefit
    # (not "rút bảo hiểm thất nghiệp": the unemployment benefit, nor health insurance)
    r"rut (?:tien )?(?:bhxh|bao hiem xa hoi|bao hiem(?! that nghiep| y te))(?: mot lan)?|rut so(?: bhxh| bao hiem xa hoi)?(?: mot lan)?": "hưởng bảo hiểm xã hội một lần",
    r"ve huu|nghi huu som": "nghỉ hưu",
    # "đóng bao nhiêu năm mới được hưởng lương hưu" asks the conditions of the benefit
    r"(?:bao nhieu|may) nam (?:moi|thi|de) (?:duoc|co)": "bao nhiêu năm thì đủ điều kiện",
    # "mấy tuổi thì mới được đăng ký kết hôn", "bao nhiêu tháng mới được hưởng trợ cấp": a condition (not "quy định
    # mới được áp dụng", a new rule)
    r"(?:thi )?moi duoc(?= (?:huong|lanh|nhan|rut|dang ky|ket hon|ly hon|cap|ban|chia|yeu cau|xem xet|nghi huu|ve huu)\b)": "thì đủ điều kiện",
    r"nghi om|om dau nghi": "nghỉ việc hưởng chế độ ốm đau",
    r"nghi de|tien de|che do de": "chế độ thai sản khi sinh con",
    # pregnancy, dismissal, wages owed
    r"co bau|mang bau|bau bi|dang bau|co thai": "mang thai",
    r"duoi viec|cho nghi viec|cho thoi viec": "đơn phương chấm dứt hợp đồng lao động, sa thải",
    # wages owed, in the words of BLLĐ Điều 35 khoản 2 điểm b (quitting without notice) and Điều 97
    r"no luong|cham luong|khat luong|khong tra luong|quyt luong|giam luong|treo luong": "không được trả đủ lương, trả lương không đúng thời hạn",
    # overtime ("tăng ca", "làm thêm giờ"), not a part-time job ("đi làm thêm ở quán cà phê")
    r"tang ca|(?<!di )lam them(?! (?:o|tai|cho|buoi|ban thoi gian|part)\b)|lam ngoai gio": "làm thêm giờ",
    r"(?:di )?lam them (?:o|tai|cho|buoi|ban thoi gian|part time)\b|lam part time|lam ban thoi gian": "làm việc không trọn thời gian",
    # a child of 15 to 17 is a minor (BLLĐ's "lao động chưa thành niên", BLHS's "người dưới 18 tuổi")
    r"15 tuoi": "15 tuổi, chưa thành niên",
    r"16 tuoi": "16 tuổi, chưa thành niên",
    r"17 tuoi": "17 tuổi, chưa thành niên",
    # a wage cut for lateness or absence is a fine, which the law forbids (not "khấu trừ tiền lương" for damage)
    r"(?<!khau )tru (?:tien |\w+ )?vao luong|(?<!khau )tru luong|cat luong": "phạt tiền, cắt lương",
    # "công ty giữ bằng gốc": the original of a diploma (not "bằng một nửa lương gốc")
    r"bang(?: tot nghiep| dai hoc| cao dang| trung cap| thac si| cu nhan){0,2} (?:ban )?goc": "bản chính văn bằng",
    r"nghi phep nam|phep nam|ngay phep(?: nam)?": "nghỉ hằng năm",
    r"nghi ngang|bo viec ngang|(?:nghi|bo) viec(?: luon| ngay)?(?: ma)? khong (?:can )?bao truoc": "đơn phương chấm dứt hợp đồng lao động không báo trước",
    # family
    r"ly di|bo nhau|chia tay vo|chia tay chong": "ly hôn",
    r"gianh quyen nuoi con|quyen nuoi con|ai (?:se |duoc )?nuoi(?: con| chau| be)?|duoc nuoi con": "trực tiếp nuôi con",
    r"khong co di chuc|khong de lai di chuc|chua lap di chuc": "thừa kế theo pháp luật",
    # to marry ("lấy nhau", "cưới vợ"), a parent's visits ("không cho gặp con"), father and mother
    r"lay nhau|cuoi nhau|lay (?:vo|chong)|cuoi (?:vo|chong)|(?:lam )?dam cuoi": "kết hôn",
    r"(?:gap|tham|tham gap|tham nom) (?:con|chau|be)": "thăm nom con",
    r"bo me|ba me|ba ma": "cha mẹ",
    # to pay for a damage ("bắt đền", "đền bù"; not "đến", which folds alike), a payment made late
    r"den bu|bat den|doi den|den tien": "bồi thường",
    # (not wages, "trả chậm lương", nor a thing lent or rented, "chậm trả tài sản thuê")
    r"(?:tra cham|cham tra)(?! (?:luong|tai san|xe|nha|do|hang|dat))|cham thanh toan": "chậm thực hiện nghĩa vụ trả tiền",
    # called up ("đi bộ đội", "đi nghĩa vụ")
    r"di (?:bo doi|linh|nghia vu)(?! quan su)|goi (?:di )?(?:bo doi|nghia vu(?: quan su)?|nhap ngu)": "nhập ngũ, thực hiện nghĩa vụ quân sự",
    # how long one may still sue is the law's "thời hiệu"
    r"thoi han (?:khoi kien|di kien|kien)|(?:con|het) han (?:khoi kien|kien)|con (?:khoi kien|kien|doi) (?:duoc|lai duoc)": "thời hiệu khởi kiện",
    # a workforce cut is a change of structure, its workers let go (BLLĐ Điều 42)
    r"giam bien che|cat giam (?:nhan su|nhan vien|lao dong)|tinh gian bien che": "thay đổi cơ cấu, cho thôi việc",
    # enterprise: "mở công ty", "lập công ty riêng" is to found one; "đứng tên giám đốc" to manage it
    r"(?:mo|lap|thanh lap) (?:cong ty|cty|doanh nghiep)(?: rieng)?": "thành lập doanh nghiệp",
    r"dung ten (?:lam )?(?:giam doc|chu cong ty|chu doanh nghiep)": "quản lý doanh nghiệp",
    # residence: a guest's stay is notified ("thông báo lưu trú"), a longer one registered
    r"khai bao (?:tam tru|luu tru)|bao (?:tam tru|luu tru)": "thông báo lưu trú, đăng ký tạm trú",
    # personal data: people say "thông tin cá nhân", the 2025 law "dữ liệu cá nhân"; deleting one's file
    r"thong tin ca nhan": "thông tin, dữ liệu cá nhân",
    r"xoa (?:het |bo )?(?:ho so|thong tin|anh|du lieu)(?: ca nhan)?": "xóa dữ liệu cá nhân",
    # land and housing
    r"so do|so hong": "giấy chứng nhận quyền sử dụng đất",
    # health insurance does not pay for beauty treatment
    r"cat mi(?: mat)?|nang mui|lam dep|bom moi|hut mo|phau thuat tham my": "thẩm mỹ",
    # traffic
    r"bang lai(?: xe)?": "giấy phép lái xe",
    r"giam bang|tuoc bang|thu bang": "tước quyền sử dụng giấy phép lái xe",
    r"vuot den do|vuot den vang|chay den do": "không chấp hành hiệu lệnh của đèn tín hiệu giao thông",
    r"uong ruou (?:lai xe|lai xe may|chay xe)|ruou bia": "nồng độ cồn",
    # a crash caused by a driver is the crime of BLHS Điều 260 (not the one of handing a vehicle to an unfit driver)
    r"(?:lai|chay|dieu khien) (?:xe(?: may| o to| oto)?|o to|oto) gay tai nan|gay tai nan giao thong": "vi phạm quy định về tham gia giao thông đường bộ gây tai nạn",
    r"xe may": "xe mô tô, xe gắn máy",
    r"khong doi mu bao hiem|khong doi mu": "không đội mũ bảo hiểm",
    # a beating that injures: "đánh bạn gãy tay", "đánh người nhập viện" (BLHS Điều 134)
    r"(?:danh|dam|chem) (?:nguoi(?: ta| khac)?|ban|hang xom|nhau)(?= (?:gay|bi thuong|chay mau|nhap vien|trong thuong|thuong tich)\b)": "cố ý gây thương tích",
    r"gay (?:tay|chan|xuong|mui|rang)|trong thuong": "gây thương tích",
    # stolen goods bought or sold ("mua xe trộm", "đồ ăn cắp"): the crime is consuming them (BLHS Điều 323), not
    # the theft
    r"(?:do|hang|xe|xe may|dien thoai|tai san) (?:an )?(?:trom cap|trom|cap)": "tài sản do người khác phạm tội mà có",
    # theft: "trộm xe", "ăn trộm", "bị trộm" (after the stolen goods above)
    r"(?:an )?trom(?: cap)?": "trộm cắp tài sản",
    # gambling: "đánh bài ăn tiền", "cá độ bóng đá", "đánh đề" (BLHS Điều 321, the crime of the player)
    r"(?:danh|choi) bai (?:an|an thua|sat phat|an that) tien|(?:danh|choi) bai|ca do(?: bong da)?|danh de|(?:choi|danh) lo de": "đánh bạc",
    # loans and money
    r"vay tien|muon tien|cho vay tien|cho muon tien": "vay tài sản",
    r"quyt no|xu no|khong tra no|bung no": "không trả nợ",
    # a guarantor made to pay: "ngân hàng bắt tôi trả nợ thay"
    r"tra (?:no |tien )?thay": "thực hiện nghĩa vụ thay",
    r"cho (?:ban|ban be|nguoi quen|hang xom|ho hang|em ho|anh ho|chi ho) (?:vay|muon)": "cho vay tài sản",
    # able to pay and does not (BLHS Điều 175's words)
    r"(?:nhat quyet|co tinh|co y|chay) khong tra|khong chiu tra": "cố tình không trả",
}

# the shorthand of chat messages, written out before the everyday phrases are read ("ko để lại di chúc" is "không
# để lại di chúc", which is "thừa kế theo pháp luật")
SHORTHAND: dict[str, str] = {
    r"cty|c ty": "công ty",
    r"cdoan|c doan": "công đoàn",
    r"bds": "bất động sản",
    r"ng(?= (?:ta|lao dong|mat|than|nha|khac|dan|mua|ban|thue|vay|nuoc ngoai))": "người",
    r"(?:duoc|dc) k": "được không",
    r"dc|đc": "được",
    r"ko|hok|khog": "không",
    # "k" is "không" before a verb or at the end of a question, never "điểm k (khoản 1)"
    r"(?<!diem )k(?= (?:tra|co|duoc|de lai|bao|can|phai|ky|dong|chiu|cho|biet|lam|di)\b|\s*[?.!]|\s*$)": "không",
    r"bao nhiu|bn tien": "bao nhiêu",
    r"mn|moi nguoi oi|ad oi|luat su oi": "",
}


def _phrases(words: dict[str, str]) -> re.Pattern[str]:
    return re.compile(
        r"(?<![\w])(?:" + "|".join(f"(?P<w{i}>{p})" for i, p in enumerate(words)) + r")(?![\w])"
    )


_PASSES = [
    (_phrases(SHORTHAND), list(SHORTHAND.values())),
    (_phrases(EVERYDAY_WORDS), list(EVERYDAY_WORDS.values())),
]


# Question phrasing that carries no legal content (folded, longest first).
QUESTION_PHRASES = sorted(
    [
        "cho toi hoi",
        "cho em hoi",
        "xin hoi",
        "toi muon hoi",
        "cho hoi",
        "vui long cho biet",
        "xin cho biet",
        "duoc quy dinh nhu the nao",
        "quy dinh nhu the nao",
        "duoc quy dinh ra sao",
        "quy dinh ra sao",
        "nhu the nao",
        "the nao",
        "ra sao",
        "co duoc khong",
        "duoc khong",
        "hay khong",
        "co phai",
        "phai khong",
        "la gi",
        "bao gom nhung gi",
        "gom nhung gi",
        "nhung gi",
        "bao nhieu",
        "khi nao",
        "o dau",
        "la ai",
        "duoc quy dinh",
        "theo quy dinh",
        "quy dinh",
        "hien nay",
        "phap luat",
        "ai",
    ],
    key=len,
    reverse=True,
)
# Function words that BM25 would otherwise count (folded).
STOP = {
    "thi",
    "la",
    "cua",
    "va",
    "cac",
    "nhung",
    "duoc",
    "co",
    "khong",
    "cho",
    "ve",
    "trong",
    "theo",
    "nay",
    "do",
    "khi",
    "nao",
    "gi",
    "hoac",
    "voi",
    "de",
    "tai",
    "tu",
    "den",
    "neu",
    "ma",
    "nhu",
    "se",
    "da",
    "dang",
    "bi",
    "tren",
    "duoi",
    "sau",
    "truoc",
    "nguoi",
    "phai",
    "can",
    "hay",
    "nhe",
    "a",
    "oi",
    "vay",
    "roi",
}


# What an article's heading says it is (folded): what a document covers ("Phạm vi điều chỉnh và đối tượng áp dụng"),
# the article on its entry into force ("Hiệu lực thi hành", "Hiệu lực và trách nhiệm thi hành", "Hiệu lực" — not
# "Hiệu lực của hợp đồng lao động"), an article that defines terms ("Giải thích từ ngữ").
SCOPE_HEADING = re.compile(
    r"(?:pham vi dieu chinh|doi tuong ap dung)(?:,? (?:va )?(?:pham vi dieu chinh|doi tuong ap dung))?"
)
EFFECT_HEADING = re.compile(r"hieu luc(?: thi hanh\b|\W*$| va |,)")
GLOSSARY_HEADING = re.compile(r"\b(?:giai thich tu ngu|khai niem|dinh nghia|tu ngu)\b")
# The final provisions of a document, its entry into force among them ("Điều khoản thi hành", "Tổ chức thực hiện").
FINAL_PROVISIONS_HEADING = re.compile(
    r"(?:hieu luc|dieu khoan thi hanh|to chuc thuc hien|trach nhiem thi hanh)"
)


# A syllable cannot end in a bare "g" or "h" (only "ng", "nh", "ch"): typed on a phone, "lươg", "bằg", "mìh",
# "kinh doah" lost the "n". Such a syllable (consonants, vowels, then g or h; folded) gets it back.
_LOST_N = re.compile(r"(?<![\w])([b-df-hj-np-tv-z]{0,3}[aeiouy]{1,3})([gh])(?![\w])")


def repair_spelling(text: str) -> str:
    """``text`` with the "n" that fast typing drops from "ng" and "nh" put back ("lươg thử việc" → "lương thử
    việc", "kinh doah" → "kinh doanh"); a syllable spelt right is left as it is. Linear in the text."""
    folded = fold_same_length(text).lower()
    out, pos = [], 0
    for m in _LOST_N.finditer(folded):
        out.append(text[pos : m.start(2)])
        out.append("n")
        pos = m.start(2)
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def in_law_terms(text: str) -> str:
    """``text`` with each everyday phrase replaced by the law's words ("Tôi có bầu bị đuổi việc" → "Tôi mang thai bị
    đơn phương chấm dứt hợp đồng lao động, sa thải"), dropped letters put back and chat shorthand written out first
    (:func:`repair_spelling`, :data:`SHORTHAND`); linear in the text."""
    text = repair_spelling(text)
    for pattern, law in _PASSES:
        folded = fold_same_length(text).lower()
        out, pos = [], 0
        for m in pattern.finditer(folded):
            out.append(text[pos : m.start()])
            out.append(law[int(m.lastgroup[1:])])  # type: ignore[index]
            pos = m.end()
        if out:
            out.append(text[pos:])
            text = re.sub(r"\s+", " ", "".join(out)).strip()
    return text


# A question about a foreign country's law ("theo luật lao động Nhật Bản", "luật dân sự Hàn Quốc", "theo luật
# Singapore", folded): the library holds Vietnam's law only. The country is named after the law, four words at most
# ("pháp luật của pháp nhân" is no country).
_COUNTRY = (
    r"(?:nhat ban|han quoc|trung quoc|dai loan|hoa ky|singapore|thai lan|campuchia|malaysia|canada|"
    r"(?:nuoc|ben|o|tai|cua) (?:nhat|han|my|uc|phap(?! nhan| luat| ly| che)|duc|anh|lao|nga))"
)
FOREIGN_LAW = re.compile(rf"\b(?:luat|phap luat|bo luat)\b(?: \w+){{0,4}}? {_COUNTRY}\b")


def asks_foreign_law(folded_question: str) -> bool:
    """Whether the question asks what a foreign country's law says."""
    return bool(FOREIGN_LAW.search(folded_question))


# Documents of the armed forces' and police's own regime (their số hiệu names the Ministry of Defence or of Public
# Security): they answer a civilian's question only when it is about that regime. What a question says about it (folded).
ARMED_FORCES_ISSUERS = ("BQP", "BCA")
ARMED_FORCES_WORDS = re.compile(
    r"\b(?:quan doi|quan nhan|si quan|bo doi|chien si|nghia vu quan su|quoc phong|cong an|canh sat|cong nhan cong an|"
    r"ha si quan|quan dan|bo quoc phong|bo cong an|vu trang|bien phong|quan ham|cong nhan quoc phong|lao dong hop dong "
    r"trong quan doi|quan su|co yeu|an ninh)\b"
)


def armed_forces_regime(number: str | None) -> bool:
    """Whether a số hiệu names the Ministry of Defence or of Public Security among its issuers ("37/2017/TT-BQP",
    "105/2016/TTLT-BQP-BCA-BLĐTBXH")."""
    if not number or "/" not in number:
        return False
    return any(part in ARMED_FORCES_ISSUERS for part in re.split(r"[-/]", number.rsplit("/", 1)[-1]))


def asks_about_armed_forces(folded_question: str) -> bool:
    """Whether a folded question is about the armed forces' or police's own regime ("quân nhân", "công an",
    "nghĩa vụ quân sự")."""
    return bool(ARMED_FORCES_WORDS.search(folded_question))


# The procedural codes (Bộ luật Tố tụng dân sự, hình sự, Luật Tố tụng hành chính: "tố tụng" in the title) rule what
# courts, prosecutors and investigators do: they answer a question about a lawsuit, a trial, an arrest or a report
# of a crime, and such a question says so (every one of the 63 labelled questions whose gold is in such a code holds
# one of these words). Said of a dismissal, "đơn phương chấm dứt hợp đồng lao động, sa thải" is also the heading of
# BLTTDS Điều 119, a court's interim measure, which then came first for "có bầu bị đuổi việc".
PROCEDURAL_TITLE = re.compile(r"\bto tung\b")
COURT_WORDS = re.compile(
    r"\b(?:toa|(?:di|khoi|vu|bi|don|thang|thua|dam) kien|kien(?= (?:ra|doi|len|ai|duoc|toi|nguoi|cong ty|ho|no)\b)|"
    r"vu an|xet xu|xu an|ban an|phien toa|tham phan|kiem sat|khang cao|khang nghi|thu ly|nguyen don|bi don|an phi|"
    r"tranh chap|hoa giai|to tung|bi can|bi cao|bi hai|dieu tra|truy to|khoi to|to giac|to cao|trinh bao|"
    r"bi bat|bat (?:giu|nguoi|khan cap|tam giam|qua tang)|tam giu|tam giam|giu nguoi|tai ngoai|bao linh|"
    r"bao chua|(?:dat )?tien bao dam|cong an|vo toi|dinh gia tai san|thi hanh an|giam doc tham|tai tham)\b"
)


def procedural_code(folded_title: str) -> bool:
    """Whether a document's folded title names a procedural code ("bo luat to tung dan su")."""
    return bool(PROCEDURAL_TITLE.search(folded_title))


def asks_about_court(folded_question: str) -> bool:
    """Whether a folded question is about a lawsuit, a trial, an arrest or a report of a crime (:data:`COURT_WORDS`)."""
    return bool(COURT_WORDS.search(folded_question))


# What a question asks for (a fine's amount, a sum of money, a licence's withdrawal, ...) and what a provision
# must state to answer it; answer.asked_type picks the first type whose question pattern matches.
@dataclass(frozen=True)
class AnswerType:
    """What a question asks for, and what a provision must state to answer it (matched on folded text). A
    question that asks how much one is fined is not answered by an article that sets no sanction, however
    many of its words the article shares; nor, when it does not ask about a crime, by the criminal code."""

    name: str
    asked: re.Pattern[str]  # on the question with its marks
    stated: re.Pattern[str]
    missing: str  # the not_found message
    excluded: re.Pattern[str] | None = None  # what the provision must not state
    asked_folded: re.Pattern[str] = field(init=False)  # on a question typed without marks

    def __post_init__(self) -> None:
        object.__setattr__(self, "asked_folded", re.compile(fold(self.asked.pattern)))

    def answers(self, text: str) -> bool:
        """Whether a provision's text states what this type asks for ("phạt tiền từ 2.000.000 đồng" answers a
        fine's amount) and nothing it must not (a prison term does not answer an administrative fine)."""
        folded = fold(text)
        return bool(self.stated.search(folded)) and not (self.excluded and self.excluded.search(folded))


# asked: written with marks, as questions are ("thiết bị phát" is not "bị phạt"); folded when the question has none
# how one is sanctioned, not when ("thời hiệu xử phạt") or by whom ("có quyền xử phạt"); a question may open with it
# ("Xử phạt công chứng viên ... được quy định như thế nào?")
_SANCTION_ASKED = (
    r"(?:(?:mức|khung) (?:xử )?phạt|bị (?:xử )?phạt|(?<!quyền )(?<!hiệu )(?:xử )?phạt (?:bao nhiêu|như thế nào|thế nào|ra sao|tiền|gì)"
    r"|^(?:việc )?xử phạt)"
)
# a crime named in the question: "tội trộm cắp tài sản", "truy cứu trách nhiệm hình sự", "phạt tù mấy năm"
_CRIMINAL = r"\b(?:phạt tù|tội|hình sự|cải tạo không giam giữ|tù chung thân|tử hình)\b"
# the not_found messages: no provision near the question sets the sanction, or the sum, it asks for
_MISSING_SANCTION = (
    "Thư viện không có quy định xử phạt khớp với câu hỏi này (các điều gần nhất không quy định mức phạt "
    "cho hành vi được hỏi); các điều gần nhất được liệt kê để tham khảo."
)
_MISSING_SUM = (
    "Thư viện không có quy định nêu số tiền được hỏi (các điều gần nhất không ghi mức tiền); các điều gần nhất "
    "được liệt kê để tham khảo."
)
# what a question asks besides a sanction: how much money (a fine, an allowance, a spending level), the withdrawal of
# a driving licence, what becomes of a violation; each needs a provision that states it
# "bao nhiêu", "mấy": "bị phạt bao nhiêu tiền", "phạt mấy triệu"
_HOW_MUCH = r"\b(?:bao nhiêu|mấy)\b"
# a sum asked: "được bao nhiêu tiền", "mức trợ cấp thôi việc là bao nhiêu", "Mức chi cho công tác ..."
_SUM_ASKED = (
    r"\bbao nhiêu tiền\b|\btiền thưởng\b|\b(?:mức|khoản|số) (?:chi|thưởng|tiền|hỗ trợ|trợ cấp|phụ cấp|lương|thu|phí|"
    r"lệ phí|vốn|vay)\b[^?]{0,120}?\bbao nhiêu\b|^(?:quy định về )?(?:nội dung chi, )?mức chi\b"
)
# a sum stated (folded): "5.000.000 đồng", "75%", "02 lần mức lương cơ sở", "hệ số 2,34"
_SUM_STATED = (
    r"\d[\d.,]*\s*(?:dong|trieu|ty|nghin|usd)\b|\d+(?:[.,]\d+)?\s*%|\bphan tram\b|\bmuc luong co so\b|"
    r"\bmuc tham chieu\b|"  # Luật BHXH 2024 sets sums as "02 lần mức tham chiếu", no longer the lương cơ sở
    r"\blan (?:muc )?luong\b|\bhe so\b|"
    # or set against another sum: "nửa tháng tiền lương", "một khoản tiền tương đương giá trị tài sản đặt cọc", "gấp
    # đôi số tiền"
    r"\bthang tien luong\b|\bkhoan tien (?:tuong duong|bang|gap)\b|\btuong duong (?:gia tri|so tien|muc)\b|\bgap (?:doi|\w+ lan)\b"
    # or who sets it: "Mức hỗ trợ học nghề theo quy định của Thủ tướng", "Quy chế thưởng do người sử dụng lao
    # động quyết định", "Giám thị trại giam quyết định mức tiền hỗ trợ", "Chính phủ ... quyết định và công bố mức lương
    # tối thiểu"
    # (an authority: "theo quy định của Luật ..., của pháp luật về ..." only points to other rules, it sets nothing)
    r"|\b(?:quyet|quy) dinh(?: va cong bo)? muc\b|\bmuc\b[^.;\n]{0,60}\btheo quy dinh cua (?!(?:bo )?luat\b|phap luat\b|"
    r"nghi dinh\b|thong tu\b|dieu\b|khoan\b|van ban\b)|\bdo\b[^.;\n]{0,60}\bquyet dinh\b"
)
# what becomes of a violation: "... bị xử lý như thế nào?", "bị kỷ luật ra sao", "Xử lý vi phạm ..."
_VIOLATION_HANDLED = (
    r"\bbị (?:xử lý|kỷ luật)(?: như thế nào| thế nào| ra sao| sao| gì)|^(?:việc )?xử lý (?:hành vi )?vi phạm\b|"
    r"\b(?:vi phạm|sai phạm)\b[^?]{0,80}?\bxử lý (?:như thế nào|thế nào|ra sao)"
)
# what befalls it (folded): "xử phạt", "phạt cảnh cáo", "khiển trách", "cách chức", "bồi thường", "bị xử lý"
_SANCTIONS_STATED = (
    r"\b(?:xu phat|phat tien|phat canh cao|ky luat|khien trach|cach chuc|truy cuu trach nhiem|boi thuong|"
    r"bi xu ly|xu ly vi pham)\b"
)
# a penalty of the criminal code (folded): "phạt tù từ 01 năm đến 05 năm", "cải tạo không giam giữ"
_NOT_PRISON = re.compile(r"\b(?:phat tu|cai tao khong giam giu|tu chung than)\b")
# What questions ask for, first match wins (answer.asked_type): the types and the provisions that answer them.
ANSWER_TYPES = [
    # a crime named: the criminal code's penalties answer
    AnswerType(
        "criminal penalty",
        re.compile(rf"^(?=.*\b{_SANCTION_ASKED}\b)(?=.*{_CRIMINAL})"),
        re.compile(r"\b(?:phat tien|phat tu|hinh phat|cai tao khong giam giu)\b"),
        _MISSING_SANCTION,
    ),
    # how much the fine is ("bị phạt bao nhiêu", "Phạt 2 tỷ đồng đối với ..."): a provision that sets an amount
    AnswerType(
        "fine amount",
        re.compile(rf"^(?=.*\b{_SANCTION_ASKED}\b)(?=.*{_HOW_MUCH})|\bphạt (?:tiền )?\d"),
        re.compile(r"\bphat tien (?:tu |den |toi da )?\d"),
        _MISSING_SANCTION,
        excluded=_NOT_PRISON,
    ),
    # otherwise a fine for a violation: an administrative sanction, not a crime's penalty
    AnswerType(
        "administrative sanction",
        re.compile(rf"\b{_SANCTION_ASKED}\b"),
        re.compile(r"\b(?:phat tien|phat canh cao)\b"),
        _MISSING_SANCTION,
        excluded=_NOT_PRISON,
    ),
    # "có bị tước bằng không?", "bị giam bằng lái mấy tháng": a provision that withdraws or holds the licence
    AnswerType(
        "licence withdrawal",
        re.compile(r"\b(?:tước|giam|giữ|thu) (?:bằng|giấy phép lái|bằng lái)\b"),
        re.compile(r"\b(?:tuoc quyen su dung|tam giu) (?:giay phep|bang)"),
        _MISSING_SANCTION,
    ),
    # "... bị xử lý ra sao?", "Xử lý vi phạm quy định về ...": a provision that says what befalls the violation
    AnswerType(
        "violation handled", re.compile(_VIOLATION_HANDLED), re.compile(_SANCTIONS_STATED), _MISSING_SANCTION
    ),
    # "Trợ cấp thôi việc được bao nhiêu tiền?": a provision that states a sum, a share, or who sets it
    AnswerType("sum of money", re.compile(_SUM_ASKED), re.compile(_SUM_STATED), _MISSING_SUM),
]


# What the khoản chooser (choose.py) reads of a question and of each khoản, on folded text.
# the question asks for an amount, a time or a limit: "bao nhiêu năm", "mấy tháng", "tối đa", "mức hưởng"
ASKS_AMOUNT = re.compile(
    r"\b(?:bao nhieu|bao nhiu|bao lau|may (?:nam|thang|ngay|tuoi|lan|%)|muc|toi da|toi thieu)\b"
)
# the passage states one: "từ đủ 15 năm", "75% mức tiền lương", "02 lần mức tham chiếu", "dưới 36 tháng tuổi" (not
# its own number, nor "khoản 1 Điều 2"; folded text)
STATES_AMOUNT = re.compile(
    r"\d(?:[\d.,]*\d)?\s*(?:%|phan tram|nam\b|thang\b|ngay\b|gio\b|tuoi\b|lan\b|trieu\b|dong\b|nghin\b|ty\b)"
)
# the passage opens with an exception or a special case: "Trường hợp ...", "Không áp dụng ...", "... trừ trường hợp"
OPENS_WITH_EXCEPTION = re.compile(r"^\s*(?:\d+\.\s*)?(?:truong hop|khong ap dung|tru )|\btru truong hop\b")
