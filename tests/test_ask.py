import json

import pytest

from luat import api
from luat.answer import MIN_COVERAGE, Consultant, asked_type, layout_quote, money_in
from luat.search import asks_meaning, definition_term


@pytest.mark.data
def test_answer_in_the_seed_form(bhxh_library):
    a = api.ask(
        "Người lao động ra nước ngoài định cư có được hưởng bảo hiểm xã hội một lần không?",
        library="test-bhxh",
    )
    assert a["status"] == "answered", a["answer"]
    assert a["answer"].startswith("Căn cứ ")
    assert "quy định về" in a["answer"].split("\n")[0] and a["answer"].split("\n")[0].endswith("như sau:")
    c = a["citations"][0]
    assert c["doc"] and c["article"] and c["quote"]
    consultant = Consultant(api.open_library("test-bhxh"), api.searcher("test-bhxh"))
    answer = consultant.ask(
        "Người lao động ra nước ngoài định cư có được hưởng bảo hiểm xã hội một lần không?"
    )
    assert answer.bases and all(consultant.verify(opening, body) == [] for opening, body in answer.bases)
    assert all(body.splitlines() and body in answer.answer for _opening, body in answer.bases)


@pytest.mark.data
def test_as_of_quotes_the_version_then_in_force(bhxh_library):
    q = "Người lao động ra nước ngoài định cư có được hưởng bảo hiểm xã hội một lần không?"
    now = api.ask(q, library="test-bhxh")
    then = api.ask(q, library="test-bhxh", as_of="2016-06-30")  # 58/2014/QH13 in force (from 2016-01-01)
    assert now["status"] == then["status"] == "answered"
    assert now["citations"][0]["version"] > "2015-06-30"  # Pháp điển 2025-02
    assert then["citations"][0]["version"] <= "2016-06-30"  # the official text of 2014
    assert then["citations"][0]["source"].startswith("Văn bản gốc")


@pytest.mark.data
def test_document_not_in_library(bhxh_library):
    a = api.ask("Theo Luật Bảo hiểm xã hội 2024 thì điều kiện hưởng lương hưu là gì?", library="test-bhxh")
    assert a["status"] == "not_in_library"
    assert "Luật Bảo hiểm xã hội 2024" in a["answer"] and "luat ingest" in a["answer"]


@pytest.mark.data
def test_verify_rejects_an_altered_quote(bhxh_library):
    consultant = Consultant(api.open_library("test-bhxh"), api.searcher("test-bhxh"))
    opening = "Căn cứ khoản 1 Điều 60 Luật Bảo hiểm xã hội 2014 (số 58/2014/QH13) quy định về bảo hiểm xã hội một lần như sau:"
    assert consultant.verify(opening, "+ Ra nước ngoài để định cư;") == []
    ((kind, message),) = consultant.verify(opening, "+ Ra nước ngoài để du lịch;")
    assert kind == "not_verbatim" and "không khớp nguyên văn" in message
    ((kind, message),) = consultant.verify(opening.replace("Điều 60", "Điều 300"), "+ x")
    assert kind == "unresolved" and "không có trong" in message


def test_section_inside_an_article_of_a_users_decision(qd_library):
    a = api.ask(
        "Nội dung đổi mới toàn diện nội dung, hình thức và phương pháp tuyên truyền BHXH được quy định thế nào?",
        library="test-qd",
    )
    assert a["status"] == "answered", a["answer"]
    assert a["answer"].startswith("Căn cứ Mục III Điều 1 Quyết định 1676/QĐ-TTg")
    assert "- Phân định rõ trách nhiệm trong tuyên truyền bảo hiểm xã hội" in a["answer"]
    assert "+ Cơ quan quản lý nhà nước về BHXH chịu trách nhiệm chỉ đạo" in a["answer"]
    assert a["citations"][0]["section"] == "III"


def test_layout_quote():
    assert (
        layout_quote("1. Khoản một:\na) điểm a;\nb) điểm b.\n2. Khoản hai.")
        == "- Khoản một:\n+ điểm a;\n+ điểm b.\n- Khoản hai."
    )


