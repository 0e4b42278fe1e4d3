"""The generative answerer: a fluent answer whose every sentence is checked against what it cites.

1. The model reads the top passages, numbered, and writes an answer with a
   ``[n]`` after every sentence (tokens stream to ``on_token`` as they come).
2. The answer is split into sentences; each is kept only if the passages it
   cites exist and support it (`assistant.answer.verify`: verbatim, names and numbers,
   content words and MiniLM meaning, plus the model's own SUPPORTED /
   UNSUPPORTED veto when it runs locally). A sentence that cites nothing, or the
   wrong passage, gets the one given passage that supports it, if any.
3. Unsupported sentences are dropped (or marked, ``llm_unsupported=mark``).
   If nothing is supported, if the model refuses although the evidence is
   strong, or if no LLM can run, the extractive answer is given instead, with
   a notice saying why.

Citations are renumbered in order of use, as the extractive answerer does.
It needs no `Assistant`: the settings, the embedder, the extractive answer and
a token callback are all it reads.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from assistant.answer.extractive import NOT_IN_CORPUS
from assistant.answer.generative.checking import Checked, Claim, LLMJudge, check_draft, verifier_for
from assistant.answer.generative.drafts import GenerationTimeout, OnToken, draft
from assistant.answer.generative.generators import (
    GenerationOptions,
    Generator,
    GeneratorCancelled,
    GeneratorUnavailableError,
    Message,
    shared_generator,
)
from assistant.answer.generative.prompting import SentenceScorer, answer_messages, excerpt, lexical_scores
from assistant.answer.verify import SupportVerifier, required_terms
from assistant.embed.base import Embedder
from assistant.models import Answer, Citation, Generation, Hit, QuotedSentence
from assistant.settings import Settings
from assistant.text.instructions import overlaps, passage_instructions
from assistant.text.lexical import tokens
from assistant.text.sentences import split_sentences

# Share of an extractive sentence's content words the generated answer must contain to count as saying it.
QUOTE_COVERAGE = 0.8


def generative_answer(
    settings: Settings, embedder: Embedder | None, extractive: Answer, on_token: OnToken | None = None
) -> Answer:
    """The generative answer for a question the pipeline decided to answer (``extractive`` is the fallback)."""
    if extractive.abstained or extractive.kind != "answer" or not extractive.hits:
        return replace(extractive, mode="generative")  # refusals read the same in both modes
    try:
        generator = shared_generator(settings)
    except GeneratorUnavailableError as exc:
        return _fallback(extractive, f"Generative mode is unavailable: {exc}. This is the extractive answer, quoted verbatim.")
    passages = prompt_passages(settings, extractive)
    verifier = verifier_for(embedder, generator, settings.llm_judge)
    t0 = time.perf_counter()
    deadline = t0 + settings.llm_timeout_s if settings.llm_timeout_s > 0 else None
    if isinstance(verifier.judge, LLMJudge):
        verifier.judge.deadline = deadline
    samples: list[Checked] = []
    read: dict[int, list[Hit]] = {}  # sample -> the passages it was written from
    verify_s = 0.0
    retried = False
    try:
        messages = prompt_messages(settings, embedder, extractive, passages)
        for i in range(max(1, settings.llm_samples)):
            if i and time.perf_counter() - t0 > settings.llm_sample_budget_s:
                break
            options = GenerationOptions(
                max_tokens=settings.llm_max_tokens,
                temperature=settings.llm_temperature if i == 0 else settings.llm_sample_temperature,
                seed=settings.llm_seed + i,
            )
            d = draft(generator, messages, options, on_token if i == 0 else None, deadline)
            t_check = time.perf_counter()
            samples.append(check_draft(d, passages, verifier))
            read[len(samples) - 1] = passages
            verify_s += time.perf_counter() - t_check
            if samples[-1].claims and samples[-1].supported == len(samples[-1].claims):
                break  # every sentence supported: no better sample to hope for
        best = max(samples, key=lambda c: c.rank())
        if best.refusal and not best.supported and settings.llm_refusal_retry and _strong(settings, extractive):
            # The model declined although retrieval found strong evidence: ask once more, with only the best passage.
            retried = True
            only = _retry_passages(extractive)
            options = GenerationOptions(settings.llm_max_tokens, settings.llm_temperature, settings.llm_seed)
            d = draft(generator, prompt_messages(settings, embedder, extractive, only), options, None, deadline)
            t_check = time.perf_counter()
            samples.append(check_draft(d, only, verifier))
            read[len(samples) - 1] = only
            verify_s += time.perf_counter() - t_check
            if samples[-1].supported:
                best = samples[-1]
    except GeneratorCancelled:
        raise  # the reader went away: nobody waits for an answer
    except GenerationTimeout as exc:
        unfinished = _unfinished(generator, passages, samples, "timeout", time.perf_counter() - t0)
        if not samples and exc.ttft_s is not None:  # cut while writing: what the first draft got to
            unfinished = replace(unfinished, ttft_ms=round(exc.ttft_s * 1000, 1), tokens=exc.tokens)
        return _fallback(
            extractive,
            f"The model did not finish within {settings.llm_timeout_s:g} s; this is the extractive answer, quoted verbatim.",
            generation=unfinished,
        )
    except Exception as exc:  # a server that went away, a model that failed to run: answer all the same
        return _fallback(
            extractive,
            f"The generator failed ({type(exc).__name__}: {exc}); this is the extractive answer, quoted verbatim.",
            generation=_unfinished(generator, passages, samples, "error", time.perf_counter() - t0),
        )
    passages = read[samples.index(best)]
    generation = replace(_generation(generator, samples, best, passages, verifier), retried=retried)
    timings = {
        **extractive.timings_ms,
        "generate": sum(c.draft.seconds for c in samples) * 1000,
        "ttft": (samples[0].draft.ttft_s or 0.0) * 1000,
        "verify": verify_s * 1000,
    }
    return _compose(settings, extractive, passages, best, generation, timings)


def prompt_passages(settings: Settings, extractive: Answer) -> list[Hit]:
    """The top ``llm_passages`` passages, and those the extractive answer quotes (a sentence it adds later cites what the model read)."""
    passages = list(extractive.hits[: max(1, settings.llm_passages)])
    for c in extractive.citations:
        if c.hit not in passages:
            passages.append(c.hit)
    return passages


def prompt_messages(settings: Settings, embedder: Embedder | None, extractive: Answer, passages: list[Hit]) -> list[Message]:
    """The prompt: each passage's answering sentences and their neighbours (or whole paragraphs, ``llm_prompt=paragraphs``)."""
    if settings.llm_prompt == "paragraphs":
        return answer_messages(extractive.question, passages)
    quoted: dict[str, list[tuple[int, int]]] = {}
    hits = {c.n: c.hit for c in extractive.citations}
    for sentence in extractive.sentences or ():
        hit = hits.get(sentence.citations[0]) if sentence.citations else None
        if hit is not None and isinstance(sentence, QuotedSentence):
            quoted.setdefault(hit.passage.passage_id, []).append((sentence.start, sentence.end))
    scorer = _scorer(embedder)
    texts = [
        excerpt(
            extractive.question,
            h,
            keep=quoted.get(h.passage.passage_id, ()),
            best=settings.llm_best_sentences,
            neighbours=settings.llm_neighbours,
            scorer=scorer,
        )
        for h in passages
    ]
    return answer_messages(extractive.question, passages, texts)


