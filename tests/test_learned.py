"""The learned stage (rank.py, embed.py, train.py): features read what they say, the embedding learns from a
library's headings, splits are stable, and a library without trained models keeps the hand-written order."""

from __future__ import annotations

import pytest

from luat.embed import Vocabulary, build, read_articles, tokens
from luat.rank import FEATURES, Candidate, Models, features
from luat.train import split_of


def _candidate(article: str, text: str, heading: str, **kw) -> Candidate:
    return Candidate("45/2019/QH14", article, kw.pop("bm25", 1.0), kw.pop("score", 1.0), text, heading, **kw)


def _row(rows: list[list[float]], i: int) -> dict[str, float]:
    return dict(zip(FEATURES, rows[i], strict=True))


def test_features_read_coverage_heading_kind_and_regime():
    terms = ["tien", "luong", "thu", "viec"]
    cands = [
        _candidate(
            "26",
            "tien luong cua nguoi lao dong trong thoi gian thu viec",
            "tien luong thu viec",
            doc_type="Bộ luật",
            bm25=4.0,
            score=5.0,
        ),
        _candidate(
            "4",
            "nguyen tac tra tien luong thu lao",
            "nguyen tac xac dinh tien luong",
            doc_type="Nghị định",
            bm25=8.0,
            score=6.0,
        ),
        _candidate(
            "9",
            "che do tien luong cua si quan",
            "tien luong si quan",
            doc_type="Thông tư",
            armed=True,
            repeats_heading=True,
            document_cited=0,
        ),
    ]
    cands[0].document_cited, cands[0].article_cited = 160, 3
    rows = features(terms, None, cands)
    first, second, third = (_row(rows, i) for i in range(3))
    assert first["text_words"] == 1.0 and second["text_words"] == 0.75  # "thù lao" folds to "thu" too
    assert first["heading_recall"] == 1.0 and first["heading_precision"] == 1.0
    assert first["bm25_rank"] == 1 and second["bm25_rank"] == 0 and second["bm25_share"] == 1.0
    assert first["doc_rank"] < second["doc_rank"] < third["doc_rank"]
    assert third["armed_to_civilian"] == 1.0
    assert _row(features(terms, None, cands, asks_armed=True), 2)["armed_to_civilian"] == 0.0
    assert third["repeats_heading"] == 1.0 and first["repeats_heading"] == 0.0
    assert first["document_cited"] > first["article_cited"] > second["article_cited"] == 0.0
    # "thu" and "viec" are held by the first candidate only: they tell it apart
    assert first["telling_text"] > second["telling_text"]


@pytest.mark.parametrize(
    "question_id, given, expected",
    [
        ("ed-001", "dev", "dev"),
        ("ed-002", "test", "test"),
        # no split given: the CRC-32 of the id, odd → "test" (crc32(b"tvpl-1") % 2 == 0, crc32(b"tvpl-4") % 2 == 1),
        # so a set's halves never move between runs or machines
        ("tvpl-1", None, "dev"),
        ("tvpl-4", None, "test"),
    ],
)
def test_split_is_stable(question_id, given, expected):
    assert split_of(question_id, given) == expected


def test_splits_are_about_half():
    ids = [f"zalo-{i}" for i in range(1000)]
    share = sum(split_of(i) == "test" for i in ids) / len(ids)
    assert 0.4 < share < 0.6


def test_tokens_are_folded_syllables_and_pairs():
    assert tokens("Thử việc") == ["thu", "viec", "thu_viec"]
    assert tokens("một hai ba", limit=2) == ["mot", "hai", "mot_hai"]


