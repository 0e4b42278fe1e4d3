"""Checking a draft: each sentence against the passages it cites, with the model's own veto when it runs locally."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.cited import cited_sentences
from assistant.answer.generative.drafts import Draft, GenerationTimeout, is_refusal, past, without_attribution
from assistant.answer.generative.generators import GenerationOptions, Generator, complete
from assistant.answer.generative.prompting import judge_messages
from assistant.answer.verify import SupportVerifier, Verdict, answer_verifier, strip_markers
from assistant.embed.base import Embedder
from assistant.models import CheckedSentence, Hit
from assistant.text.instructions import planted_payloads, repeats_payload, withheld
from assistant.text.sentences import split_sentences

PLANTED = "repeats what an instruction-like sentence of a passage asks to be answered"
MISCITED = "copied verbatim from another passage than the one it cites:"


@dataclass(frozen=True)
class Claim:
    """One sentence of a draft and the outcome of its check."""

    text: str  # without citation markers
    cited: tuple[int, ...]  # passage numbers as the model saw them, after checking
    supported: bool
    reason: str
    # "model"; "added" (it cited nothing); "corrected" (it cited a passage that does not support it);
    # "quote" (the extractive answer's best sentence, added verbatim because the generated ones leave it out)
    citation: str = "model"
    invalid: tuple[int, ...] = ()  # numbers it cited that were not given to the model
    overlap: float = 0.0
    similarity: float = 0.0

    def sentence(self, numbers: dict[int, int], passages: Sequence[Hit]) -> CheckedSentence:
        """This sentence as the answer gives it: the answer's citation numbers and the passages they name."""
        return CheckedSentence(
            text=self.text,
            citations=tuple(numbers[n] for n in self.cited if n in numbers),
            passage_ids=tuple(passages[n - 1].passage.passage_id for n in self.cited),
            supported=self.supported,
            reason=self.reason,
            citation=self.citation,
            invalid_citations=self.invalid,
            overlap=self.overlap,
            similarity=self.similarity,
        )


@dataclass(frozen=True)
class Checked:
    """A draft after verification."""

    draft: Draft
    claims: tuple[Claim, ...]
    refusal: bool  # the model said the passages do not answer

    @property
    def supported(self) -> int:
        """How many sentences are supported."""
        return sum(c.supported for c in self.claims)

    def rank(self) -> tuple[int, float]:
        """Sort key of samples: most supported sentences, then the smallest share of unsupported ones."""
        return (self.supported, -(len(self.claims) - self.supported) / max(1, len(self.claims)))


class LLMJudge:
    """The model's own one-word SUPPORTED / UNSUPPORTED, plugged into `SupportVerifier` as a veto.

    It only ever says "not supported" (False) or "no opinion" (None), so a sentence
    is kept only when the offline checks *and* the model agree, and what the
    evaluation's judge-less verifier accepts is a superset of what is kept. It
    asks nothing when the offline checks already reject the sentence.
    """

    def __init__(self, generator: Generator, verifier: SupportVerifier | None = None, max_sentences: int = 3) -> None:
        self.generator = generator
        self.verifier = verifier
        self.max_sentences = max_sentences  # the passage sentences closest to the claim: a short prompt reads faster
        self.calls = 0
        self.seconds = 0.0
        self.deadline: float | None = None  # a `time.perf_counter` value: past it, `GenerationTimeout`

    def __call__(self, sentence: str, passages: Sequence[str]) -> bool | None:
        """False when the model answers UNSUPPORTED, None otherwise."""
        if past(self.deadline):
            raise GenerationTimeout("no time left to check the answer")
        v = self.verifier
        if v is not None:
            joined = "\n".join(passages)
            if v.overlap(sentence, joined) < v.rule.min_overlap or (
                v.embedder is not None and v.similarity(sentence, passages) < v.rule.min_similarity
            ):
                return None  # the offline rule rejects it anyway
        t0 = time.perf_counter()
        reply = complete(
            self.generator,
            judge_messages(self._excerpt(sentence, passages), sentence),
            GenerationOptions(max_tokens=4, temperature=0.0, seed=0),
        )
        self.calls += 1
        self.seconds += time.perf_counter() - t0
        return False if reply.strip().upper().startswith("UNSUPPORTED") else None

    def _excerpt(self, sentence: str, passages: Sequence[str]) -> str:
        units = [t[s:e] for t in passages for s, e in split_sentences(t)]
        v = self.verifier
        if len(units) <= self.max_sentences or v is None or v.embedder is None:
            return "\n".join(passages)
        vecs = v.embedder.embed([sentence, *units])
        best = sorted(np.argsort(-(vecs[1:] @ vecs[0]))[: self.max_sentences])
        return " ".join(units[i] for i in best)