def _scorer(embedder: Embedder | None) -> SentenceScorer:
    """Question words and, with an embedder, MiniLM closeness, half and half."""

    def score(question: str, sentences: Sequence[str]) -> list[float]:
        words = lexical_scores(question, sentences)
        if embedder is None:
            return words
        vecs = embedder.embed([question, *sentences])
        return [0.5 * w + 0.5 * float(c) for w, c in zip(words, vecs[1:] @ vecs[0], strict=True)]

    return score


def _strong(settings: Settings, extractive: Answer) -> bool:
    """Whether retrieval cleared the abstention threshold (plus ``llm_refusal_margin``): a refusal should not stand."""
    return (extractive.evidence_score or 0.0) >= _threshold(settings, extractive) + settings.llm_refusal_margin


def _threshold(settings: Settings, extractive: Answer) -> float:
    if extractive.abstain_threshold is not None:
        return extractive.abstain_threshold
    return settings.abstain_threshold or 0.5


def _retry_passages(extractive: Answer) -> list[Hit]:
    """The best passage: the one the extractive answer quotes first (its best-matching sentence), else the top hit.

    The other passages the extractive answer quotes come too, so that its sentences, quoted after the
    generated ones, cite only what the model read.
    """
    out: list[Hit] = []
    for c in extractive.citations:
        if c.hit not in out:
            out.append(c.hit)
    return out or [extractive.hits[0]]