@pytest.mark.parametrize(
    "question,kind",
    [
        (
            "Đi xe máy chuyển hướng không nhường quyền đi trước cho người đi bộ bị phạt bao nhiêu?",
            "fine amount",
        ),
        (
            "Mức phạt khi điều khiển xe mô tô, xe gắn máy không có bộ phận giảm thanh, giảm khói",
            "administrative sanction",
        ),
        ("di xe may khong doi mu bao hiem bi phat bao nhieu", "fine amount"),  # typed without marks
        # zalo: the amount named in the question; "bị xử phạt" after the act
        ("Phạt 30 triệu nếu sử dụng máy móc sản xuất thuốc lá mà không có giấy phép?", "fine amount"),
        ("Trộm điện thì xử phạt bao nhiêu?", "fine amount"),
        ("Tự ý đổi màu sơn của xe thì có bị giam bằng không?", "licence withdrawal"),
        (
            "Tài xế xe ô tô chở phế thải không chạy đúng tuyến, phạm vi, thời gian quy định có bị tước bằng lái không?",
            "licence withdrawal",
        ),
        # what befalls a violation; a report "được xử lý" (handled) and a licence "bị tước" in a procedure are not it
        ("Kích động người khác thực hiện hành vi bạo lực gia đình bị xử lý ra sao?", "violation handled"),
        ("Xử lý vi phạm quy định về đăng ký tàu cá được quy định như thế nào?", "violation handled"),
        ("Sai phạm về công khai, minh bạch trong tham nhũng sẽ xử lý như thế nào?", "violation handled"),
        ("Tin báo về sự cố, tai nạn giao thông đường sắt đô thị được xử lý như thế nào?", None),
        (
            "Trình tự cấp lại Giấy phép kinh doanh vận tải do bị thu hồi, bị tước quyền sử dụng được quy định như thế nào?",
            None,
        ),
        # a sum of money asked
        ("“Huân chương Chiến công” hạng nhất thì nhận được bao nhiêu tiền thưởng?", "sum of money"),
        ("Mức chi hoa hồng đại lý cho các đại lý xổ số được quy định như thế nào?", "sum of money"),
        ("Mức hỗ trợ kinh phí cho phạm nhân khi tái hòa nhập cộng đồng là bao nhiêu?", "sum of money"),
        ("Một cuộc đua chó có ít nhất bao nhiêu trọng tài?", None),
        ("Tội trộm cắp tài sản bị phạt tù bao nhiêu năm?", "criminal penalty"),
        # zalo: a question that opens with the sanction; the competence to sanction is not it
        (
            "Xử phạt công chứng viên nhận hướng dẫn nhiều hơn 02 người tập sự tại cùng một thời điểm được quy định như thế nào?",
            "administrative sanction",
        ),
        (
            "Thẩm quyền xử phạt chiến sĩ Công an nhân dân đang thi hành công vụ trong lĩnh vực hóa chất vật liệu nổ được quy định "
            "như thế nào?",
            None,
        ),
        # "hình phạt tù" as a noun, and "thiết bị phát": no sanction asked
        ("Người chấp hành xong hình phạt tù tham gia đào tạo nghề có được miễn học phí không?", None),
        (
            "Sản xuất, kinh doanh và nhập khẩu thiết bị phát tín hiệu của xe được quyền ưu tiên được quy định như thế nào?",
            None,
        ),
        ("Người lao động nghỉ việc có được rút BHXH một lần không?", None),
    ],
)
def test_asked_type(question, kind):
    t = asked_type(question)
    assert (t.name if t else None) == kind


