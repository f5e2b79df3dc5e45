"""Everyday words in the law's words, and the armed forces' own regime."""

from __future__ import annotations

import pytest

from luat.text import fold
from luat.vocabulary import (
    armed_forces_regime,
    asks_about_armed_forces,
    asks_about_court,
    asks_foreign_law,
    in_law_terms,
    procedural_code,
)

EVERYDAY = [
    (
        "Tôi nghỉ việc thì có được rút BHXH một lần không?",
        "Tôi nghỉ việc thì có được hưởng bảo hiểm xã hội một lần không?",
    ),
    (
        "nợ lương thì nghỉ việc luôn không báo trước được không",
        "không được trả đủ lương, trả lương không đúng thời hạn thì đơn phương chấm dứt hợp đồng lao động không báo trước "
        "được không",
    ),
    ("cong ty no luong 2 thang", "cong ty không được trả đủ lương, trả lương không đúng thời hạn 2 thang"),
    # the unemployment benefit is not the one-time social-insurance benefit
    ("bao lâu mới được rút bảo hiểm thất nghiệp", "bao lâu thì đủ điều kiện rút bảo hiểm thất nghiệp"),
    (
        "Em có bầu 3 tháng bị đuổi việc",
        "Em mang thai 3 tháng bị đơn phương chấm dứt hợp đồng lao động, sa thải",
    ),
    ("làm lại sổ đỏ mất bao lâu", "làm lại giấy chứng nhận quyền sử dụng đất mất bao lâu"),
    # "được k": the question's "được không", not "được" alone
    ("ly hon thuan tinh dc k a", "ly hon thuan tinh được không a"),
    ("mất bằng lái xe thì làm sao", "mất giấy phép lái xe thì làm sao"),
    # founding and running a company
    (
        "Tôi 17 tuổi muốn lập công ty riêng được không?",
        "Tôi 17 tuổi, chưa thành niên muốn thành lập doanh nghiệp được không?",
    ),
    ("viên chức có được đứng tên giám đốc không", "viên chức có được quản lý doanh nghiệp không"),
    # "mới được" before a benefit or an act asks its condition; "mới được áp dụng" is a new rule
    (
        "Con trai mấy tuổi thì mới được đăng ký kết hôn?",
        "Con trai mấy tuổi thì đủ điều kiện đăng ký kết hôn?",
    ),
    ("quy định mới được áp dụng từ khi nào", "quy định mới được áp dụng từ khi nào"),
    # the buyer of stolen goods, not the thief; theft in the law's words
    ("mua xe trộm có bị đi tù không", "mua tài sản do người khác phạm tội mà có có bị đi tù không"),
    ("xe bị trộm thì báo ai", "xe bị trộm cắp tài sản thì báo ai"),
    ("ăn trộm xe máy", "trộm cắp tài sản xe mô tô, xe gắn máy"),
    ("danh bai an tien co bi bat khong", "đánh bạc co bi bat khong"),
    # an original diploma, the law's "thời hiệu", a guest's stay, personal data, a loan not repaid
    ("công ty giữ bằng tốt nghiệp bản gốc của tôi", "công ty giữ bản chính văn bằng của tôi"),
    ("được trả bằng một nửa lương gốc", "được trả bằng một nửa lương gốc"),
    ("chia đất thì còn thời hạn khởi kiện không", "chia đất thì còn thời hiệu khởi kiện không"),
    ("em có quyền yêu cầu xóa hết hồ sơ không", "em có quyền yêu cầu xóa dữ liệu cá nhân không"),
    (
        "cho bạn vay 40 triệu mà nó nhất quyết không trả",
        "cho vay tài sản 40 triệu mà nó cố tình không trả",
    ),
    ("đi trễ 5 phút là trừ 100k vào lương", "đi trễ 5 phút là phạt tiền, cắt lương"),
    ("công ty khấu trừ lương để bồi thường", "công ty khấu trừ lương để bồi thường"),
    ("ngân hàng bắt tôi trả nợ thay", "ngân hàng bắt tôi thực hiện nghĩa vụ thay"),
    ("đi nâng mũi có được dùng thẻ bảo hiểm y tế không", "đi thẩm mỹ có được dùng thẻ bảo hiểm y tế không"),
    (
        "cty dọa đuổi việc nếu tham gia cđoàn",
        "công ty dọa đơn phương chấm dứt hợp đồng lao động, sa thải nếu tham gia công đoàn",
    ),
    # chat shorthand is written out before the everyday phrases are read: "ko để lại di chúc" is inheritance at law
    ("me chong toi mat ko de lai di chuc", "me chong toi mat thừa kế theo pháp luật"),
    (
        "cty khat luong co dc nghi ngang k?",
        "công ty không được trả đủ lương, trả lương không đúng thời hạn co được đơn phương chấm dứt hợp đồng lao động "
        "không báo trước không?",
    ),
    ("cong ty k tra luong", "cong ty không được trả đủ lương, trả lương không đúng thời hạn"),
    # overtime, not a part-time job; a workforce cut; how long one may still sue; a beating that injures
    ("cty bắt làm thêm 4 tiếng mỗi ngày", "công ty bắt làm thêm giờ 4 tiếng mỗi ngày"),
    ("con 16 tuổi đi làm thêm buổi tối", "con 16 tuổi, chưa thành niên làm việc không trọn thời gian tối"),
    ("cty giảm biên chế cho tôi nghỉ", "công ty thay đổi cơ cấu, cho thôi việc cho tôi nghỉ"),
    ("quá 3 năm rồi còn kiện được không", "quá 3 năm rồi thời hiệu khởi kiện không"),
    ("nó đánh bạn gãy tay", "nó cố ý gây thương tích gây thương tích"),
    # marrying, a parent's visits, paying for a damage ("đến", which folds alike, stays), a payment made late
    ("anh em họ có được lấy nhau không", "anh em họ có được kết hôn không"),
    ("chồng cũ không cho tôi gặp con", "chồng cũ không cho tôi thăm nom con"),
    ("hàng xóm bắt đền cái kính", "hàng xóm bồi thường cái kính"),
    ("phải đến cơ quan nào", "phải đến cơ quan nào"),
    ("nợ tiền hàng mà trả chậm", "nợ tiền hàng mà chậm thực hiện nghĩa vụ trả tiền"),
    (
        "công ty trả chậm lương 2 tháng",
        "công ty trả không được trả đủ lương, trả lương không đúng thời hạn 2 tháng",
    ),
    ("bên thuê chậm trả tài sản thuê", "bên thuê chậm trả tài sản thuê"),
    ("mấy tuổi thì bị gọi đi nghĩa vụ quân sự", "mấy tuổi thì bị nhập ngũ, thực hiện nghĩa vụ quân sự"),
    # words that only look alike stay: "điểm k" is a point, "cồn" is not "con"
    ("điểm k khoản 1 Điều 5", "điểm k khoản 1 Điều 5"),
    ("vợ chồng có con nhỏ", "vợ chồng có con nhỏ"),
]