def _compose(
    settings: Settings, extractive: Answer, passages: list[Hit], best: Checked, generation: Generation, timings: dict[str, float]
) -> Answer:
    written = replace(extractive, mode="generative", generation=generation, context=(), timings_ms=timings)
    supported = [c for c in best.claims if c.supported]
    if not supported:
        if best.refusal:
            evidence = extractive.evidence_score or 0.0
            threshold = _threshold(settings, extractive)
            if _strong(settings, extractive):
                again = " (also when asked again with the best passage only)" if generation.retried else ""
                return _fallback(
                    extractive,
                    f"The model said the passages do not answer this{again}, but the retrieval evidence is strong "
                    f"({evidence:.2f} against a threshold of {threshold:.2f}); these are the best-matching sentences, quoted.",
                    written=written,
                    reason="refusal",
                )
            notice = "The model found no answer in the passages retrieved, and the evidence is weak; the nearest passages are shown instead."
            return replace(
                written, text=NOT_IN_CORPUS, abstained=True, citations=(), notices=(notice,), kind="abstention", sentences=()
            )
        return _fallback(
            extractive,
            "No generated sentence was supported by the passage it cited; this is the extractive answer, quoted verbatim.",
            written=written,
            reason="unsupported",
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
    notices = [
        *extractive.notices,  # what the exact answer said before (the model's verdict on an uncertain one)
        f"Written by {generation.model} from the passages; every sentence was checked against the paragraph it cites.",
    ]
    if dropped:
        notices.append(f"{len(dropped)} generated sentence(s) were left out: the passages cited do not support them.")
    if quotes:
        notices.append(f"The generated sentences leave out {len(quotes)} of the best-matching source sentence(s), quoted last.")
    unverified = [c for c in shown if not c.supported]
    if unverified:
        notices.append(f"{len(unverified)} sentence(s) marked (unverified): the passages cited do not support them.")
    return replace(
        written,
        text=" ".join(parts),
        abstained=False,
        citations=tuple(citations),
        notices=tuple(notices),
        kind="answer",
        sentences=tuple(c.sentence(numbers, passages) for c in shown),
        dropped_sentences=tuple(c.sentence(numbers, passages) for c in dropped),
    )


def _uncovered_quotes(extractive: Answer, supported: list[Claim]) -> list[tuple[str, Hit]]:
    """The extractive answer's sentences, with their passages, that the generated sentences do not already say.

    "Already say" means every name and number of the sentence, and most of its
    content words (`QUOTE_COVERAGE`), occur in the supported generated sentences.
    """
    said = " ".join(c.text for c in supported)
    words = set(tokens(said))
    hits = {c.n: c.hit for c in extractive.citations}
    out = []
    for sentence in extractive.sentences or ():
        hit = hits.get(sentence.citations[0]) if sentence.citations else None
        if hit is None or not sentence.text or not isinstance(sentence, QuotedSentence):
            continue
        if (
            all(t in words for t in required_terms(sentence.text))
            and SupportVerifier.overlap(sentence.text, said) >= QUOTE_COVERAGE
        ):
            continue
        out.append((sentence.text, hit))
    return out


def _quote(hit: Hit, claims: list[str]) -> str:
    """The sentences of the passage that share the most content words with the claims resting on it.

    Instruction-like sentences are never support, so never the quote.
    """
    text = hit.passage.text
    planted = passage_instructions(hit.passage)
    spans = [(s, e) for s, e in split_sentences(text) if not overlaps(s, e, planted)] or [(0, len(text))]
    picked = []
    for claim in claims:
        best = max(spans, key=lambda se: SupportVerifier.overlap(claim, text[se[0] : se[1]]))
        if best not in picked:
            picked.append(best)
    return " … ".join(text[s:e] for s, e in sorted(picked))


def _fallback(
    extractive: Answer, notice: str, *, written: Answer | None = None, reason: str = "", generation: Generation | None = None
) -> Answer:
    """The extractive answer, saying why it stands in for the generated one (with what generation recorded, if it ran)."""
    base = written or extractive
    generation = generation or base.generation
    if generation is not None and reason:
        generation = replace(generation, fallback=reason)
    return replace(
        extractive,
        notices=(*extractive.notices, notice),
        mode="extractive",
        requested_mode="generative",
        fallback=notice,
        generation=generation,
        timings_ms=base.timings_ms,
    )


def _unfinished(generator: Generator, passages: list[Hit], samples: list[Checked], reason: str, seconds: float) -> Generation:
    """What a generation that timed out or failed recorded."""
    first = samples[0].draft if samples else None
    return Generation(
        generator=generator.name,
        model=generator.model,
        passages_read=len(passages),
        passage_ids=tuple(h.passage.passage_id for h in passages),
        ttft_ms=round(first.ttft_s * 1000, 1) if first and first.ttft_s is not None else None,
        tokens=first.tokens if first else 0,
        tokens_per_s=round(first.tokens_per_s, 2) if first and first.tokens_per_s else None,
        generate_ms=round(seconds * 1000, 1),
        samples=len(samples),
        chosen_sample=0,
        draft=first.text if first else "",
        refusal=False,
        fallback=reason,
    )


def _generation(
    generator: Generator, samples: list[Checked], best: Checked, passages: list[Hit], verifier: SupportVerifier
) -> Generation:
    first = samples[0].draft
    judge = verifier.judge if isinstance(verifier.judge, LLMJudge) else None
    return Generation(
        generator=generator.name,
        model=generator.model,
        passages_read=len(passages),
        passage_ids=tuple(h.passage.passage_id for h in passages),
        ttft_ms=round(first.ttft_s * 1000, 1) if first.ttft_s is not None else None,
        tokens=first.tokens,
        tokens_per_s=round(first.tokens_per_s, 2) if first.tokens_per_s else None,
        generate_ms=round(first.seconds * 1000, 1),
        samples=len(samples),
        chosen_sample=samples.index(best),
        draft=best.draft.text,
        refusal=best.refusal,
        judge_calls=judge.calls if judge else 0,
        judge_ms=round(judge.seconds * 1000, 1) if judge else 0.0,
    )
