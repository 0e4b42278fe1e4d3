"""The generative answerer: a fluent answer whose every sentence is checked against what it cites.

1. The model reads the top passages, numbered, and writes an answer with a
   ``[n]`` after every sentence (tokens stream to ``on_token`` as they come).
2. The answer is split into sentences; each is kept only if the passages it
   cites exist and support it (`assistant.verify`: verbatim, names and numbers,
   content words and MiniLM meaning, plus the model's own SUPPORTED /
   UNSUPPORTED veto when it runs locally). A sentence that cites nothing, or the
   wrong passage, gets the one given passage that supports it, if any.
3. Unsupported sentences are dropped (or marked, ``llm_unsupported=mark``).
   If nothing is supported, if the model refuses although the evidence is
   strong, or if no LLM can run, the extractive answer is given instead, with
   a notice saying why.

Citations are renumbered in order of use, as the extractive answerer does.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.answer import NOT_IN_CORPUS
from assistant.generate.generators import GenerationOptions, Generator, GeneratorUnavailableError, complete, shared_generator
from assistant.generate.prompting import answer_messages, instruction_spans, judge_messages
from assistant.lexical import tokens
from assistant.models import Answer, Citation, Hit
from assistant.sentences import split_sentences
from assistant.settings import Settings
from assistant.verify import SupportVerifier, Verdict, required_terms, strip_markers

if TYPE_CHECKING:
    from assistant.pipeline import Assistant

OnToken = Callable[[str], None]
# Share of an extractive sentence's content words the generated answer must contain to count as saying it.
QUOTE_COVERAGE = 0.8

# "[1]", "[1, 2]", "[1][2]", "[Passage 1]", "[1 and 3]" -> canonical "[1][2]" markers.
_CITE_RE = re.compile(r"\[\s*(?:passages?\s*)?(\d+(?:\s*(?:,|;|and|&)\s*(?:passages?\s*)?\d+)*)\s*\]", re.IGNORECASE)
_MARKERS_RE = re.compile(r"((?:\s*\[\d+\])+)")
_MARKER_LIST_RE = re.compile(r"(\[\d+\])\s*[,;]?\s*(?=\[\d+\])")  # "[1], [2]" -> "[1][2]"
_BEFORE_STOP_RE = re.compile(r"\s*((?:\[\d+\])+)\s*([.!?;:])")
# Markers inside a sentence, followed by a comma or a lower-case word: "France [1] and Mexico [2] led it."
_INNER_MARKERS_RE = re.compile(r"(?<![\s.!?;:…])\s*((?:\[\d+\])+)(?=\s*,|\s+[a-z])")
# A reference to the source document, as the model restates the question's framing: "the 2016 report",
# "his message of 27 September 2013", "the Secretary-General's remarks". Its date sits in the passage's
# header, not in its text, so it can never be checked against the paragraph the sentence cites.
_DOC = r"(?:report|remarks|message|statement|speech|address|article|briefing|letter)"
_YEAR = r"(?:(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+)?(\d{4})"
_DOC_REF = (
    rf"(?:the|his|her|this|that|its)\s+(?:Secretary-General[’']s\s+)?(?:{_YEAR}\s+)?{_DOC}"
    rf"(?:\s+(?:of|from|dated|on)\s+(?:the\s+)?(?:Secretary-General|{_YEAR}))?"
)
# "According to the 2016 report, X" / "In his 2013 message, X" / "The 2016 report states that X" / "X, according to the 2017 remarks."
_LEAD_RE = re.compile(
    rf"^(?:(?:according\s+to|as\s+(?:stated|noted|said|set\s+out)\s+in|in)\s+{_DOC_REF}\s*,\s*"
    rf"|{_DOC_REF}\s+(?:states|says|notes|observes|stresses|explains|mentions|reports|finds)\s+that\s+)",
    re.IGNORECASE,
)
_TRAIL_RE = re.compile(rf",?\s+(?:according\s+to|as\s+(?:stated|noted|said)\s+in|in)\s+{_DOC_REF}\s*(?=[.!?]?$)", re.IGNORECASE)
_REF_YEAR_RE = re.compile(
    rf"\b((?:the|his|her|this|that|its)\s+(?:Secretary-General[’']s\s+)?){_YEAR}\s+({_DOC})\b", re.IGNORECASE
)
# A reply (or its first sentence) saying the passages do not answer.
REFUSAL_RE = re.compile(
    r"corpus does not (?:address|cover)|"
    r"(?:passages?|corpus|documents?|texts?|context)\s+(?:provided\s+)?(?:does|do)\s+not\s+"
    r"(?:address|cover|mention|contain|provide|include|say|specify|discuss|answer)|"
    r"\bno (?:passage|information|mention)\b|\bnot (?:mentioned|addressed|covered) in\b|\bcannot (?:be )?answer",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Draft:
    """One sampled answer, as the model wrote it, with its timings."""

    text: str
    seconds: float
    ttft_s: float | None  # time to the first token
    tokens: int  # streamed deltas, one token each for llama.cpp and most servers
    seed: int | None = None

    @property
    def tokens_per_s(self) -> float | None:
        """Decoding speed: tokens after the first, per second after the first."""
        if self.ttft_s is None or self.tokens < 2 or self.seconds <= self.ttft_s:
            return None
        return (self.tokens - 1) / (self.seconds - self.ttft_s)


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

    def record(self, numbers: dict[int, int], passages: Sequence[Hit]) -> dict[str, Any]:
        """The ``sentences`` record of ``ask --json``: the answer's citation numbers and the passages they name."""
        return {
            "text": self.text,
            "citations": [numbers[n] for n in self.cited if n in numbers],
            "passage_ids": [passages[n - 1].passage.passage_id for n in self.cited],
            "supported": self.supported,
            "reason": self.reason,
            "citation": self.citation,
            "invalid_citations": list(self.invalid),
            "overlap": round(self.overlap, 3),
            "similarity": round(self.similarity, 3),
        }


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