@pytest.mark.parametrize("question,expected", EVERYDAY)
def test_everyday_words_in_the_laws_words(question, expected):
    assert in_law_terms(question) == expected


@pytest.mark.parametrize(
    "number,armed",
    [
        ("37/2017/TT-BQP", True),
        ("105/2016/TTLT-BQP-BCA-BLĐTBXH", True),
        ("47/2011/TT-BCA", True),
        ("59/2015/TT-BLĐTBXH", False),
        ("41/2024/QH15", False),
        (None, False),
        ("Luật Dầu khí", False),
    ],
)
def test_armed_forces_regime(number, armed):
    assert armed_forces_regime(number) is armed


@pytest.mark.parametrize(
    "question,asks",
    [
        ("Quân nhân chuyên nghiệp nghỉ hưu được hưởng những gì?", True),
        ("Chiến sĩ công an xuất ngũ có được trợ cấp không?", True),
        ("Sinh con thì được BHXH trợ cấp một lần bao nhiêu tiền?", False),
        ("Người lao động nghỉ ốm được hưởng bao nhiêu phần trăm lương?", False),
    ],
)
def test_asks_about_armed_forces(question, asks):
    assert asks_about_armed_forces(fold(question)) is asks


@pytest.mark.parametrize(
    "question,asks",
    [
        ("ko đồng ý bản án dân sự sơ thẩm thì kháng cáo trong bao nhiêu ngày", True),
        ("muon kien doi no nguoi o tinh khac thi nop don o toa an noi nao", True),
        ("Người nhà đang bị tạm giam, gia đình có thể xin bảo lĩnh không?", True),
        ("Bất cứ ai cũng có quyền bắt người phạm tội quả tang đúng không?", True),
        ("Bị lừa mất tiền qua mạng thì trình báo ở đâu?", True),
        ("Xác định người bị kiện sau khi sáp nhập địa giới hành chính", True),
        # "kiện" folds like the "kiện" of "điều kiện", "bắt" like "bất" and "bắt buộc"
        ("Có bầu 5 tháng thì công ty có được đuổi việc mình không ạ?", False),
        ("điều kiện hưởng lương hưu là gì", False),
        ("mua bán đất có bắt buộc phải công chứng không, bất động sản có thuế gì", False),
        ("Kính gửi luật sư. Công ty cho tôi nghỉ việc không báo trước", False),
    ],
)
def test_asks_about_court(question, asks):
    assert asks_about_court(fold(question)) is asks


