"""Does a passage support a sentence? The one support check shared by answerers and evaluation.

A sentence is *supported* by a set of passages when, taken together, they
state what it says. Offline, that is decided in this order:

1. **verbatim**: the sentence (citation markers removed, folded for case,
   accents, quotes, dashes and whitespace) occurs in a passage: supported;
2. **names and numbers**: every number and every capitalised name in the
   sentence must occur in the passages, or it is not supported, whatever else
   agrees ("40" is not "more than 11 million"; "Libya" is not "Kenya");
3. **a judge**, when one is plugged in (e.g. an LLM answering SUPPORTED or
   UNSUPPORTED), decides the remaining cases; it may abstain by returning None;
4. otherwise **content words and meaning**: enough of the sentence's content
   words occur in the passages (``min_overlap``) and the sentence is close in
   MiniLM embedding space to some sentence, or pair of adjacent sentences, of
   the passages (``min_similarity``).

An extractive answer quotes its passages, so step 1 settles it; a generative
answerer paraphrases, and the later steps apply. ``docs/evaluation.md`` gives
the definition evaluators cite.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.embed.base import Embedder
from assistant.text.instructions import withheld
from assistant.text.lexical import QUESTION_WORDS, STOPWORDS, fold, index_terms, key_terms, tokens
from assistant.text.sentences import split_sentences

# (sentence, passage texts) -> True (supported), False (not supported) or None (no opinion).
Judge = Callable[[str, Sequence[str]], bool | None]

MARKER_RE = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")
_NAME_RE = re.compile(r"\b[A-Z][\w'’-]*")


@dataclass(frozen=True)
class SupportRule:
    """Thresholds of the offline support check (see the module docstring)."""

    # Share of the sentence's content words (stemmed) that must occur in the passages.
    min_overlap: float = 0.75
    # Cosine (MiniLM) between the sentence and its closest passage sentence or pair of adjacent sentences.
    min_similarity: float = 0.7


@dataclass(frozen=True)
class Verdict:
    """Whether passages support a sentence, and why."""

    supported: bool
    reason: str  # "verbatim", "missing names or numbers: ...", "judge", "overlap and meaning agree", ...
    overlap: float = 0.0  # share of content words found
    similarity: float = 0.0  # best cosine with a passage sentence (pair)
    missing: tuple[str, ...] = ()  # names and numbers of the sentence absent from the passages


def strip_markers(text: str) -> str:
    """The text without citation markers such as "[1]" or "[2, 3]"."""
    return " ".join(MARKER_RE.sub("", text).split())


def match_key(text: str) -> str:
    """Text folded for verbatim matching: case, accents, curly quotes, dashes and runs of whitespace."""
    return " ".join(fold(text).split())


def required_terms(sentence: str) -> list[str]:
    """Numbers and capitalised names of ``sentence`` (folded) that a supporting passage must contain.

    The first word is skipped (capitalised because it starts the sentence) unless it is
    an acronym, and so are stopwords and the words that name the speaker's office ("Secretary-General").
    """
    out: dict[str, None] = {}
    for tok in tokens(sentence):
        if any(c.isdigit() for c in tok):
            out.setdefault(tok, None)
    for m in _NAME_RE.finditer(sentence):
        first = not sentence[: m.start()].strip()
        if first and not (m.group().isupper() and len(m.group()) > 1):  # "ISIL" counts even first
            continue
        for tok in tokens(m.group()):
            if tok not in STOPWORDS and tok not in QUESTION_WORDS and not tok.isdigit():
                out.setdefault(tok, None)
    return list(out)


class SupportVerifier:
    """Checks sentences against the passages they cite; share one instance (embeddings are cached)."""

    def __init__(
        self,
        embedder: Embedder | None,
        *,
        rule: SupportRule | None = None,
        judge: Judge | None = None,
        clean: Callable[[str], str] | None = None,
    ) -> None:
        """``embedder=None`` checks words only; ``clean`` rewrites passage text first (e.g. withholding instructions)."""
        self.embedder = embedder
        self.rule = rule or SupportRule()
        self.judge = judge
        self.clean = clean
        self._vectors: dict[str, np.ndarray] = {}

    def supports(self, sentence: str, passages: Sequence[str]) -> bool:
        """Whether ``passages``, taken together, support ``sentence``."""
        return self.check(sentence, passages).supported

    def check(self, sentence: str, passages: Sequence[str]) -> Verdict:
        """The verdict on ``sentence`` against ``passages`` (citation markers in the sentence are ignored)."""
        claim = strip_markers(sentence)
        texts = [self.clean(p) if self.clean else p for p in passages if p and p.strip()]
        if not claim or not tokens(claim):
            return Verdict(False, "the sentence has no words to check")
        if not texts:
            return Verdict(False, "no cited passage")
        key = match_key(claim).rstrip(" .")
        if any(key in match_key(t) for t in texts):
            return Verdict(True, "verbatim", 1.0, 1.0)
        joined = "\n".join(texts)
        passage_tokens = set(tokens(joined))
        missing = tuple(t for t in required_terms(claim) if t not in passage_tokens)
        overlap = self.overlap(claim, joined)
        if missing:
            return Verdict(False, f"missing names or numbers: {', '.join(missing)}", overlap, 0.0, missing)
        similarity = self.similarity(claim, texts)
        if self.judge is not None:
            opinion = self.judge(claim, texts)
            if opinion is not None:
                return Verdict(bool(opinion), "judge", overlap, similarity)
        if overlap < self.rule.min_overlap:
            return Verdict(False, f"too few content words found ({overlap:.2f} < {self.rule.min_overlap})", overlap, similarity)
        if self.embedder is not None and similarity < self.rule.min_similarity:
            return Verdict(False, f"meaning too far ({similarity:.2f} < {self.rule.min_similarity})", overlap, similarity)
        return Verdict(True, "content words and meaning agree", overlap, similarity)

    @staticmethod
    def overlap(sentence: str, passage: str) -> float:
        """Share of the sentence's stemmed content words that occur in ``passage`` (0 when it has none)."""
        wanted = key_terms(sentence)
        if not wanted:
            return 0.0
        present = set(index_terms(passage))
        return sum(t in present for t in wanted) / len(wanted)

    def similarity(self, sentence: str, passages: Sequence[str]) -> float:
        """Best cosine between ``sentence`` and a sentence or adjacent pair of sentences of ``passages``."""
        if self.embedder is None:
            return 0.0
        units: list[str] = []
        for text in passages:
            parts = [text[s:e] for s, e in split_sentences(text)] or [text]
            units.extend(parts)
            units.extend(f"{a} {b}" for a, b in itertools.pairwise(parts))
        vecs = self._embed(self.embedder, [sentence, *units])
        return float(np.max(vecs[1:] @ vecs[0])) if units else 0.0

    def _embed(self, embedder: Embedder, texts: list[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if todo:
            if len(self._vectors) > 20_000:
                self._vectors.clear()
            for text, vec in zip(todo, embedder.embed(todo), strict=True):
                self._vectors[text] = vec
        return np.stack([self._vectors[t] for t in texts])


def answer_verifier(embedder: Embedder | None, judge: Judge | None = None) -> SupportVerifier:
    """The answerers' support check: instruction-like passage text is withheld, never support."""
    return SupportVerifier(embedder, judge=judge, clean=withheld)