@dataclass(frozen=True)
class Event:
    """What `stream_answer` yields: text deltas (``kind="token"``), then the verified answer (``kind="answer"``)."""

    kind: str
    text: str = ""
    answer: Answer | None = field(default=None)


# parsing -----------------------------------------------------------------------------------


def cited_sentences(text: str) -> list[tuple[str, list[int]]]:
    """Split a draft into sentences and the passage numbers each cites (markers belong to the sentence they end or sit in)."""
    text = _CITE_RE.sub(lambda m: "".join(f"[{n}]" for n in re.findall(r"\d+", m.group(1))), text)
    text = _MARKER_LIST_RE.sub(r"\1", text)
    text = _BEFORE_STOP_RE.sub(r"\2 \1", text)  # "claim [1]." -> "claim. [1]"
    text = _inner_markers_to_the_end(text)
    out: list[tuple[str, list[int]]] = []
    pieces = _MARKERS_RE.split(text)
    for i in range(0, len(pieces), 2):
        chunk = pieces[i].strip()
        parts = [chunk[s:e] for s, e in split_sentences(chunk)] if chunk else []
        numbers = [int(n) for n in re.findall(r"\d+", pieces[i + 1])] if i + 1 < len(pieces) else []
        parts = [p for p in parts if p.strip(" .;,")]
        if not parts:
            if numbers and out:
                out[-1][1].extend(numbers)
            continue
        out.extend((p, []) for p in parts[:-1])
        out.append((parts[-1], numbers))
    return [(s.strip(), list(dict.fromkeys(ns))) for s, ns in out]


def without_attribution(sentence: str, years: set[str]) -> str:
    """``sentence`` without the phrases that only name its source ("according to the 2016 report").

    The citation names the source; such a phrase adds nothing the cited
    paragraph could support, and its date would fail the names-and-numbers
    check. Only references dated in one of ``years`` (the given passages'
    years), or not dated, are removed: a wrong date stays, and is checked.
    """

    def dated_right(m: re.Match[str]) -> bool:
        return all(y is None or y in years for y in m.groups())

    out = sentence
    lead = _LEAD_RE.match(out)
    if lead and dated_right(lead) and len(out) - lead.end() > 10:
        rest = out[lead.end() :]
        out = rest[:1].upper() + rest[1:]
    trail = _TRAIL_RE.search(out)
    if trail and dated_right(trail) and trail.start() > 10:
        out = out[: trail.start()] + out[trail.end() :]
    out = _REF_YEAR_RE.sub(lambda m: f"{m.group(1)}{m.group(3)}" if m.group(2) in years else m.group(), out)
    return out


