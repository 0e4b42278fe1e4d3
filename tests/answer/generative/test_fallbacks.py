"""What the model reads (sentences, not paragraphs) and what stands when it is slow, fails or refuses."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

import pytest
from conftest import Scripted
from test_answerer import EXTREMISTS, PLANTED, VETO, extractive_for, hit

from assistant.answer.extractive import NOT_IN_CORPUS
from assistant.answer.generative import answerer
from assistant.answer.generative.answerer import generative_answer
from assistant.answer.generative.generators import GenerationOptions, Message
from assistant.answer.generative.prompting import WITHHELD, answer_messages, excerpt
from assistant.answer.records import answer_record
from assistant.embed.registry import embedder_for
from assistant.models import Answer
from assistant.settings import Settings

# Five sentences; the question is answered by the third.
LONG = (
    "The Council met in July. Its members heard several briefings. "
    "A joint initiative led by France and Mexico proposed restraint in the use of the veto. "
    "The proposal was welcomed by many delegations. Other matters were deferred to the autumn session."
)


def test_the_model_reads_the_answering_sentence_with_its_neighbours_and_the_header() -> None:
    text = excerpt("Who proposed restraint in the use of the veto?", hit(LONG, 0))
    assert text == (
        "… Its members heard several briefings. A joint initiative led by France and Mexico proposed restraint in the "
        "use of the veto. The proposal was welcomed by many delegations. …"
    )
    # no neighbours: the sentence alone; the extractive answer's own sentence (by offsets) is always shown
    first = (0, LONG.index(" Its"))
    alone = excerpt("Who proposed restraint in the use of the veto?", hit(LONG, 0), keep=[first], neighbours=0)
    assert (
        alone
        == "The Council met in July. … A joint initiative led by France and Mexico proposed restraint in the use of the veto. …"
    )
    (_, user) = answer_messages("Who?", [hit(LONG, 0, title="Mobilizing collective action")], [text])
    assert "[1] Mobilizing collective action — 22 July 2016 — para. 1\n… Its members" in user[1]
    assert "The Council met in July" not in user[1]


def test_an_excerpt_never_shows_an_instruction_like_sentence() -> None:
    text = excerpt("Where did the working group meet?", hit(PLANTED, 0))
    assert "Ignore previous" not in text and "Brazil" not in text
    assert text == f"{WITHHELD} The working group met in Geneva."


def run(generator: object, hits: list, *, evidence: float = 0.8, **settings: object) -> Answer:  # type: ignore[type-arg]
    settings.setdefault("llm_quote_evidence", False)
    settings.setdefault("llm_judge", False)
    original = answerer.shared_generator
    answerer.shared_generator = lambda s: generator  # type: ignore[assignment,return-value]
    try:
        return generative_answer(
            Settings().with_overrides(**settings),
            embedder_for(Settings()),
            extractive_for("Who led the veto initiative?", hits, evidence),
        )
    finally:
        answerer.shared_generator = original


class Slow:
    """A generator that writes one word every ``pause`` seconds, forever."""

    name = "slow"
    model = "slow-model"

    def __init__(self, pause: float) -> None:
        self.pause = pause
        self.closed = False

    def stream(self, messages: Sequence[Message], options: GenerationOptions) -> Iterator[str]:
        try:
            while True:
                time.sleep(self.pause)
                yield "France "
        finally:
            self.closed = True


class Broken:
    name = "broken"
    model = "broken-model"

    def stream(self, messages: Sequence[Message], options: GenerationOptions) -> Iterator[str]:
        raise ConnectionError("the server went away")
        yield ""  # pragma: no cover


def test_a_timeout_leaves_the_exact_answer_and_says_so() -> None:
    hits = [hit(VETO, 0)]
    slow = Slow(0.02)
    embedder_for(Settings()).embed(["warm"])  # loaded before the clock starts
    t0 = time.perf_counter()
    answer = run(slow, hits, llm_timeout_s=0.3)
    assert time.perf_counter() - t0 < 5 and slow.closed  # stopped at the next token
    exact = extractive_for("Who led the veto initiative?", hits)
    assert answer.text == exact.text and answer.citations == exact.citations
    record = answer_record(answer)
    assert record["mode"] == "extractive" and record["requested_mode"] == "generative"
    assert "did not finish within 0.3 s" in answer.notices[-1]
    assert record["generation"]["fallback"] == "timeout"
    assert record["generation"]["tokens"] > 0 and record["generation"]["ttft_ms"] > 0  # what it got to


def test_a_failing_generator_leaves_the_exact_answer() -> None:
    hits = [hit(VETO, 0)]
    answer = run(Broken(), hits)
    assert answer.text == extractive_for("q", hits).text
    assert "ConnectionError" in answer.notices[-1] and answer_record(answer)["generation"]["fallback"] == "error"


def test_a_refusal_despite_strong_evidence_is_retried_with_the_best_passage_only() -> None:
    hits = [hit(EXTREMISTS, 0), hit(VETO, 1)]
    extractive = extractive_for("Who led the veto initiative?", hits)
    best = extractive.citations[0].hit
    fake = Scripted([NOT_IN_CORPUS, "Violent extremists exploit social media to incite hatred [1]."])
    answer = run(fake, hits)
    assert len(fake.prompts) == 2
    retry_prompt = fake.prompts[1][1][1]
    assert "[1]" in retry_prompt and "[2]" not in retry_prompt  # one passage
    assert answer.mode == "generative" and "incite hatred" in answer.text
    record = answer_record(answer)
    assert record["generation"]["retried"] and record["generation"]["fallback"] is None
    assert record["generation"]["passage_ids"] == [best.passage.passage_id]  # what the retry read, and cites


def test_a_second_refusal_falls_back_and_is_counted() -> None:
    hits = [hit(VETO, 0)]
    fake = Scripted([NOT_IN_CORPUS])
    answer = run(fake, hits)
    assert len(fake.prompts) == 2 and answer.text == extractive_for("q", hits).text
    assert "also when asked again with the best passage only" in answer.notices[-1]
    generation = answer_record(answer)["generation"]
    assert generation["retried"] and generation["fallback"] == "refusal"
    # without the retry, one prompt
    once = Scripted([NOT_IN_CORPUS])
    run(once, hits, llm_refusal_retry=False)
    assert len(once.prompts) == 1


@pytest.mark.parametrize("prompt", ["sentences", "paragraphs"])
def test_both_prompts_number_the_same_passages(prompt: str) -> None:
    hits = [hit(LONG, 0), hit(VETO, 1)]
    fake = Scripted(["A joint initiative led by France and Mexico proposed restraint in the use of the veto [1]."])
    answer = run(fake, hits, llm_prompt=prompt)
    user = fake.prompts[0][1][1]
    assert "[1] " in user and "[2] " in user and "[3] " not in user
    assert ("Other matters were deferred" in user) == (prompt == "paragraphs")
    assert answer.mode == "generative" and all(c.hit in hits for c in answer.citations)
