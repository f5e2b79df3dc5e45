"""Choosing the khoản that answers (choose.py): the lexical choice, the features a trained chooser reads, and that
a chooser's scores decide when there is one. The article is written in the style of Điều 81 Luật Hôn nhân và gia
đình 2014; no corpus is needed."""

import pytest

from luat.choose import CLAUSE_FEATURES, best_passage, best_point, clause_features
from luat.text import folded_syllables

ARTICLE_81 = [
    "1. Sau khi ly hôn, cha mẹ vẫn có quyền, nghĩa vụ trông nom, chăm sóc, nuôi dưỡng, giáo dục con chưa thành "
    "niên, con đã thành niên mất năng lực hành vi dân sự hoặc không có khả năng lao động và không có tài sản để "
    "tự nuôi mình theo quy định của Luật này, Bộ luật dân sự và các luật khác có liên quan.",
    "2. Vợ, chồng thỏa thuận về người trực tiếp nuôi con, nghĩa vụ, quyền của mỗi bên sau khi ly hôn đối với con; "
    "trường hợp không thỏa thuận được thì Tòa án quyết định giao con cho một bên trực tiếp nuôi căn cứ vào quyền "
    "lợi về mọi mặt của con; nếu con từ đủ 07 tuổi trở lên thì phải xem xét nguyện vọng của con.",
    "3. Con dưới 36 tháng tuổi được giao cho mẹ trực tiếp nuôi, trừ trường hợp người mẹ không đủ điều kiện để "
    "trực tiếp trông nom, chăm sóc, nuôi dưỡng, giáo dục con hoặc cha mẹ có thỏa thuận khác phù hợp với lợi ích "
    "của con.",
]


def terms(question: str) -> set[str]:
    return set(folded_syllables(question))


@pytest.mark.parametrize(
    "question, khoan",
    [
        ("con dưới 36 tháng tuổi ai nuôi", 2),
        ("vợ chồng không thỏa thuận được người nuôi con thì tòa án quyết định thế nào", 1),
        ("con tu du 07 tuoi tro len co duoc chon o voi ai khong", 1),
        ("sau khi ly hôn cha mẹ còn nghĩa vụ nuôi dưỡng con chưa thành niên không", 0),
    ],
)
def test_the_lexical_choice_is_the_khoan_holding_the_telling_words(question, khoan):
    assert best_passage(ARTICLE_81, terms(question), question) == khoan


def test_features_describe_each_passage_in_order():
    question = "Con 2 tuổi thì mẹ được nuôi bao nhiêu năm?"
    rows = clause_features(ARTICLE_81, terms(question), question, [0.1, 0.2, 0.5])
    assert len(rows) == 3 and all(len(r) == len(CLAUSE_FEATURES) for r in rows)
    col = {name: [r[i] for r in rows] for i, name in enumerate(CLAUSE_FEATURES)}
    assert col["position"] == [0, 1, 2] and col["passages"] == [3, 3, 3]
    assert col["semantic_rank"] == [2, 1, 0] and col["semantic_gap"][2] == 0.0
    assert col["asks_amount"] == [1.0, 1.0, 1.0]  # "bao nhiêu"
    assert col["states_amount"] == [0.0, 1.0, 1.0]  # "07 tuổi", "36 tháng tuổi"
    assert col["exception"] == [0.0, 0.0, 1.0]  # "trừ trường hợp"
    assert max(col["lexical_share"]) == 1.0
    # without an embedding the similarities are 0 and the question asking no amount says so
    plain = clause_features(ARTICLE_81, terms("ai nuôi con"), "ai nuôi con")
    assert {r[CLAUSE_FEATURES.index("semantic")] for r in plain} == {0.0}
    assert {r[CLAUSE_FEATURES.index("asks_amount")] for r in plain} == {0.0}


def test_a_trained_chooser_decides_when_there_is_one():
    question = "sau khi ly hôn cha mẹ còn nghĩa vụ nuôi dưỡng con chưa thành niên không"
    # a chooser that trusts the embedding alone picks the nearest passage over the lexical best (khoản 1)
    semantic = CLAUSE_FEATURES.index("semantic")
    chosen = best_passage(
        ARTICLE_81, terms(question), question, [0.1, 0.2, 0.9], lambda rows: [r[semantic] for r in rows]
    )
    assert chosen == 2
    assert best_passage([], terms(question), question) == 0


# khoản 2 Điều 35 Bộ luật Lao động 2019, its lead and its first four điểm
LEAD_35_2 = "2. Người lao động có quyền đơn phương chấm dứt hợp đồng lao động không cần báo trước trong trường hợp sau đây:"
POINTS_35_2 = [
    "a) Không được bố trí theo đúng công việc, địa điểm làm việc hoặc không được bảo đảm điều kiện làm việc theo "
    "thỏa thuận, trừ trường hợp quy định tại Điều 29 của Bộ luật này;",
    "b) Không được trả đủ lương hoặc trả lương không đúng thời hạn, trừ trường hợp quy định tại khoản 4 Điều 97 của "
    "Bộ luật này;",
    "c) Bị người sử dụng lao động ngược đãi, đánh đập hoặc có lời nói, hành vi nhục mạ, hành vi làm ảnh hưởng đến sức "
    "khỏe, nhân phẩm, danh dự; bị cưỡng bức lao động;",
    "d) Bị quấy rối tình dục tại nơi làm việc;",
]


@pytest.mark.parametrize(
    "question, point",
    [
        # one điểm holds what the question tells: it alone is quoted
        ("không được trả đủ lương, trả lương không đúng thời hạn thì nghỉ không báo trước được không", 1),
        ("bị sếp đánh đập, nhục mạ thì có được nghỉ ngay không", 2),
        # the question asks for the list: the whole khoản
        ("người lao động được nghỉ không cần báo trước trong những trường hợp nào", None),
        # only the lead's words: no điểm stands out
        ("người lao động có quyền đơn phương chấm dứt hợp đồng lao động không cần báo trước không", None),
        # two điểm hold as much: no one of them
        ("bị cưỡng bức lao động hoặc quấy rối tình dục tại nơi làm việc", None),
    ],
)
def test_the_point_that_answers(question, point):
    assert best_point(LEAD_35_2, POINTS_35_2, folded_syllables(question), question) == point