def _inner_markers_to_the_end(text: str) -> str:
    """Move markers from inside a sentence to its end, so they cite for the whole of it.

    "A [1], B [1] and C [2]." is one claim citing [1][2], not three fragments
    ("A", "B", "C") that each pass the check because the name occurs in a passage.
    Right to left, so the markers keep their order.
    """
    for _ in range(len(text)):
        inner = list(_INNER_MARKERS_RE.finditer(text))
        if not inner:
            break
        m = inner[-1]
        rest = text[m.end() :]
        spans = split_sentences(rest)
        end = spans[0][1] if spans else len(rest)
        text = f"{text[: m.start()]}{rest[:end]} {m.group(1)}{rest[end:]}"
    return text


def is_refusal(sentence: str) -> bool:
    """Whether a sentence says the passages do not answer the question."""
    return bool(REFUSAL_RE.search(sentence))


# the LLM judge -----------------------------------------------------------------------------


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

    def __call__(self, sentence: str, passages: Sequence[str]) -> bool | None:
        """False when the model answers UNSUPPORTED, None otherwise."""
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


# verification ------------------------------------------------------------------------------


def check_draft(draft: Draft, passages: Sequence[Hit], verifier: SupportVerifier) -> Checked:
    """Check each sentence of ``draft`` against the passages it cites (numbered from 1 as the model saw them)."""
    texts = [h.passage.text for h in passages]
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
        verdict: Verdict | None = verifier.check(claim, [texts[n - 1] for n in valid]) if valid else None
        if verdict is not None and verdict.supported:
            claims.append(_claim(claim, _needed(claim, valid, texts, verifier), verdict, "model", invalid))
            continue
        repaired = _repair(claim, texts, verifier, exclude=valid)
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


# generation --------------------------------------------------------------------------------


def draft(generator: Generator, messages: list[tuple[str, str]], options: GenerationOptions, on_token: OnToken | None) -> Draft:
    """Generate one answer, streaming its tokens to ``on_token`` and timing them."""
    t0 = time.perf_counter()
    first: float | None = None
    parts: list[str] = []
    for delta in generator.stream(messages, options):
        if first is None:
            first = time.perf_counter() - t0
        parts.append(delta)
        if on_token is not None:
            on_token(delta)
    return Draft("".join(parts).strip(), time.perf_counter() - t0, first, len(parts), options.seed)


def verifier_for(assistant: Assistant, generator: Generator | None) -> SupportVerifier:
    """The shared support check, with the model's veto when ``llm_judge`` is on (one per answer: it counts its calls)."""
    judge = LLMJudge(generator) if generator is not None and assistant.settings.llm_judge else None
    verifier = SupportVerifier(assistant.embedder, judge=judge, clean=withheld)
    if judge is not None:
        judge.verifier = verifier
    return verifier


def withheld(text: str) -> str:
    """Passage text without its instruction-like sentences: they never count as support."""
    for s, e in reversed(instruction_spans(text)):
        text = text[:s] + text[e:]
    return text


def generative_answer(assistant: Assistant, state: dict[str, Any], extractive: Answer) -> Answer:
    """The generative answer for a question the pipeline decided to answer (``extractive`` is the fallback)."""
    settings: Settings = assistant.settings
    on_token: OnToken | None = state["options"].get("on_token")
    if extractive.abstained or extractive.extra.get("kind") != "answer" or not extractive.hits:
        return replace(extractive, extra={**extractive.extra, "mode": "generative"})  # refusals read the same in both modes
    try:
        generator = shared_generator(settings)
    except GeneratorUnavailableError as exc:
        return _fallback(extractive, f"Generative mode is unavailable: {exc}. This is the extractive answer, quoted verbatim.")
    passages = list(extractive.hits[: max(1, settings.llm_passages)])
    # the passages the extractive answer quotes are shown too, so that a sentence it adds later cites what the model read
    for c in extractive.citations:
        if c.hit not in passages:
            passages.append(c.hit)
    verifier = verifier_for(assistant, generator)
    messages = answer_messages(extractive.question, passages)
    t0 = time.perf_counter()
    samples: list[Checked] = []
    verify_s = 0.0
    try:
        for i in range(max(1, settings.llm_samples)):
            if i and time.perf_counter() - t0 > settings.llm_sample_budget_s:
                break
            options = GenerationOptions(
                max_tokens=settings.llm_max_tokens,
                temperature=settings.llm_temperature if i == 0 else settings.llm_sample_temperature,
                seed=settings.llm_seed + i,
            )
            d = draft(generator, messages, options, on_token if i == 0 else None)
            t_check = time.perf_counter()
            samples.append(check_draft(d, passages, verifier))
            verify_s += time.perf_counter() - t_check
            if samples[-1].claims and samples[-1].supported == len(samples[-1].claims):
                break  # every sentence supported: no better sample to hope for
    except GeneratorCancelled:
        raise
    except Exception as exc:  # a server that went away, a model that failed to run: answer all the same
        return _fallback(
            extractive, f"The generator failed ({type(exc).__name__}: {exc}); this is the extractive answer, quoted verbatim."
        )
    best = max(samples, key=lambda c: c.rank())
    record = _generation_record(generator, samples, best, passages, verifier)
    timings = {
        **extractive.timings_ms,
        "generate": sum(c.draft.seconds for c in samples) * 1000,
        "ttft": (samples[0].draft.ttft_s or 0.0) * 1000,
        "verify": verify_s * 1000,
    }
    return _compose(settings, extractive, passages, best, record, timings)


