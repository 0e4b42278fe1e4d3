"""Shared fixtures and fakes.

- The real model and a real seed index, each built once per test session (`seed_settings`, `seed_assistant`).
- Fakes registered through the same registries as the real variants, so logic tests never load a model:
  `FakeEmbedder` (``embedder="fake"``) and `Scripted` (``generator="scripted"``).
- No developer ``ASSISTANT_*`` variable reaches a test (`_no_assistant_environment`).
- `require_shared`: a test that needs the team's shared folder skips on a developer machine and fails under CI.
- The chat's doubles: `DelayedAssistant` (slowed questions), `CannedAssistant` (prepared answers), `SlowScripted`
  (a scripted model that writes slowly or fails), and answers of the newer kinds built by hand (`timeline_answer`,
  `clarify_answer`, `hit_for`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import settings as _settings
from assistant.answer.generative import generators
from assistant.answer.generative.generators import GenerationOptions, Message
from assistant.embed import registry
from assistant.embed.base import BatchEmbedder
from assistant.settings import PROJECT_ROOT, Settings
from assistant.shared import forget_shared

SEED_CORPUS = PROJECT_ROOT / "corpus"
SHARED = _settings.SHARED_DIR
DEV_QA = _settings.DEV_QA  # the shared dev set (ASSISTANT_SHARED_DIR moves it: read once, when assistant.settings is imported)
UNGDC_ARCHIVE = _settings.UNGDC_ARCHIVE
REPORT_ID = "004_44fea8a60e0f5565"

# ASSISTANT_* variables that switch a test's behaviour rather than the assistant's settings: kept.
TEST_SWITCHES = frozenset({"ASSISTANT_UPDATE_SCREENSHOT"})  # tests/ui/test_browser.py


def settings_for(index_dir: Path, corpus_dir: Path = SEED_CORPUS, **overrides: object) -> Settings:
    """Settings pointing at a test index and corpus (environment overrides ignored for paths)."""
    return Settings().with_overrides(index_dir=index_dir, corpus_dir=corpus_dir, data_dir=index_dir.parent / "data", **overrides)


def copy_seed_corpus(dest: Path) -> Path:
    """A writable copy of the seed corpus (text files and the metadata sidecar)."""
    shutil.copytree(SEED_CORPUS, dest)
    return dest


def copy_small_corpus(dest: Path) -> Path:
    """Two short seed messages: enough for build mechanics, cheap to embed."""
    dest.mkdir(parents=True)
    for name in ("000_2da93208c23d15a9.txt", "001_3c0b70c9704cf0d2.txt"):
        shutil.copy(SEED_CORPUS / name, dest / name)
    return dest


# the shared folder --------------------------------------------------------------------------


def under_ci() -> bool:
    """Whether the tests run in CI (``CI`` set, as every CI service does), where nothing may be silently skipped."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_shared(path: Path, what: str) -> Path:
    """``path`` if it exists; else skip the test on a developer machine and fail it under CI, saying where to put it."""
    if path.exists():
        return path
    message = (
        f"{what} is not at {path}: put the team's shared folder beside the project (../shared) "
        "or set ASSISTANT_SHARED_DIR to where it is"
    )
    if under_ci():
        pytest.fail(f"{message} (CI is set: this test must run, not skip)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def dev_qa() -> Path:
    """The shared dev QA set (``eval/dev_qa.jsonl``); a missing one skips the test, or fails it under CI.

    Session-scoped, so a test lists it before `seed_settings` and a missing file costs no index build.
    """
    return require_shared(DEV_QA, "the dev QA set (eval/dev_qa.jsonl)")


@pytest.fixture(scope="session")
def ungdc_archive() -> Path:
    """The General Debate archive (``data/ungdc.tar.xz``); a missing one skips the test, or fails it under CI."""
    return require_shared(UNGDC_ARCHIVE, "the UN General Debate Corpus archive (data/ungdc.tar.xz)")


# no developer environment -------------------------------------------------------------------


def _assistant_variables() -> list[str]:
    return sorted(name for name in os.environ if name.startswith("ASSISTANT_") and name not in TEST_SWITCHES)


@pytest.fixture(scope="session", autouse=True)
def _no_assistant_environment_session() -> Iterator[None]:
    """Session fixtures (the seed index) are built with the defaults, not the developer's ``ASSISTANT_*`` settings.

    Autouse session fixtures are set up before any other session fixture, so `seed_settings` already sees the
    cleaned environment. ``ASSISTANT_SHARED_DIR`` still places the shared folder: it is read on import.
    """
    patch = pytest.MonkeyPatch()
    for name in _assistant_variables():
        patch.delenv(name)
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _no_assistant_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without ``ASSISTANT_*`` variables (whatever an earlier one set); it may set its own."""
    for name in _assistant_variables():
        monkeypatch.delenv(name)


# the real model and index -------------------------------------------------------------------


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a real index built from the seed corpus, once per session."""
    from assistant.index.builder import ingest

    root = tmp_path_factory.mktemp("seed")
    settings = settings_for(root / "index")
    ingest(settings, progress=False)
    return settings


@pytest.fixture(scope="session")
def seed_assistant(seed_settings: Settings):  # type: ignore[no-untyped-def]
    """One `Assistant` over the seed index for the whole session."""
    from assistant.pipeline import shared_assistant

    return shared_assistant(seed_settings)


# fakes ------------------------------------------------------------------------------------


class FakeEmbedder(BatchEmbedder):
    """Hashed bag of words: each lower-cased word adds 1 to one of 32 dimensions (by its sha256), then L2-normalised.

    Deterministic across processes; texts with the same words get the same vector (cosine 1.0), and a text
    with no word gets the zero vector. Its word pieces are the whitespace-separated words.
    """

    name = "fake-bag-of-words"
    dimension = 32
    fingerprint = hashlib.sha256(b"fake-bag-of-words/32").hexdigest()[:16]
    batch_size = 4

    @staticmethod
    def bucket(word: str) -> int:
        """The dimension a word counts in."""
        return hashlib.sha256(word.lower().encode("utf-8")).digest()[0] % FakeEmbedder.dimension

    def vector(self, text: str) -> np.ndarray:
        """The unit vector of one text."""
        vec = np.zeros(self.dimension, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            vec[self.bucket(word)] += 1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text."""
        return np.stack([self.vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), dtype=np.float32)

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """The character span of each whitespace-separated word."""
        return [m.span() for m in re.finditer(r"\S+", text)]


class Scripted:
    """A generator that streams prepared replies word by word and records the prompts it saw.

    Replies are used in order; the last one is repeated. A judge call (at most 4 tokens) gets ``judge``.
    """

    name = "scripted"
    model = "scripted-model"

    def __init__(self, replies: Sequence[str] = (), judge: str = "SUPPORTED") -> None:
        self.replies = list(replies)
        self.judge = judge
        self.prompts: list[list[Message]] = []

    def enqueue(self, *replies: str) -> Scripted:
        """Add replies to give, in order."""
        self.replies.extend(replies)
        return self

    def stream(self, messages: Sequence[Message], options: GenerationOptions) -> Iterator[str]:
        """Yield the next reply word by word (each word with its trailing space)."""
        self.prompts.append(list(messages))
        if options.max_tokens <= 4:  # the judge
            yield self.judge
            return
        if not self.replies:
            raise AssertionError("the scripted generator was asked for a reply and has none: call enqueue() first")
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        for word in reply.split(" "):
            yield word + " "


@pytest.fixture()
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> FakeEmbedder:
    """`FakeEmbedder` registered as ``"fake"`` in the embedder registry, for this test."""
    monkeypatch.setitem(registry.EMBEDDERS, "fake", lambda settings: FakeEmbedder())
    return FakeEmbedder()


@pytest.fixture()
def fake_settings(tmp_path: Path, fake_embedder: FakeEmbedder) -> Settings:
    """Settings with the fake embedder, an index in ``tmp_path/index`` and a corpus in ``tmp_path/corpus`` (not created)."""
    return settings_for(tmp_path / "index", tmp_path / "corpus", embedder="fake")


# A three-document corpus for indexes built with the fake embedder (`fake_index`). Its rows, in doc_id order:
#   0 oceans#title   1-4 oceans#p1-p4 (p4: 77 words, four windows of 30 words)   5-6 peace#p1-p2   7-9 water#p1-p3
SMALL_CORPUS = {
    "oceans.txt": """Protecting the oceans

Report of the Secretary-General

1. Oceans cover most of the planet and feed billions of people.

2. Plastic waste in the oceans harms fish, birds and coastal economies.

3. Member States should ban single-use plastics by 2030.

4. Coral reefs shelter a quarter of all marine species, yet warming seas bleach them year after year, and fishing \
communities that depend on healthy reefs lose their income when the reefs die. Restoring reefs takes decades of patient \
work by scientists, local authorities and the people who live along the coast. Governments can help by protecting \
marine areas, limiting destructive fishing, funding research on heat-resistant corals and sharing what works with their \
neighbours across every ocean basin.
""",
    "peace.txt": """Peace depends on respect for human rights and the rule of law.

Young people are demanding action on climate and on equality.
""",
    "water.txt": """Clean water is a human right for every person on the planet.

Rivers shared across borders need cooperation agreements between neighbours.

Second, sanitation saves lives in crowded cities and villages.
""",
    "metadata.json": json.dumps(
        {
            "oceans.txt": {"symbol": "A/72/100", "date": "2017-06-05"},
            "peace.txt": {
                "title": "Remarks on peace and human rights",
                "date": "2019-12-10",
                "place": "Geneva",
                "doc_type": "remarks",
            },
            "water.txt": {
                "title": "Message on World Water Day",
                "date": "2015-03-22",
                "place": "New York",
                "doc_type": "message",
            },
        }
    ),
}


def write_small_corpus(dest: Path) -> Path:
    """Write `SMALL_CORPUS` into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name, text in SMALL_CORPUS.items():
        (dest / name).write_text(text, encoding="utf-8")
    return dest


@pytest.fixture()
def fake_index(fake_settings: Settings) -> Settings:
    """`fake_settings` with an index of `SMALL_CORPUS` built by the fake embedder (windows of 30 words, 8 shared)."""
    from assistant.index.builder import ingest

    settings = fake_settings.with_overrides(window_tokens=32, window_overlap=8)
    write_small_corpus(settings.corpus_dir)
    ingest(settings, progress=False)
    return settings


@pytest.fixture()
def scripted(monkeypatch: pytest.MonkeyPatch) -> Iterator[Scripted]:
    """A `Scripted` generator registered as ``"scripted"``: settings with ``generator="scripted"`` get this one."""
    fake = Scripted()
    monkeypatch.setitem(generators.GENERATORS, "scripted", lambda settings: fake)
    forget_shared(generators.make_generator)  # the shared generator of an earlier test must not answer
    yield fake
    forget_shared(generators.make_generator)


@pytest.fixture()
def scripted_settings(fake_index: Settings, scripted: Scripted) -> Settings:
    """`fake_index` answering in generative mode with the `scripted` generator: no judge, no model anywhere."""
    return fake_index.with_overrides(mode="generative", generator="scripted", llm_judge=False)


# General Debate speeches made by tests -------------------------------------------------------


def write_speech(root: Path, code: str, session: int, year: int, text: str | bytes) -> Path:
    folder = root / "TXT" / f"Session {session:02d} - {year}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{code}_{session:02d}_{year}.txt"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# the chat's assistant, slowed on purpose -----------------------------------------------------


class DelayedAssistant:
    """The real assistant, except that the questions in ``delays`` wait first (to hold them in the chat's queue)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.delays: dict[str, float] = {}

    @property
    def store(self) -> Any:
        return self.inner.store

    @property
    def threshold(self) -> float:
        return float(self.inner.threshold)

    def ask(self, question: str, **options: Any) -> Any:
        time.sleep(self.delays.get(question, 0.0))
        return self.inner.ask(question, **options)

    def stream(self, question: str, **options: Any) -> Any:
        time.sleep(self.delays.get(question, 0.0))
        return self.inner.stream(question, **options)


class CannedAssistant(DelayedAssistant):
    """`DelayedAssistant` that gives the prepared `Answer` in ``canned`` to its question (hand-built timelines and
    clarifications, say), in both ``ask`` and ``stream``; other questions reach the real assistant."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.canned: dict[str, Any] = {}

    def ask(self, question: str, **options: Any) -> Any:
        if question not in self.canned:
            return super().ask(question, **options)
        time.sleep(self.delays.get(question, 0.0))
        return self.canned[question]

    def stream(self, question: str, **options: Any) -> Any:
        if question not in self.canned:
            return super().stream(question, **options)
        from assistant.pipeline import Event

        return iter([Event("answer", answer=self.ask(question, **options))])


class SlowScripted(Scripted):
    """`Scripted`, writing each word ``delay_s`` after the last; with ``fail_after`` set, a reply (not the judge's)
    raises `RuntimeError` after that many words, as a model that crashes mid-answer."""

    def __init__(self, replies: Sequence[str] = (), *, delay_s: float = 0.0, fail_after: int | None = None) -> None:
        super().__init__(replies)
        self.delay_s = delay_s
        self.fail_after = fail_after

    def stream(self, messages: Sequence[Message], options: GenerationOptions) -> Iterator[str]:
        for i, word in enumerate(super().stream(messages, options)):
            if self.fail_after is not None and i >= self.fail_after and options.max_tokens > 4:
                raise RuntimeError("the scripted model stopped mid-answer")
            time.sleep(self.delay_s)
            yield word


# answers of the newer kinds, built by hand -----------------------------------------------------


def hit_for(
    doc_id: str,
    date: str | None,
    text: str,
    *,
    speaker: str | None = None,
    title: str = "",
    label: str = "1",
    doc_type: str = "statement",
) -> Any:
    """A `Hit` on paragraph ``label`` of a made-up document (no index needed)."""
    from assistant.models import DocumentMeta, Hit, Passage, Span

    meta = DocumentMeta(
        doc_id, f"{doc_id}.txt", title=title or f"Statement {doc_id}", date=date, doc_type=doc_type, speaker=speaker
    )
    passage = Passage(
        f"{doc_id}#p{label}", doc_id, int(label) if label.isdigit() else 0, label, "paragraph", text, None, (Span(0, len(text)),)
    )
    return Hit(passage, meta, 1.0)


def first_sentence(text: str) -> str:
    """The passage's first sentence, as a timeline entry quotes it."""
    match = re.match(r".+?[.!?](?=\s|$)", text.strip(), re.S)
    return match.group(0) if match else text.strip()


def timeline_answer(
    question: str, cited: Sequence[tuple[str, Any]], counts: Sequence[Any] = (), *, mode: str = "extractive"
) -> Any:
    """A timeline answer as the timeline answerer gives it: an entry per ``(column, hit)`` quoting the hit's first
    sentence and citing it, in date order per column, the first and latest of each column marked; ``columns`` in
    order of appearance (``("",)`` for one timeline)."""
    from assistant.models import Answer, Citation, TimelineEntry

    columns = tuple(dict.fromkeys(column for column, _ in cited)) or ("",)
    ordered = sorted(cited, key=lambda ch: (columns.index(ch[0]), ch[1].meta.date or ""))
    entries, citations, lines = [], [], []
    for n, (column, hit) in enumerate(ordered, 1):
        same = [h for c, h in ordered if c == column]
        quote = first_sentence(hit.passage.text)
        date = hit.meta.date
        entries.append(
            TimelineEntry(
                int((date or "0")[:4]), date, hit.meta.doc_id, hit.meta.title, hit.meta.speaker, n, quote, 0.9,
                column, first=hit is same[0], latest=hit is same[-1],
            )
        )  # fmt: skip
        citations.append(Citation(n, hit, quote))
        lines.append(f"{date} — {column + ': ' if column else ''}{quote} [{n}]")
    return Answer(
        question, "\n".join(lines), False, tuple(citations), tuple(h for _, h in ordered), kind="timeline", mode=mode,
        timeline=tuple(entries), counts=tuple(counts), columns=columns,
    )  # fmt: skip


def clarify_answer(question: str, choices: Sequence[Any]) -> Any:
    """A clarify answer asking which of ``choices`` (`DocumentMeta`) the question means."""
    from assistant.models import Answer

    text = "Several documents match; which one do you mean?"
    return Answer(question, text, False, (), (), kind="clarify", mode="extractive", choices=tuple(choices))