@pytest.mark.parametrize(
    "title,procedural",
    [("Bộ luật Tố tụng dân sự", True), ("Luật Tố tụng hành chính", True), ("Bộ luật Lao động", False)],
)
def test_procedural_code(title, procedural):
    assert procedural_code(fold(title)) is procedural


@pytest.mark.parametrize(
    "typed, repaired",
    [
        (
            "cty đơn phươg chấm dứt hđ thì phải bồi thườg nhữg khoản gì",
            "cty đơn phương chấm dứt hđ thì phải bồi thường những khoản gì",
        ),
        (
            "vợ sih con thì chồng đc nghỉ mấy ngày hưởg chế độ",
            "vợ sinh con thì chồng đc nghỉ mấy ngày hưởng chế độ",
        ),
        ("kinh doah bất động sản, trúg vietlott", "kinh doanh bất động sản, trúng vietlott"),
        (
            "Điều 5 Luật BHXH, Nguyễn Thị Bích, thành phố",
            "Điều 5 Luật BHXH, Nguyễn Thị Bích, thành phố",
        ),  # spelt right
    ],
)
def test_dropped_n_is_put_back(typed, repaired):
    from luat.vocabulary import repair_spelling

    assert repair_spelling(typed) == repaired


FOREIGN = [
    ("Công ty bên Nhật nợ lương thì kiện theo luật lao động Nhật Bản thế nào?", True),
    ("lao dong o dai loan muon chuyen chu thi theo luat dai loan can dieu kien gi", True),
    ("Ly hôn ở Hàn thì tài sản chia theo luật dân sự Hàn Quốc thế nào ạ?", True),
    # Vietnam's law on foreigners, on a legal person, on working abroad: the library's
    ("Theo luật, người nước ngoài có được mua nhà ở Việt Nam không?", False),
    ("Người đại diện theo pháp luật của pháp nhân gồm những ai?", False),
    ("Đi xuất khẩu lao động Nhật Bản thì cần hợp đồng gì theo luật Việt Nam?", False),
    ("Theo luật mới nhất thì lương tối thiểu là bao nhiêu?", False),
]


@pytest.mark.parametrize("question,foreign", FOREIGN)
def test_a_question_on_a_foreign_countrys_law(question, foreign):
    assert asks_foreign_law(fold(question)) is foreign