def _compose(
    settings: Settings, extractive: Answer, passages: list[Hit], best: Checked, record: dict[str, Any], timings: dict[str, float]
) -> Answer:
    extra = {**extractive.extra, "mode": "generative", "generation": record, "context": []}
    supported = [c for c in best.claims if c.supported]
    if not supported:
        if best.refusal:
            evidence = float(extractive.extra.get("evidence_score", 0.0))
            threshold = float(extractive.extra.get("abstain_threshold", settings.abstain_threshold))
            if evidence >= threshold + settings.llm_refusal_margin:
                return _fallback(
                    extractive,
                    f"The model said the passages do not answer this, but the retrieval evidence is strong "
                    f"({evidence:.2f} against a threshold of {threshold:.2f}); these are the best-matching sentences, quoted.",
                    extra=extra,
                    timings=timings,
                )
            notice = "The model found no answer in the passages retrieved, and the evidence is weak; the nearest passages are shown instead."
            return Answer(
                extractive.question,
                NOT_IN_CORPUS,
                True,
                (),
                extractive.hits,
                timings,
                (notice,),
                {**extra, "kind": "abstention", "sentences": []},
            )
        return _fallback(
            extractive,
            "No generated sentence was supported by the passage it cited; this is the extractive answer, quoted verbatim.",
            extra=extra,
            timings=timings,
        )
    shown = list(best.claims) if settings.llm_unsupported == "mark" else supported
    passages = list(passages)
    quotes = _uncovered_quotes(extractive, supported) if settings.llm_quote_evidence else []
    for quote_text, quote_hit in quotes:
        if quote_hit not in passages:  # only when the caller's extractive answer and passages disagree
            passages.append(quote_hit)
        shown.append(Claim(quote_text, (passages.index(quote_hit) + 1,), True, "verbatim", "quote", (), 1.0, 1.0))
    numbers: dict[int, int] = {}
    for c in shown:
        for n in c.cited:
            numbers.setdefault(n, len(numbers) + 1)
    parts = []
    for c in shown:
        markers = "".join(f"[{numbers[n]}]" for n in c.cited)
        parts.append(f"{c.text} {markers}".rstrip() + ("" if c.supported else " (unverified)"))
    citations = [
        Citation(out, passages[n - 1], _quote(passages[n - 1], [c.text for c in shown if n in c.cited]))
        for n, out in numbers.items()
    ]
    dropped = [c for c in best.claims if not c.supported and c not in shown]
    notices = [f"Written by {record['model']} from the passages; every sentence was checked against the paragraph it cites."]
    if dropped:
        notices.append(f"{len(dropped)} generated sentence(s) were left out: the passages cited do not support them.")
    if quotes:
        notices.append(f"The generated sentences leave out {len(quotes)} of the best-matching source sentence(s), quoted last.")
    unverified = [c for c in shown if not c.supported]
    if unverified:
        notices.append(f"{len(unverified)} sentence(s) marked (unverified): the passages cited do not support them.")
    extra.update(
        kind="answer",
        sentences=[c.record(numbers, passages) for c in shown],
        dropped_sentences=[c.record(numbers, passages) for c in dropped],
    )
    return Answer(extractive.question, " ".join(parts), False, tuple(citations), extractive.hits, timings, tuple(notices), extra)


