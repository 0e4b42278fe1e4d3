"""The test suite's own machinery: the fakes, their registration, the clean environment and `require_shared`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import FakeEmbedder, Scripted, require_shared

from assistant.answer.generative.generators import GenerationOptions, complete, shared_generator
from assistant.embed.registry import embedder_for, make_embedder
from assistant.settings import PROJECT_ROOT, Settings


def test_the_fake_embedder_is_registered_and_deterministic(fake_settings: Settings) -> None:
    embedder = make_embedder(fake_settings)
    assert isinstance(embedder, FakeEmbedder) and embedder_for(fake_settings).fingerprint == FakeEmbedder.fingerprint
    vectors = embedder.embed(["human rights", "Rights, human!", ""])
    assert vectors.shape == (3, 32) and vectors.dtype == np.float32
    assert np.allclose(vectors[0], vectors[1])  # the same words, in any order and case
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0) and not vectors[2].any()
    assert embedder.token_offsets("Two  words\n") == [(0, 3), (5, 10)]


def test_batches_come_back_in_input_order() -> None:
    texts = ["a b c d e f", "a", "a b c", "b", "a b c d", "c d", "e"]  # more than one batch of 4, lengths mixed
    embedder = FakeEmbedder()
    together = embedder.embed(texts)
    one_by_one = np.stack([embedder.vector(t) for t in texts])
    assert np.array_equal(together, one_by_one)


def test_the_scripted_generator_is_registered_and_replays_its_replies(scripted: Scripted, fake_settings: Settings) -> None:
    generator = shared_generator(fake_settings.with_overrides(generator="scripted"))
    assert generator is scripted
    scripted.enqueue("First reply [1].", "Second.")
    messages = [("user", "Who led it?")]
    assert list(generator.stream(messages, GenerationOptions())) == ["First ", "reply ", "[1]. "]  # word by word
    assert complete(generator, messages, GenerationOptions()) == "Second. "
    assert complete(generator, messages, GenerationOptions()) == "Second. "  # the last reply repeats
    assert complete(generator, messages, GenerationOptions(max_tokens=4)) == "SUPPORTED"  # a judge call
    assert len(scripted.prompts) == 4 and scripted.prompts[0] == messages
    with pytest.raises(AssertionError, match="enqueue"):
        list(Scripted().stream(messages, GenerationOptions()))


def test_require_shared_skips_on_a_laptop_and_fails_under_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    there = tmp_path / "dev_qa.jsonl"
    there.write_text("{}\n", encoding="utf-8")
    assert require_shared(there, "the dev QA set") == there
    missing = tmp_path / "nowhere.jsonl"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"the dev QA set is not at .*nowhere\.jsonl: put the team's shared folder"):
        require_shared(missing, "the dev QA set")
    monkeypatch.setenv("CI", "false")  # as some runners set it outside CI
    with pytest.raises(pytest.skip.Exception):
        require_shared(missing, "the dev QA set")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set: this test must run, not skip"):
        require_shared(missing, "the dev QA set")


INNER_TEST = """
import pytest

from assistant.settings import Settings


@pytest.fixture(scope="session")
def built_once():
    return Settings()


def test_defaults_everywhere(built_once, monkeypatch):
    assert built_once.k == 5 and built_once.embedder == "onnx"  # a session fixture saw no ASSISTANT_* either
    assert Settings().k == 5 and Settings().embedder == "onnx"
    monkeypatch.setenv("ASSISTANT_K", "3")  # a test may still set its own
    assert Settings().k == 3


def test_and_the_next_test_starts_clean_again():
    import os

    assert "ASSISTANT_K" not in os.environ and os.environ["ASSISTANT_UPDATE_SCREENSHOT"] == "1"
"""


def test_developer_settings_never_reach_a_test(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text((Path(__file__).parent / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "test_inner.py").write_text(INNER_TEST, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "ASSISTANT_K": "9",
        "ASSISTANT_EMBEDDER": "sentence-transformers",
        "ASSISTANT_UPDATE_SCREENSHOT": "1",  # a test switch, not a setting: kept
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout
