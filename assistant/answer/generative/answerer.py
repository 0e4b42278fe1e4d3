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
from dataclasses import replace

from assistant.answer.extractive import NOT_IN_CORPUS
from assistant.answer.generative.checking import Checked, Claim, LLMJudge, check_draft, verifier_for
from assistant.answer.generative.drafts import OnToken, draft
from assistant.answer.generative.generators import (
    GenerationOptions,
    Generator,
    GeneratorCancelled,
    GeneratorUnavailableError,
    shared_generator,
)
from assistant.answer.generative.prompting import answer_messages
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
    passages = list(extractive.hits[: max(1, settings.llm_passages)])
    # the passages the extractive answer quotes are shown too, so that a sentence it adds later cites what the model read
    for c in extractive.citations:
        if c.hit not in passages:
            passages.append(c.hit)
    verifier = verifier_for(embedder, generator, settings.llm_judge)
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
        raise  # the reader went away: nobody waits for an answer
    except Exception as exc:  # a server that went away, a model that failed to run: answer all the same
        return _fallback(
            extractive, f"The generator failed ({type(exc).__name__}: {exc}); this is the extractive answer, quoted verbatim."
        )
    best = max(samples, key=lambda c: c.rank())
    generation = _generation(generator, samples, best, passages, verifier)
    timings = {
        **extractive.timings_ms,
        "generate": sum(c.draft.seconds for c in samples) * 1000,
        "ttft": (samples[0].draft.ttft_s or 0.0) * 1000,
        "verify": verify_s * 1000,
    }
    return _compose(settings, extractive, passages, best, generation, timings)


def _compose(
    settings: Settings, extractive: Answer, passages: list[Hit], best: Checked, generation: Generation, timings: dict[str, float]
) -> Answer:
    written = replace(extractive, mode="generative", generation=generation, context=(), timings_ms=timings)
    supported = [c for c in best.claims if c.supported]
    if not supported:
        if best.refusal:
            evidence = extractive.evidence_score or 0.0
            threshold = (
                extractive.abstain_threshold if extractive.abstain_threshold is not None else settings.abstain_threshold or 0.5
            )
            if evidence >= threshold + settings.llm_refusal_margin:
                return _fallback(
                    extractive,
                    f"The model said the passages do not answer this, but the retrieval evidence is strong "
                    f"({evidence:.2f} against a threshold of {threshold:.2f}); these are the best-matching sentences, quoted.",
                    written=written,
                )
            notice = "The model found no answer in the passages retrieved, and the evidence is weak; the nearest passages are shown instead."
            return replace(
                written, text=NOT_IN_CORPUS, abstained=True, citations=(), notices=(notice,), kind="abstention", sentences=()
            )
        return _fallback(
            extractive,
            "No generated sentence was supported by the passage it cited; this is the extractive answer, quoted verbatim.",
            written=written,
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
    notices = [f"Written by {generation.model} from the passages; every sentence was checked against the paragraph it cites."]
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


def _fallback(extractive: Answer, notice: str, *, written: Answer | None = None) -> Answer:
    """The extractive answer, saying why it stands in for the generated one (with what generation recorded, if it ran)."""
    base = written or extractive
    return replace(
        extractive,
        notices=(*extractive.notices, notice),
        mode="extractive",
        requested_mode="generative",
        fallback=notice,
        generation=base.generation,
        timings_ms=base.timings_ms,
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