@pytest.mark.parametrize(
    "text,states",
    [
        ("mỗi năm làm việc được trợ cấp một nửa tháng tiền lương", True),
        ("Mức trợ cấp bằng 50% mức lương cơ sở.", True),
        ("phạt tiền từ 2.000.000 đồng đến 3.000.000 đồng", True),
        # a sum set against another (BLDS Điều 328 khoản 2: the deposit back and as much again)
        (
            "bên nhận đặt cọc phải trả cho bên đặt cọc tài sản đặt cọc và một khoản tiền tương đương giá trị tài sản "
            "đặt cọc",
            True,
        ),
        ("bồi thường gấp đôi số tiền đã nhận", True),
        ("Bên nhận đặt cọc phải trả lại tài sản đặt cọc.", False),
    ],
)
def test_a_sum_stated(text, states):
    wanted = asked_type("đặt cọc rồi bên bán không bán nữa thì phải trả lại bao nhiêu tiền")
    assert wanted is not None and wanted.name == "sum of money"
    assert wanted.answers(text) is states


@pytest.mark.data
@pytest.mark.parametrize(
    "question,doc,article,clause",
    [
        # every khoản of Điều 19 speaks of "bảo hiểm xã hội một lần": "thời điểm" tells which one answers
        ("Thời điểm tính hưởng bảo hiểm xã hội một lần là khi nào?", "59/2015/TT-BLĐTBXH", "19", "5"),
        ("Người thừa kế theo pháp luật gồm những ai?", "91/2015/QH13", "651", "1"),
        ("Mức hưởng chế độ ốm đau được tính thế nào?", "59/2015/TT-BLĐTBXH", "6", "1"),
    ],
)
def test_the_khoan_that_answers(bhxh_library, question, doc, article, clause):
    """The khoản quoted is chosen by the question's words that tell the khoản apart, not by those every khoản
    of the article repeats (a short khoản repeating the subject used to win)."""
    c = api.ask(question, library="test-bhxh")["citations"][0]
    assert (c["doc"], c["article"], c["clause"]) == (doc, article, clause), c["quote"]


@pytest.mark.data
@pytest.mark.parametrize(
    "question, point",
    [
        # one reason of the seven answers: it is cited and quoted after the khoản's lead, alone (a question that
        # asks for the list is answered with all: test_choose)
        ("Công ty nợ lương 2 tháng rồi, tôi nghỉ việc luôn không báo trước được không?", "b"),
    ],
)
def test_the_point_that_answers_is_cited(bhxh_library, question, point):
    a = api.ask(question, library="test-bhxh")
    c = a["citations"][0]
    assert (c["doc"], c["article"], c["clause"], c["point"]) == ("45/2019/QH14", "35", "2", point), a[
        "answer"
    ]
    assert a["answer"].startswith(f"Căn cứ điểm {point} khoản 2 Điều 35 Bộ luật Lao động")
    assert "quấy rối tình dục" not in c["quote"]  # điểm d: the other reasons are not quoted
    assert c["quote"].startswith(
        "2. Người lao động có quyền đơn phương chấm dứt hợp đồng lao động không cần báo trước"
    )


@pytest.mark.data
def test_a_question_with_its_story(bhxh_library):
    """A question sent with greetings and a story (the TVPL style) is measured against the sentence that asks:
    the story's words (Bình Dương, công nhân may, con nhỏ) are in no article and made it not_found."""
    question = (
        "Người lao động nghỉ việc thì được hưởng bảo hiểm xã hội một lần trong những trường hợp nào? Xin chào ban "
        "biên tập, tôi tên là Lan, làm công nhân may tại một công ty ở Bình Dương được 5 năm, nay công ty giải thể "
        "và tôi muốn về quê chăm con nhỏ, chưa tìm được việc làm mới. Mong ban biên tập giải đáp giúp tôi. Xin cảm ơn!"
    )
    a = api.ask(question, library="test-bhxh")
    assert a["status"] == "answered", a["answer"]
    assert "quy định về bảo hiểm xã hội một lần như sau:" in a["answer"].split("\n")[0]