def test_embedding_learns_headings_from_a_small_library():
    topics = {
        "1": (
            "Tiền lương thử việc",
            "Tiền lương của người lao động trong thời gian thử việc do hai bên thỏa thuận "
            "nhưng ít nhất phải bằng 85% mức lương của công việc đó.",
        ),
        "2": (
            "Thời giờ làm thêm",
            "Số giờ làm thêm không quá 40 giờ trong 01 tháng và không quá 200 giờ trong 01 năm.",
        ),
        "3": (
            "Nghỉ hằng năm",
            "Người lao động làm việc đủ 12 tháng cho một người sử dụng lao động thì được nghỉ hằng "
            "năm, hưởng nguyên lương theo hợp đồng lao động.",
        ),
        "4": (
            "Điều kiện kết hôn",
            "Nam từ đủ 20 tuổi trở lên, nữ từ đủ 18 tuổi trở lên; việc kết hôn do nam và nữ tự "
            "nguyện quyết định.",
        ),
    }
    articles = [("d", a, h, t) for a, (h, t) in topics.items()] * 3  # each syllable in more than one article
    emb = build(read_articles(articles), [])
    assert emb.articles.shape == (len(articles), 128)
    nearest = emb.similar("lương thử việc ít nhất bao nhiêu phần trăm", 1)[0][0]
    assert nearest == ("d", "1")
    assert emb.similar("nam mấy tuổi thì được kết hôn", 1)[0][0] == ("d", "4")
    # within one document ("Theo Bộ luật Lao động, ..."): only its articles, nearest first
    labour = [(f"lao-dong-{i}", a, h, t) for i, (_d, a, h, t) in enumerate(articles)]
    emb = build(read_articles(articles + labour), [])
    within = emb.nearest(
        emb.encode(["lương thử việc ít nhất bao nhiêu phần trăm"])[0], 3, doc_id="lao-dong-0"
    )
    assert [key for key, _cosine in within] == [("lao-dong-0", "1")]
    assert emb.nearest(emb.encode(["thử việc"])[0], 3, doc_id="không có") == []


def test_embedding_blocks_are_each_of_unit_length(tmp_path):
    import numpy as np

    from luat.embed import BLOCKS, Embedding, _unit

    m = np.array([[3.0, 4.0, 1.0, 0.0], [0.0, 2.0, 0.0, 5.0]])
    u = _unit(m, 2)
    assert np.allclose(np.linalg.norm(u, axis=1), 1.0)
    assert np.allclose(u[:, :2] * np.sqrt(2), [[0.6, 0.8], [0.0, 1.0]])
    # the dot product of two rows is the mean of their blocks' cosines
    assert np.isclose(u[0] @ u[1], (0.8 + 0.0) / 2)
    articles = [
        ("d", str(i), h, t)
        for i, (h, t) in enumerate([("Thời giờ làm thêm", "Số giờ làm thêm không quá 40 giờ")] * 4)
    ]
    emb = build(read_articles(articles), [])
    assert emb.blocks == BLOCKS
    emb.save(tmp_path)
    again = Embedding.load(tmp_path)
    assert again is not None and again.blocks == BLOCKS
    assert np.allclose(again.encode(["làm thêm"]), emb.encode(["làm thêm"]), atol=1e-2)
    # passages are encoded once and kept: the same vectors, in the order asked, repeats included
    texts = ["Số giờ làm thêm", "không quá 40 giờ", "Số giờ làm thêm"]
    assert np.array_equal(emb.encode_passages(texts), emb.encode(texts))
    assert np.array_equal(emb.encode_passages(texts[1:]), emb.encode(texts[1:]))
    assert emb.encode_passages([]).shape == (0, emb.vectors.shape[1])


def test_an_ensemble_is_the_mean_of_its_models(tmp_path):
    import lightgbm
    import numpy as np

    from luat.rank import Ensemble

    rng = np.random.default_rng(0)
    x = rng.random((200, 4))
    y = (x[:, 0] + 0.3 * rng.random(200) > 0.6).astype(int)
    params = dict(objective="binary", num_leaves=4, bagging_fraction=0.7, bagging_freq=1, verbose=-1)
    models = [lightgbm.train(dict(params, seed=s), lightgbm.Dataset(x, y), 20) for s in (1, 2, 3)]
    ensemble = Ensemble(models)
    rows = x[:5]
    assert np.allclose(ensemble.predict(rows), np.mean([m.predict(rows) for m in models], axis=0))
    assert not np.allclose(models[0].predict(rows), models[1].predict(rows))  # the seeds differ
    ensemble.save(tmp_path, "judge")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["judge.1.txt", "judge.2.txt", "judge.txt"]
    assert np.allclose(Ensemble.load(tmp_path, "judge", 3).predict(rows), ensemble.predict(rows))


def test_vocabulary_keeps_words_seen_twice():
    vocab = Vocabulary.build([["a", "b", "a_b"], ["a", "c"]])
    assert "a" in vocab.ids and "b" not in vocab.ids and "a_b" not in vocab.ids


def test_no_models_without_training(tmp_path, monkeypatch):
    monkeypatch.setenv("LUAT_HOME", str(tmp_path))
    assert Models.load("default") is None
    (tmp_path / "models" / "default").mkdir(parents=True)
    (tmp_path / "models" / "default" / "models.json").write_text('{"features": ["old"]}')
    assert Models.load("default") is None  # from another feature set: not used


