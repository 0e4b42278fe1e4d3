"""The OpenAI-compatible generator against a small fake server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest

from assistant.answer.generative import generators
from assistant.answer.generative.answerer import generative_answer
from assistant.answer.generative.generators import GenerationOptions, complete
from assistant.answer.records import answer_record
from assistant.embed.registry import embedder_for
from assistant.models import Answer, Citation, DocumentMeta, Hit, Passage, Span
from assistant.settings import Settings
from assistant.shared import forget_shared

VETO = (
    "One concrete step forward would be for them to agree to exercise restraint in the use of the veto in situations "
    "involving atrocity crimes, as proposed by a joint initiative led by France and Mexico."
)
REPLY = "A joint initiative led by France and Mexico proposed restraint in the use of the veto [1]."


class FakeOpenAI(BaseHTTPRequestHandler):
    """``POST /v1/chat/completions``, streamed as server-sent events, one word per chunk."""

    requests: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        if self.path != "/v1/chat/completions":
            self.send_error(404)
            return
        limit = body.get("max_completion_tokens", body.get("max_tokens"))  # newer clients send the first
        reply = "SUPPORTED" if limit == 4 else REPLY
        words = reply.split(" ")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for i, word in enumerate(words):
            delta = {"content": word + ("" if i == len(words) - 1 else " ")}
            self._event({"choices": [{"index": 0, "delta": delta, "finish_reason": None}]}, body["model"])
        self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}, body["model"])
        self.wfile.write(b"data: [DONE]\n\n")

    def _event(self, payload: dict[str, Any], model: str) -> None:
        chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": model, **payload}
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.flush()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    FakeOpenAI.requests = []
    forget_shared(generators.make_generator)
    url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    monkeypatch.setenv("ASSISTANT_GENERATOR", "openai")
    monkeypatch.setenv("ASSISTANT_OPENAI_BASE_URL", url)
    monkeypatch.setenv("ASSISTANT_OPENAI_MODEL", "fake-model")
    monkeypatch.setenv("ASSISTANT_OPENAI_API_KEY", "sk-test")
    yield url
    httpd.shutdown()
    httpd.server_close()


def test_openai_generator_streams_from_the_server(server: str) -> None:
    settings = Settings()
    generator = generators.make_generator(settings)
    assert (generator.name, generator.model) == ("openai", "fake-model")
    deltas = list(generator.stream([("system", "Be brief."), ("user", "Who?")], GenerationOptions(max_tokens=50, seed=3)))
    assert "".join(deltas) == REPLY and len(deltas) > 5
    (request,) = FakeOpenAI.requests
    assert request["model"] == "fake-model" and request["stream"] is True
    assert request.get("max_completion_tokens", request.get("max_tokens")) == 50
    assert request["auth"] == "Bearer sk-test"
    assert [m["role"] for m in request["messages"]] == ["system", "user"]


def test_generative_answer_through_an_openai_server(server: str) -> None:
    settings = Settings()
    hit = Hit(
        Passage("d:p", "d", 0, "5", "paragraph", VETO, None, (Span(0, len(VETO)),)),
        DocumentMeta(doc_id="d", source="d.txt", title="Report", date="2016-07-22"),
        1.0,
    )
    fallback = Answer(
        "Who led the veto initiative?",
        f"{VETO} [1]",
        False,
        (Citation(1, hit, VETO),),
        (hit,),
        mode="generative",
        evidence_score=0.8,
        abstain_threshold=0.5,
    )
    owner = SimpleNamespace(settings=settings, embedder=embedder_for(settings))
    answer = generative_answer(owner.settings, owner.embedder, fallback)
    assert answer.text == REPLY.replace(" [1].", ". [1]")
    assert (
        answer_record(answer)["generation"]["generator"] == "openai"
        and answer_record(answer)["generation"]["model"] == "fake-model"
    )
    assert answer_record(answer)["generation"]["judge_calls"] == 1  # the judge asked the same server
    assert complete(generators.shared_generator(settings), [("user", "x")], GenerationOptions(max_tokens=4)) == "SUPPORTED"


def test_unreachable_server_falls_back_to_the_extractive_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    forget_shared(generators.make_generator)
    settings = Settings().with_overrides(
        generator="openai", openai_base_url=f"http://127.0.0.1:{port}/v1", openai_model="m", openai_timeout_s=2.0
    )
    hit = Hit(
        Passage("d:p", "d", 0, "5", "paragraph", VETO, None, (Span(0, len(VETO)),)),
        DocumentMeta(doc_id="d", source="d.txt"),
        1.0,
    )
    fallback = Answer("q", f"{VETO} [1]", False, (Citation(1, hit, VETO),), (hit,))
    owner = SimpleNamespace(settings=settings, embedder=embedder_for(settings))
    answer = generative_answer(owner.settings, owner.embedder, fallback)
    assert answer.text == fallback.text and answer_record(answer)["mode"] == "extractive"
    assert answer.notices[-1].startswith("The generator failed (")


def test_openai_generator_without_a_server_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_OPENAI_BASE_URL", raising=False)
    with pytest.raises(generators.GeneratorUnavailableError, match="ASSISTANT_OPENAI_BASE_URL"):
        generators.make_generator(Settings().with_overrides(generator="openai"))