@pytest.mark.data
def test_a_question_holding_the_heading(bhxh_library):
    """The question holds the heading "Trợ cấp mai táng" as a phrase: that article is what it asks about, though
    the asker's city and year are in no article (coverage below MIN_COVERAGE); without the phrase, no answer."""
    a = api.ask(
        "Trợ cấp mai táng cho người tham gia bảo hiểm xã hội ở thành phố Hồ Chí Minh năm 2023 được chi trả ra "
        "sao?",
        library="test-bhxh",
    )
    assert a["retrieved"][0]["asked_about"] and a["retrieved"][0]["heading"] == "Trợ cấp mai táng"
    assert a["status"] == "answered" and a["coverage"] < MIN_COVERAGE, a["answer"]
    a = api.ask(
        "Người tham gia bảo hiểm xã hội ở thành phố Hồ Chí Minh năm 2023 được chi trả ra sao?",
        library="test-bhxh",
    )
    assert a["status"] == "not_found", a["answer"]


@pytest.mark.data
def test_a_sum_asked(bhxh_library):
    """Asked how much, luat quotes the khoản that states the sum or who sets it, and says so when the nearest
    articles do neither."""
    a = api.ask("Trợ cấp mai táng được hưởng bao nhiêu tiền?", library="test-bhxh")
    assert a["status"] == "answered" and "10 lần mức lương cơ sở" in a["citations"][0]["quote"], a["answer"]
    # the law delegates the sum: that is the answer (asked as of a day Luật Việc làm 2013 was in force: Luật Việc làm
    # 2025 replaced it from 2026-01-01, and is not in this library)
    a = api.ask(
        "Mức hỗ trợ học nghề cho người lao động thất nghiệp là bao nhiêu?",
        library="test-bhxh",
        as_of="2025-06-30",
    )
    assert [(c["doc"], c["article"], c["clause"]) for c in a["citations"]][:1] == [
        ("38/2013/QH13", "56", "2")
    ], a["answer"]
    a = api.ask("Mức lương tối thiểu vùng năm 2024 là bao nhiêu?", library="test-bhxh")
    assert [(c["doc"], c["article"]) for c in a["citations"]][:1] == [("45/2019/QH14", "91")], a["answer"]
    assert "quyết định và công bố mức lương tối thiểu" in a["citations"][0]["quote"]
    # no fee of the kind exists: the nearest articles (procedures) set no sum
    a = api.ask("Mức thu phí thẩm định hồ sơ hưởng bảo hiểm xã hội là bao nhiêu?", library="test-bhxh")
    assert a["status"] == "not_found" and "số tiền" in a["answer"], a["answer"]


@pytest.mark.data
def test_sanction_asked_but_library_sets_none(bhxh_library):
    """The BHXH library has the rules on contributions but no decree on sanctions: asked for the fine, luat says
    so instead of quoting the nearest article about late contributions."""
    a = api.ask(
        "Doanh nghiệp chậm đóng bảo hiểm xã hội cho người lao động thì bị phạt bao nhiêu tiền?",
        library="test-bhxh",
    )
    assert a["status"] == "not_found", a["answer"]
    assert "không có quy định xử phạt" in a["answer"]
    assert a["retrieved"], "the nearest articles are still listed"
    answered = api.ask(
        "Người lao động chậm đóng bảo hiểm xã hội thì phải truy đóng như thế nào?", library="test-bhxh"
    )
    assert answered["status"] == "answered", answered["answer"]


@pytest.mark.parametrize(
    "question,asks",
    [
        ("Vận đơn đường biển là gì?", True),
        ("Thế nào là bảo hiểm xã hội tự nguyện?", True),
        # the content of a rule, asked with the same words
        ("Điều kiện hưởng lương hưu là gì?", False),
        ("nội dung hoạt động của doanh nghiệp bảo hiểm là gì?", False),
        ("Người lao động nghỉ việc có được rút BHXH một lần không?", False),
        # the term is the clause that asks, not the sentence before it
        ("rut bhxh 1 lan bay gio con duoc khong, dieu kien la gi", False),
        ("Cho em hỏi với, hợp đồng vô hiệu là gì?", True),
        ("Mục đích đánh giá, xếp loại Đơn vị học tập là gì?", False),
    ],
)
def test_asks_meaning(question, asks):
    assert asks_meaning(definition_term(question)) is asks