def _uncovered_quotes(extractive: Answer, supported: list[Claim]) -> list[tuple[str, Hit]]:
    """The extractive answer's sentences, with their passages, that the generated sentences do not already say.

    "Already say" means every name and number of the sentence, and most of its
    content words (`QUOTE_COVERAGE`), occur in the supported generated sentences.
    """
    said = " ".join(c.text for c in supported)
    words = set(tokens(said))
    hits = {c.n: c.hit for c in extractive.citations}
    out = []
    for record in extractive.extra.get("sentences") or []:
        text, numbers = str(record.get("text", "")), record.get("citations") or []
        hit = hits.get(int(numbers[0])) if numbers else None
        if hit is None or not text:
            continue
        if all(t in words for t in required_terms(text)) and SupportVerifier.overlap(text, said) >= QUOTE_COVERAGE:
            continue
        out.append((text, hit))
    return out


def _quote(hit: Hit, claims: list[str]) -> str:
    """The sentences of the passage that share the most content words with the claims resting on it."""
    text = hit.passage.text
    spans = split_sentences(text) or [(0, len(text))]
    picked = []
    for claim in claims:
        best = max(spans, key=lambda se: SupportVerifier.overlap(claim, text[se[0] : se[1]]))
        if best not in picked:
            picked.append(best)
    return " … ".join(text[s:e] for s, e in sorted(picked))


def _fallback(
    extractive: Answer, notice: str, *, extra: dict[str, Any] | None = None, timings: dict[str, float] | None = None
) -> Answer:
    """The extractive answer, saying why it stands in for the generated one."""
    record = {**(extra or extractive.extra), "mode": "extractive", "requested_mode": "generative", "fallback": notice}
    for key in ("sentences", "context", "kind"):
        if key in extractive.extra:
            record[key] = extractive.extra[key]
    return replace(extractive, notices=(*extractive.notices, notice), extra=record, timings_ms=timings or extractive.timings_ms)


def _generation_record(
    generator: Generator, samples: list[Checked], best: Checked, passages: list[Hit], verifier: SupportVerifier
) -> dict[str, Any]:
    first = samples[0].draft
    judge = verifier.judge if isinstance(verifier.judge, LLMJudge) else None
    return {
        "generator": generator.name,
        "model": generator.model,
        "passages_read": len(passages),
        "passage_ids": [h.passage.passage_id for h in passages],  # what the model was given, in its numbering
        "ttft_ms": round(first.ttft_s * 1000, 1) if first.ttft_s is not None else None,
        "tokens": first.tokens,
        "tokens_per_s": round(first.tokens_per_s, 2) if first.tokens_per_s else None,
        "generate_ms": round(first.seconds * 1000, 1),
        "samples": len(samples),
        "chosen_sample": samples.index(best),
        "draft": best.draft.text,
        "refusal": best.refusal,
        "judge_calls": judge.calls if judge else 0,
        "judge_ms": round(judge.seconds * 1000, 1) if judge else 0.0,
    }


# streaming ---------------------------------------------------------------------------------


class GeneratorCancelled(Exception):
    """Raised from ``on_token`` to stop a generation whose reader went away."""


def stream_answer(assistant: Assistant, question: str, **ask_options: Any) -> Iterator[Event]:
    """Yield ``Event("token", text)`` as the model writes, then ``Event("answer", answer=...)`` once verified.

    The token deltas are the model's draft, before checking (its ``[n]`` are the
    passage numbers it was shown); the final answer replaces it. In extractive
    mode, or when the generator falls back, only the final answer comes.
    Closing the iterator early stops the generation at its next token.
    """
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    cancelled = threading.Event()

    def on_token(text: str) -> None:
        if cancelled.is_set():
            raise GeneratorCancelled
        events.put(("token", text))

    def run() -> None:
        try:
            events.put(("answer", assistant.ask(question, on_token=on_token, **ask_options)))
        except BaseException as exc:  # handed to the reader, who re-raises it
            events.put(("error", exc))

    worker = threading.Thread(target=run, name="answer-stream", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = events.get()
            if kind == "token":
                yield Event("token", text=value)
            elif kind == "answer":
                yield Event("answer", answer=value)
                return
            else:
                raise value
    finally:
        cancelled.set()