def check_draft(draft: Draft, passages: Sequence[Hit], verifier: SupportVerifier) -> Checked:
    """Check each sentence of ``draft`` against the passages it cites (numbered from 1 as the model saw them).

    Instruction-like sentences (marked at ingest or found now) are never support, and a
    sentence that repeats what one of them quotes as the answer to give is never supported.
    """
    texts = [withheld(h.passage.text, h.passage.instructions) for h in passages]
    planted = planted_payloads(h.passage for h in passages)
    years = {h.meta.date[:4] for h in passages if h.meta.date}
    claims: list[Claim] = []
    refusal = False
    for sentence, numbers in cited_sentences(draft.text):
        claim = without_attribution(strip_markers(sentence), years)
        if not claim.strip(" ."):
            continue
        if is_refusal(claim):
            refusal = refusal or not claims  # a refusal first: the model declined
            continue
        valid = tuple(n for n in numbers if 1 <= n <= len(texts))
        invalid = tuple(n for n in numbers if n not in valid)
        if repeats_payload(claim, planted):
            claims.append(Claim(claim, valid, False, PLANTED, "model", invalid))
            continue
        verdict: Verdict | None = verifier.check(claim, [texts[n - 1] for n in valid]) if valid else None
        if verdict is not None and verdict.supported:
            claims.append(_claim(claim, _needed(claim, valid, texts, verifier), verdict, "model", invalid))
            continue
        repaired = _repair(claim, texts, verifier, exclude=valid)
        if repaired is not None and valid and repaired[1].reason == "verbatim":
            # Words copied from one passage and credited to another: the model took a fragment (often a list)
            # that answers something else. Re-citing it would publish a wrong answer as supported (dev d04).
            claims.append(
                Claim(claim, valid, False, f"{MISCITED} [{repaired[0]}]", "model", invalid, verdict.overlap if verdict else 0.0)
            )
            continue
        if repaired is not None:
            n, v = repaired
            claims.append(_claim(claim, (n,), v, "corrected" if valid else "added", invalid))
            continue
        reason = verdict.reason if verdict else ("cites a passage that was not given" if invalid else "cites no passage")
        claims.append(
            Claim(
                claim,
                valid,
                False,
                reason,
                "model",
                invalid,
                verdict.overlap if verdict else 0.0,
                verdict.similarity if verdict else 0.0,
            )
        )
    return Checked(draft, tuple(claims), refusal and not any(c.supported for c in claims))


def _claim(text: str, cited: tuple[int, ...], verdict: Verdict, how: str, invalid: tuple[int, ...]) -> Claim:
    return Claim(text, cited, True, verdict.reason, how, invalid, verdict.overlap, verdict.similarity)


def _needed(claim: str, cited: tuple[int, ...], texts: list[str], verifier: SupportVerifier) -> tuple[int, ...]:
    """Drop citations the sentence does not need (ALCE: a citation is irrelevant if the others support it without it)."""
    if len(cited) == 1:
        return cited
    alone = tuple(n for n in cited if verifier.supports(claim, [texts[n - 1]]))
    return alone[:1] if alone else cited


def _repair(claim: str, texts: list[str], verifier: SupportVerifier, exclude: tuple[int, ...]) -> tuple[int, Verdict] | None:
    """The given passage that supports ``claim`` on its own, trying the closest in words first."""
    order = sorted(
        (n for n in range(1, len(texts) + 1) if n not in exclude), key=lambda n: -verifier.overlap(claim, texts[n - 1])
    )
    for n in order:
        verdict = verifier.check(claim, [texts[n - 1]])
        if verdict.supported:
            return n, verdict
    return None


def verifier_for(embedder: Embedder | None, generator: Generator | None, judge_on: bool = True) -> SupportVerifier:
    """The shared support check, with the model's veto when ``judge_on`` (one per answer: it counts its calls)."""
    judge = LLMJudge(generator) if generator is not None and judge_on else None
    verifier = answer_verifier(embedder, judge)
    if judge is not None:
        judge.verifier = verifier
    return verifier