@pytest.mark.data
def test_a_meaning_the_library_does_not_define(bhxh_library):
    """No text of the social-insurance library defines "vận đơn đường biển": luat says so rather than quoting an
    article that merely shares words; a rule's content asked as "... là gì" is still answered."""
    a = api.ask("Vận đơn đường biển là gì?", library="test-bhxh")
    assert a["status"] == "not_found" and "định nghĩa" in a["answer"], a["answer"]
    assert api.ask("Điều kiện hưởng lương hưu là gì?", library="test-bhxh")["status"] == "answered"
    assert api.ask("Bảo hiểm xã hội tự nguyện là gì?", library="test-bhxh")["status"] == "answered"


@pytest.mark.data
def test_a_scope_article_is_not_an_answer(bhxh_library):
    """Điều 1 "Phạm vi điều chỉnh" of the labour code shares the question's words ("tiêu chuẩn lao động; quyền,
    nghĩa vụ, trách nhiệm của người lao động") but answers nothing; asked about the scope, it is the answer."""
    question = "Tiêu chuẩn lao động, quyền nghĩa vụ trách nhiệm của người lao động được quy định thế nào?"
    first = api.searcher("test-bhxh").search(question, k=1)[0]
    assert (first.doc.number, first.article, first.heading) == ("45/2019/QH14", "1", "Phạm vi điều chỉnh")
    a = api.ask(question, library="test-bhxh")
    assert ("45/2019/QH14", "1") not in [(c["doc"], c["article"]) for c in a["citations"]]
    scope = api.ask("Bộ luật Lao động quy định về phạm vi điều chỉnh nào?", library="test-bhxh")
    assert [(c["doc"], c["article"]) for c in scope["citations"]][:1] == [("45/2019/QH14", "1")]


@pytest.mark.parametrize(
    "question",
    [
        # TVPL: the time limit and the competence to sanction are not the sanction
        "thời hiệu xử phạt vi phạm hành chính đối với người không bảo mật thông tin tố giác hành vi xâm hại trẻ em là bao lâu?",
        "chủ tịch ủy ban nhân dân cấp huyện có quyền xử phạt người tiết lộ bí mật đời tư của người khác trên mạng xã hội không?",
    ],
)
def test_not_asking_the_sanction(question):
    assert asked_type(question) is None


@pytest.mark.data
@pytest.mark.parametrize(
    "question,clause",
    [
        ("Trộm cắp tài sản trị giá 3 triệu đồng thì bị phạt tù bao nhiêu năm?", "1"),
        ("Trộm cắp tài sản trị giá 100 triệu đồng thì bị phạt tù bao nhiêu năm?", "2"),
        ("Trộm cắp tài sản trị giá 1,5 tỷ đồng thì bị phạt tù bao nhiêu năm?", "4"),
    ],
)
def test_a_sum_in_the_question_picks_its_khoan(criminal_library, question, clause):
    """Bộ luật Hình sự Điều 173 grades the penalty by the value stolen: the answer quotes the khoản whose range
    holds the sum asked about."""
    a = api.ask(question, library="test-crime")
    assert a["status"] == "answered", a["answer"]
    c = a["citations"][0]
    assert (c["article"], c["clause"]) == ("173", clause), a["answer"][:200]


@pytest.mark.parametrize(
    "question,sums",
    [
        ("trộm cắp tài sản trị giá 3 triệu đồng", [3_000_000]),
        ("tài sản trị giá 1,5 tỷ", [1_500_000_000]),
        ("chiếm đoạt 3.000.000 đồng", [3_000_000]),
        ("phạt 2 năm tù theo khoản 3 Điều 5", []),
    ],
)
def test_money_in(question, sums):
    assert money_in(question) == sums


