"""The optional generator: an OpenAI-compatible chat endpoint (``LUAT_LLM_URL``, e.g. the server of llama.cpp or
vLLM) that rephrases an answer's opening sentence and writes a short conclusion ("Như vậy, ...").

It never supplies a citation or a quote. The consultant keeps what it writes only when the rephrased opening still
names its basis exactly and every reference in the conclusion resolves to a provision the answer already quotes
(``Consultant._generated``); otherwise the template text stays, and the answer says why. Without the setting
nothing is called and everything works as before.

Settings: ``LUAT_LLM_URL`` (the server's base URL; ``/v1/chat/completions`` is appended unless the URL already ends
with it), ``LUAT_LLM_MODEL`` (default ``default``), ``LUAT_LLM_TIMEOUT`` (seconds, default 30).
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

SYSTEM = (
    "Bạn là biên tập viên pháp lý. Bạn nhận một câu hỏi và câu trả lời đã soạn sẵn gồm câu mở đầu và các quy định "
    'được trích nguyên văn. Hãy trả về đúng một đối tượng JSON có hai khóa: "opening" là câu mở đầu viết lại cho tự '
    'nhiên, sát câu hỏi, nhưng giữ nguyên văn cụm trích dẫn căn cứ (ví dụ "khoản 1 Điều 60 Luật Bảo hiểm xã hội 2014 '
    '(số 58/2014/QH13)") và kết thúc bằng "như sau:"; "summary" là một đến ba câu kết luận bắt đầu bằng "Như vậy," '
    "chỉ dựa vào các quy định được trích, không nêu văn bản hay điều khoản nào khác, không đặt đoạn nào trong ngoặc kép."
)


class GeneratorError(RuntimeError):
    """The endpoint could not be reached or gave no usable reply."""


@dataclass
class Generated:
    """What the generator wrote for an answer: a rephrased opening and a conclusion ("Như vậy, ..."), each None when
    it gave none."""

    opening: str | None
    summary: str | None


class Generator:
    """The optional chat endpoint (``LUAT_LLM_URL``) that rephrases an answer's opening and writes its conclusion; it
    never supplies a citation or a quote."""

    def __init__(self, url: str, model: str = "default", timeout: float = 30.0):
        url = url.rstrip("/")
        self.url = url if url.endswith("/chat/completions") else url + "/v1/chat/completions"
        self.model = model
        self.timeout = timeout

    @classmethod
    def from_env(cls) -> Generator | None:
        """The generator the settings name (``LUAT_LLM_URL``, ``LUAT_LLM_MODEL``, ``LUAT_LLM_TIMEOUT``), or None when
        ``LUAT_LLM_URL`` is not set."""
        url = os.environ.get("LUAT_LLM_URL", "").strip()
        if not url:
            return None
        return cls(
            url, os.environ.get("LUAT_LLM_MODEL", "default"), float(os.environ.get("LUAT_LLM_TIMEOUT", "30"))
        )

    def complete(self, messages: list[dict]) -> str:
        """The reply of the endpoint to ``messages``."""
        body = json.dumps({"model": self.model, "messages": messages, "temperature": 0.2}).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                reply = json.loads(response.read().decode("utf-8"))
            return reply["choices"][0]["message"]["content"]
        except (
            urllib.error.URLError,
            TimeoutError,
            OSError,
            ValueError,
            KeyError,
            IndexError,
            TypeError,
        ) as e:
            raise GeneratorError(f"{self.url}: {e}") from e

    def rephrase(self, question: str, opening: str, quoted: str) -> Generated:
        """A rephrased opening and a conclusion for an answer, as the endpoint writes them (unchecked)."""
        content = self.complete(
            [
                {"role": "system", "content": SYSTEM},
                {
                    "role": "user",
                    "content": f"Câu hỏi: {question}\n\nCâu mở đầu: {opening}\n\nCác quy định được trích:\n{quoted}",
                },
            ]
        )
        found = re.search(r"\{.*\}", content, re.S)  # the object, with or without a code fence around it
        try:
            data = json.loads(found.group(0)) if found else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise GeneratorError(f"{self.url}: the reply is not a JSON object: {content[:80]!r}")

        def text(key: str) -> str | None:
            """The reply's ``key`` as one line of text, or None when it is missing, blank or not text."""
            value = data.get(key)
            return " ".join(value.split()) if isinstance(value, str) and value.strip() else None

        return Generated(text("opening"), text("summary"))
