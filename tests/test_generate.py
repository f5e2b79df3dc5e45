"""The optional generator behind an OpenAI-compatible endpoint: a fake server on loopback stands in for llama.cpp
or vLLM; what it writes is kept only where it passes the consultant's check."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from luat import api
from luat.generate import Generator

pytestmark = pytest.mark.data

QUESTION = "Người thừa kế theo pháp luật gồm những ai?"


class FakeLLM(BaseHTTPRequestHandler):
    reply = staticmethod(lambda request: {})  # the test sets what the "model" answers
    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeLLM.requests.append(request)
        content = json.dumps(FakeLLM.reply(request), ensure_ascii=False)
        body = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def llm_url():
    server = HTTPServer(("127.0.0.1", 0), FakeLLM)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def opening_of(request: dict) -> str:
    return request["messages"][1]["content"].split("Câu mở đầu: ", 1)[1].split("\n", 1)[0]


def test_rephrased_opening_and_conclusion_are_kept(bhxh_library, llm_url, monkeypatch):
    monkeypatch.delenv("LUAT_LLM_URL", raising=False)
    plain = api.ask(QUESTION, library="test-bhxh")  # without the generator
    assert plain["generated"] is None
    monkeypatch.setenv("LUAT_LLM_URL", llm_url)  # read at each call
    FakeLLM.reply = staticmethod(
        lambda r: {
            "opening": opening_of(r).replace("Căn cứ ", "Về người thừa kế theo pháp luật, căn cứ "),
            "summary": "Như vậy, người thừa kế theo pháp luật được xác định theo ba hàng thừa kế tại khoản 1 Điều 651 "
            "Bộ luật Dân sự 2015.",
        }
    )
    a = api.ask(QUESTION, library="test-bhxh")
    assert a["generated"] == {"opening": True, "summary": True, "note": None}
    assert a["answer"].startswith(
        "Về người thừa kế theo pháp luật, căn cứ khoản 1 Điều 651 Bộ luật Dân sự 2015"
    )
    assert a["answer"].endswith("tại khoản 1 Điều 651 Bộ luật Dân sự 2015.")
    assert a["citations"] == plain["citations"], "citations and quotes still come from the library"
    # the answer without the generator, its opening rephrased and the conclusion added; nothing else changed
    template = opening_of(FakeLLM.requests[-1])
    made = FakeLLM.reply(FakeLLM.requests[-1])
    assert template in plain["answer"]
    assert a["answer"] == plain["answer"].replace(template, made["opening"], 1) + "\n\n" + made["summary"]
    sent = FakeLLM.requests[-1]
    assert (
        sent["messages"][0]["role"] == "system" and "Câu hỏi: " + QUESTION in sent["messages"][1]["content"]
    )


def test_what_fails_the_check_is_not_kept(bhxh_library, llm_url, monkeypatch):
    monkeypatch.setenv("LUAT_LLM_URL", llm_url)
    # an opening that cites another article, a conclusion citing a provision the answer does not quote
    FakeLLM.reply = staticmethod(
        lambda r: {
            "opening": "Căn cứ Điều 652 Bộ luật Dân sự 2015 quy định như sau:",
            "summary": "Như vậy, theo Điều 60 Luật Bảo hiểm xã hội 2014, con được hưởng thừa kế.",
        }
    )
    a = api.ask(QUESTION, library="test-bhxh")
    assert a["generated"]["opening"] is False and a["generated"]["summary"] is False
    assert "căn cứ" in a["generated"]["note"]
    assert (
        a["answer"].startswith("Căn cứ khoản 1 Điều 651 Bộ luật Dân sự 2015") and "Điều 60" not in a["answer"]
    )
    # a conclusion that quotes is refused too: quotes come from the library only
    FakeLLM.reply = staticmethod(lambda r: {"summary": "Như vậy, luật viết “con đẻ được thừa kế”."})
    a = api.ask(QUESTION, library="test-bhxh")
    assert a["generated"]["summary"] is False and "“" not in a["answer"]


def test_an_unreachable_endpoint_changes_nothing(bhxh_library, monkeypatch):
    monkeypatch.setenv("LUAT_LLM_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    monkeypatch.setenv("LUAT_LLM_TIMEOUT", "2")
    a = api.ask(QUESTION, library="test-bhxh")
    assert a["status"] == "answered" and a["answer"].startswith("Căn cứ khoản 1 Điều 651")
    assert a["generated"]["opening"] is False and "không gọi được" in a["generated"]["note"]


def test_no_setting_no_call(monkeypatch):
    monkeypatch.delenv("LUAT_LLM_URL", raising=False)
    assert Generator.from_env() is None
    assert Generator("http://host:8080/").url == "http://host:8080/v1/chat/completions"
    assert Generator("http://host:8080/v1/chat/completions").url == "http://host:8080/v1/chat/completions"