@pytest.mark.data
def test_evaluating_ask(bhxh_library, tmp_path):
    """`luat eval --ask` scores the consultant itself: gold pairs (zalo style), the human answer's legal basis
    and its khoản (TVPL style), abstentions where the file expects not_in_library, and a wrong first citation
    counted as such."""
    from luat.evaluate import evaluate_ask, load_bench

    lines = [
        {
            "id": "z1",
            "question": "Thời điểm tính hưởng bảo hiểm xã hội một lần là khi nào?",
            "relevant": [{"doc": "59/2015/TT-BLĐTBXH", "article": "19"}],
        },
        # the same question with a wrong gold article: not counted as gold
        {
            "id": "z2",
            "question": "Thời điểm tính hưởng bảo hiểm xã hội một lần là khi nào?",
            "relevant": [{"doc": "58/2014/QH13", "article": "1"}],
        },
        {
            "id": "n1",
            "question": "Luật Bảo hiểm xã hội 2024 quy định tuổi nghỉ hưu thế nào?",
            "relevant": [{"doc": "41/2024/QH15", "article": "169"}],
            "expect": "not_in_library",
        },
        {
            "id": "t1",
            "question": "người thừa kế theo pháp luật gồm những ai?",
            "answer": "căn cứ khoản 1 điều 651 bộ luật dân sự 2015 quy định về người thừa kế theo pháp luật như sau: ...",
        },
    ]
    path = tmp_path / "ask.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    questions, errors = load_bench(path)
    assert not errors
    r = evaluate_ask(questions, library="test-bhxh", progress=False)
    assert r["questions"] == 4 and r["questions_with_gold"] == 3
    assert r["first_citation_gold"] == round(2 / 3, 4) and r["answered"] == 0.75
    assert r["abstained_when_not_in_library"] == 1.0
    assert r["first_citation_same_khoan"] == 1.0 and r["first_citations_with_khoan"] == 1
    assert r["unresolved_citations"] == 0 and r["non_verbatim_quotes"] == 0


@pytest.fixture(scope="module")
def criminal_library(luat_home):
    """The criminal code beside two laws that speak of criminal liability too."""
    from conftest import DATA

    from luat.index import build_index
    from luat.ingest import ingest
    from luat.store import Library

    lib = Library("test-crime")
    ingest(
        [
            DATA / "vlc-2021" / name
            for name in ("bo-luat-hinh-su.txt", "bo-luat-to-tung-hinh-su.txt", "luat-cong-nghe-thong-tin.txt")
        ],
        lib,
        progress=False,
        workers=2,
    )
    build_index(lib, progress=False)
    return lib


@pytest.mark.data
@pytest.mark.parametrize(
    "question,article",
    [
        # without the rule: not_found (the nearest articles were the Code of Criminal Procedure's and the IT law's)
        (
            "Xâm phạm bí mật thư tín, điện thoại của người khác có bị truy cứu trách nhiệm hình sự không?",
            "159",
        ),
        ("Hành vi phát tán vi rút máy tính bị phạt tù bao nhiêu năm?", "286"),
        ("Xâm nhập trái phép vào mạng máy tính của người khác có bị đi tù không?", "289"),
        # the crime the question names, not a neighbour whose text says its words more often
        ("danh bai an tien bi cong an bat, lan dau bi bat thi co bi di tu khong", "321"),  # not Điều 322
        ("Tổ chức đánh bạc tại nhà có bị đi tù không?", "322"),
        # a crime, not a rule of the general part the question does not name (Điều 48 on returning property)
        ("vay tiền không trả có bị đi tù không", "175"),
        # "bị xử lý hình sự thế nào" asks the same (the ranker put Điều 138, the negligent injury, first)
        ("Đánh người ta bị thương tỷ lệ 15% thì bị xử lý hình sự thế nào?", "134"),
        # not the negligent form (Điều 138), nor a provoked one, unless the question says so
        ("đánh nhau gây thương tích 20% có bị truy cứu trách nhiệm hình sự không", "134"),
        ("lái xe gây tai nạn chết người có bị đi tù không", "260"),  # not Điều 266 (handing over the vehicle)
    ],
)
def test_asked_about_criminal_liability(criminal_library, question, article):
    """Asked whether an act is a crime, luat answers from the criminal code's article on the act, found without
    the words that ask ("truy cứu trách nhiệm hình sự" would find "Tội không truy cứu trách nhiệm hình sự ...")."""
    a = api.ask(question, library="test-crime")
    assert a["status"] == "answered", a["answer"]
    assert (a["citations"][0]["doc"], a["citations"][0]["article"]) == ("100/2015/QH13", article), a[
        "answer"
    ][:200]