@pytest.mark.parametrize(
    "letter, expected",
    [
        (
            "Kính gửi Văn phòng luật sư. Tôi là Đỗ Thị Kim, số sổ BHXH 0123456789. Tôi cho bạn vay 100 triệu. Xin hỏi: "
            "1) Tôi được tính lãi theo mức nào khi hai bên tranh cãi? 2) Thời hạn để tôi khởi kiện ra tòa là bao lâu? "
            "Xin cảm ơn.",
            [
                "Tôi được tính lãi theo mức nào khi hai bên tranh cãi?",
                "Thời hạn để tôi khởi kiện ra tòa là bao lâu?",
            ],
        ),
        (
            "Tôi có hai câu hỏi: thứ nhất, đi khám sức khỏe xin việc có được BHYT thanh toán không; thứ hai, mất thẻ BHYT "
            "thì khi đi khám phải xuất trình gì? Trân trọng.",
            [
                "đi khám sức khỏe xin việc có được BHYT thanh toán không",
                "mất thẻ BHYT thì khi đi khám phải xuất trình gì?",
            ],
        ),
        (
            "Chào chuyên mục. Cho tôi hỏi hồ sơ hưởng BHXH một lần gồm những giấy tờ gì? Và số tiền được tính theo "
            "thời điểm nào khi nghỉ việc? Cảm ơn.",
            [
                "Cho tôi hỏi hồ sơ hưởng BHXH một lần gồm những giấy tờ gì?",
                "Và số tiền được tính theo thời điểm nào khi nghỉ việc?",
            ],
        ),
        ("Vợ chồng tôi ly hôn, con 2 tuổi thì ai nuôi?", []),  # one question
        ("Điều 1. Khoản 2. Tôi hỏi gì?", []),  # numbers that are not questions of a letter
    ],
)
def test_the_questions_of_a_letter(letter, expected):
    from luat.search import asked_questions

    assert asked_questions(letter) == expected


@pytest.mark.data
def test_an_ingest_gives_new_articles_their_vectors(qd_library):
    """The embedding of a library learns its articles; one it lacks (ingested after ``luat train``) gets its
    vector from the refresh an ingest runs, and is then found by meaning."""
    from luat.embed import Embedding
    from luat.rank import models_dir
    from luat.train import refresh_embedding

    articles = qd_library.all_heading_texts()
    assert len(articles) >= 2
    emb = build(read_articles(articles[1:] * 2), [])
    emb.keys, emb.articles = emb.keys[: len(articles) - 1], emb.articles[: len(articles) - 1]
    emb.save(models_dir(qd_library.name))
    assert refresh_embedding(qd_library) == 1
    again = Embedding.load(models_dir(qd_library.name))
    assert again is not None and set(again.keys) == {(d, a) for d, a, _h, _t in articles}
    assert refresh_embedding(qd_library) == 0


@pytest.mark.data
def test_training_a_library_the_questions_do_not_cover_says_so(qd_library):
    """A user's library that holds none of the labelled questions' articles has nothing to learn from: one clear
    error, and no models left behind."""
    from luat.rank import models_dir
    from luat.train import train

    with pytest.raises(ValueError, match="nothing to learn from"):
        train(qd_library.name, progress=False)
    assert not (models_dir(qd_library.name) / "models.json").exists()
    assert not (models_dir(qd_library.name).parent / f".{qd_library.name}.new").exists()


def test_the_khoan_chooser_learns_what_the_words_miss(tmp_path):
    """Articles whose named khoản is the one stating an amount the question asks for, while the question's words
    favour another: the chooser learns it, out of sample, where the lexical score does not; it is saved for search
    and ask to load."""
    import random

    from luat.choose import CLAUSE_FEATURES
    from luat.train import fit_chooser

    rng = random.Random(3)
    amount, lexical = CLAUSE_FEATURES.index("states_amount"), CLAUSE_FEATURES.index("lexical")
    groups = []
    for i in range(300):
        rows = [[rng.random() for _ in CLAUSE_FEATURES] for _ in range(4)]
        gold = rng.randrange(4)
        for j, row in enumerate(rows):
            row[amount] = float(j == gold)
            row[lexical] = 0.2 if j == gold else 0.5 + rng.random()
        groups.append((i, rows, [int(j == gold) for j in range(4)]))
    info = fit_chooser(groups, tmp_path)
    assert (
        info["articles"] == 300 and info["named_khoan_lexical"] == 0.0 and info["named_khoan_learned"] > 0.9
    )
    assert (tmp_path / "chooser.txt").exists()