@pytest.mark.data
def test_criminal_liability_named_not_asked(criminal_library):
    """ "Người bị truy cứu trách nhiệm hình sự" names a person: no crime is asked about."""
    hits = api.searcher("test-crime").search("Người bị truy cứu trách nhiệm hình sự có quyền gì?", k=3)
    assert not any(h.asked_about and h.heading.startswith("Tội") for h in hits)


@pytest.mark.data
def test_a_foreign_countrys_law_is_not_in_the_library(bhxh_library):
    a = api.ask(
        "Em là thực tập sinh ở Nhật, luật lao động Nhật Bản quy định làm thêm giờ thế nào?",
        library="test-bhxh",
    )
    assert a["status"] == "not_in_library" and not a["citations"] and "nước ngoài" in a["answer"]
    # Vietnam's own law on the same matter is answered
    a = api.ask("Làm thêm giờ tối đa bao nhiêu giờ một tháng?", library="test-bhxh")
    assert a["status"] == "answered"


@pytest.mark.data
def test_a_further_basis_is_quoted_only_when_ranked_close_to_the_first(bhxh_library, monkeypatch):
    """ "Ngoài ra, theo ..." quotes a further article only when the learned ranker scores it near the first (within
    BASIS_RANK_MARGIN): on everyday questions nine in ten further bases answered nothing."""
    from luat.answer import BASIS_RANK_MARGIN, Consultant

    searcher = api.searcher("test-bhxh")
    question = "Công ty nợ lương 2 tháng rồi, tôi nghỉ việc luôn không báo trước được không?"
    first = next(
        h for h in searcher.search(question, k=10) if (h.doc.number, h.article) == ("45/2019/QH14", "35")
    )
    pq = searcher.parse(question)
    # as close as the first by the lexical ratio: the ranker's scores decide
    near, far = (searcher._hit(first.doc.doc_id, article, first.score, pq) for article in ("36", "97"))
    first.rank_score, near.rank_score, far.rank_score = (
        2.0,
        2.0 - BASIS_RANK_MARGIN / 2,
        2.0 - 2 * BASIS_RANK_MARGIN,
    )
    monkeypatch.setattr(searcher, "search", lambda *a, **k: [first, far, near])
    a = Consultant(bhxh_library, searcher).ask(question)
    assert [c.article for c in a.citations] == ["35", "36"], a.answer


@pytest.mark.data
def test_a_refusal_names_the_law_in_force_on_the_matter(bhxh_library):
    """Unemployment benefit is Luật Việc làm's, replaced from 2026 by a law the library lacks: when no provision
    answers, the refusal says so and names that law, even where the nearest article mentions the benefit."""
    a = api.ask("Trợ cấp thất nghiệp được hưởng tối đa mấy tháng?", library="test-bhxh")
    assert a["status"] == "not_in_library" and not a["citations"], a["answer"]
    assert "74/2025/QH15" in a["answer"] and "01/01/2026" in a["answer"], a["answer"]


def test_a_question_marked_unanswerable_expects_no_answer(tmp_path):
    """The everyday sets mark what the library cannot answer with "unanswerable": true; read as expecting
    not_in_library, so that `luat eval --ask` scores the abstention and `luat train` learns from the question."""
    from luat.evaluate import load_bench

    path = tmp_path / "q.jsonl"
    lines = [
        {
            "id": "u",
            "question": "Luật Nhật Bản phạt lái xe say rượu thế nào?",
            "relevant": [],
            "unanswerable": True,
        },
        {
            "id": "a",
            "question": "Thử việc tối đa bao lâu?",
            "relevant": [{"doc": "45/2019/QH14", "article": "25"}],
        },
        {"id": "e", "question": "Nhà ở xã hội mua thế nào?", "relevant": [], "expect": "not_in_library"},
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    questions, errors = load_bench(path)
    assert not errors
    assert [q.expect for q in questions] == ["not_in_library", None, "not_in_library"]
