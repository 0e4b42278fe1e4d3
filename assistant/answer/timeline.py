"""Timeline answers: for each statement that addresses a topic, in date order, its best verbatim sentence.

Every statement in the question's scope (its speakers, its period) is searched on its own: its passages
are ranked by the dense and the lexical retrievers, the best few scored sentence by sentence, and the
abstention rule's signals (`assistant.answer.abstain`) are read for the statement as for an answer. A statement
is an entry only when the entry decision (`assistant.answer.timeline_entry`, learned on the read timeline parts)
says it addresses the topic; a year without one is left out, never padded. The counts say how many statements
of each year address the topic, against the year's statements.

A scope of at most ``EXHAUSTIVE_ROWS`` passages (a country's statements over decades, the Secretary-General's
over years) is searched passage by passage; a larger one (every country over the whole General Debate) is
searched through the first stage's best ``WIDE_CANDIDATES`` passages, so a statement none of whose passages
is among them counts as silent.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.answer.abstain import AbstentionModel, signals_for
from assistant.answer.extractive import Candidate, candidate_sentences, for_question
from assistant.answer.timeline_anchor import ANCHOR_COVERAGE, anchor_mentions, anchors, holding_topic
from assistant.answer.timeline_entry import EntryEvidence, EntryModel
from assistant.answer.timeline_search import quotable, statement_rankings, statement_search
from assistant.interpret.timeline import Column, TimelineAsk
from assistant.models import Citation, DocumentMeta, Filters, Hit, TimelineEntry, YearCount
from assistant.retrieve.filtering import allowed_rows
from assistant.retrieve.rerank import EvidenceReranker
from assistant.retrieve.search import Searcher
from assistant.settings import Settings
from assistant.text.lexical import key_terms, phrase_share
from assistant.text.patterns import is_masthead

EXHAUSTIVE_ROWS = 20_000  # a scope of at most this many passages is searched passage by passage
WIDE_CANDIDATES = 4_000  # else: the first stage's best passages, grouped by statement
SENTENCE_ROWS = 1  # of those, the best by passage-level evidence are scored (and quotable) sentence by sentence
# A statement whose best passage-level evidence (window cosine plus key-term coverage, halved) is below this is
# silent on the topic without scoring its sentences: fitted on the timeline training part (docs/timeline.md).
SCREEN_FLOOR = 0.35  # the lowest kept on training was 0.40 (under the rule; kept with the learned decision)
MAX_SCORED = 120  # of those, scored sentence by sentence at most (the best by passage-level evidence)
# ... and where sentences are embedded per question (no stored sentence vectors: the General Debate), only while
# the words still to embed fit this budget: embedding is nearly all of a wide timeline's time (about 5,000 words a
# second on this machine's two cores, busy), and a country's timeline embeds far less than this
SENTENCE_WORDS = 6_000
# ... and half that over a wide scope (every country over decades), whose timeline would otherwise miss the 1.5 s p95
# target on the whole General Debate (bench/results/timeline-full-wide.md); its counts were a lower bound already
WIDE_SENTENCE_WORDS = 3_000
MAX_ENTRIES = 40  # entries per column; beyond, the best statement of each year


@dataclass(frozen=True)
class Considered:
    """One statement of a column, scored, before the entry decision: its best passage and sentence, and the evidence."""

    hit: Hit
    quote: Candidate
    evidence: EntryEvidence


@dataclass(frozen=True)
class ColumnEvidence:
    """One column's scored statements, its statements in scope, and whether every one of them was read."""

    column: Column
    considered: list[Considered]
    in_scope: list[DocumentMeta]
    complete: bool


@dataclass(frozen=True)
class Scored:
    """One statement's best evidence for the topic and the entry decision's confidence in it."""

    meta: DocumentMeta
    hit: Hit
    quote: Candidate
    confidence: float
    provisional: float  # the passage-level evidence the screen read
    anchored: bool = True  # it may be a first mention: its passage holds the topic's terms, or it is sure (`anchors`)


@dataclass(frozen=True)
class ColumnTimeline:
    """One column's entries (best first by date) and its per-year counts."""

    column: Column
    scored: list[Scored]
    counts: list[YearCount]
    statements: int  # statements in scope
    complete: bool = True  # every statement in scope was searched and, past the screen, read sentence by sentence


@dataclass(frozen=True)
class Timeline:
    """What a timeline answer rests on: the entries, numbered as citations, and the counts."""

    entries: tuple[TimelineEntry, ...]
    citations: tuple[Citation, ...]
    counts: tuple[YearCount, ...]
    columns: tuple[str, ...]
    in_scope: int  # statements searched
    timings_ms: dict[str, float]
    complete: bool = True  # False: a wide scope or the sentence budget left statements unread; counts a lower bound
    unchecked: int = 0  # uncertain entries past the model's check's limit (`EntryCheck`), standing unchecked


def year_of(meta: DocumentMeta) -> int | None:
    """The year of a dated document."""
    return int(meta.date[:4]) if meta.date and meta.date[:4].isdigit() else None


def build_timeline(
    ask: TimelineAsk,
    searcher: Searcher,
    rule: AbstentionModel,
    decision: EntryModel,
    threshold: float,
    passages: int,
    base: Filters,
    screen: float | None = SCREEN_FLOOR,
    judge: EntryCheck | None = None,
) -> Timeline:
    """The timeline ``ask`` asks for over ``searcher``'s index, entries kept when ``decision`` >= ``threshold``.

    ``judge``: the model's check of the entries below its band (`EntryCheck`): a NO drops the entry; ``rule``: the
    hand-weighted rule, one of the signals ``decision`` reads; ``screen``: statements whose passage-level evidence is
    below it are not scored (None: every statement is).
    """
    t0 = time.perf_counter()
    # the topic, and the other words the question's brackets give it: each statement's best reading counts
    per_topic = [
        column_evidence(replace(ask, topic=topic), searcher, rule, passages, base, screen)
        for topic in (ask.topic, *ask.alternatives)
    ]
    columns = [_decide(variants, decision, threshold) for variants in zip(*per_topic, strict=True)]
    spent: list[float] = []  # the model's milliseconds on each entry it gave a verdict on
    unchecked = 0
    if judge is not None:
        columns, unchecked = _checked(columns, judge, spent)
    entries: list[TimelineEntry] = []
    citations: list[Citation] = []
    for col in columns:
        chosen = anchor_mentions(_thin(col.scored), ask.kind)
        for i, s in enumerate(chosen):
            n = len(citations) + 1
            citations.append(Citation(n, s.hit, s.quote.text))
            entries.append(
                TimelineEntry(
                    year=year_of(s.meta) or 0,
                    date=s.meta.date,
                    doc_id=s.meta.doc_id,
                    title=s.meta.title,
                    speaker=s.meta.speaker or (str(s.meta.extra.get("country", "")) or None),
                    citation=n,
                    quote=s.quote.text,
                    confidence=round(s.confidence, 4),
                    column=col.column.label,
                    first=i == 0,
                    latest=i == len(chosen) - 1,
                )
            )
    counts = tuple(c for col in columns for c in col.counts)
    timings = {"timeline": (time.perf_counter() - t0) * 1000}
    if spent:
        timings["llm_timeline_check"] = sum(spent)
    return Timeline(
        tuple(entries),
        tuple(citations),
        counts,
        tuple(c.label for c in ask.columns),
        sum(c.statements for c in columns),
        timings,
        all(c.complete for c in columns),
        unchecked,
    )


@dataclass(frozen=True)
class EntryCheck:
    """The model's check of uncertain entries: each entry below ``band``, least confident first, at most ``limit``.

    ``says_on_topic``: whether an entry's passage speaks of the topic (True, False: the entry is dropped, None: no
    verdict). The limit, and ``budget_s`` (no entry is asked once the check has taken that long), bound a timeline's
    wait: each verdict takes seconds on a laptop's CPU, more on a busy one. Entries past them stand as the entry
    decision kept them, and the answer says how many.
    """

    band: float
    says_on_topic: Callable[[Hit], bool | None]
    limit: int
    budget_s: float = float("inf")


def llm_judge(settings: Settings, question: str) -> EntryCheck | None:
    """With `llm_timeline_check`: the model's YES / NO on whether an entry below the band speaks of the topic."""
    if not settings.llm_timeline_check:  # the generative package is imported only when the check is on
        return None
    from assistant.answer.generative.uncertain import model_says_on_topic

    return EntryCheck(
        settings.llm_timeline_band,
        lambda hit: model_says_on_topic(settings, question, hit.passage.text),
        settings.llm_timeline_max_checks,
        settings.llm_timeline_check_s,
    )


def _checked(columns: list[ColumnTimeline], check: EntryCheck, spent: list[float]) -> tuple[list[ColumnTimeline], int]:
    """The columns without the entries the model says are off the topic, and how many uncertain entries it was not asked.

    Asked least confident first, across the columns, at most ``check.limit`` times and while the check has taken less
    than ``check.budget_s``; ``spent`` gets the milliseconds of each verdict.
    """
    uncertain = sorted(
        ((s.confidence, k, s.meta.doc_id, s) for k, col in enumerate(columns) for s in col.scored if s.confidence < check.band),
        key=lambda u: u[:3],
    )
    dropped: set[tuple[int, str]] = set()
    asked, started = 0, time.perf_counter()
    for _, k, doc, s in uncertain[: check.limit]:
        if time.perf_counter() - started >= check.budget_s:
            break
        t0 = time.perf_counter()
        verdict = check.says_on_topic(s.hit)
        asked += 1
        if verdict is not None:
            spent.append((time.perf_counter() - t0) * 1000)
        if verdict is False:
            dropped.add((k, doc))
    out = []
    for k, col in enumerate(columns):
        gone = [s for s in col.scored if (k, s.meta.doc_id) in dropped]
        if gone:
            less: dict[int, int] = defaultdict(int)
            for s in gone:
                less[year_of(s.meta) or 0] += 1
            counts = [replace(c, addressing=c.addressing - less[c.year]) for c in col.counts]
            col = replace(col, scored=[s for s in col.scored if (k, s.meta.doc_id) not in dropped], counts=counts)
        out.append(col)
    return out, len(uncertain) - asked


def _thin(scored: list[Scored]) -> list[Scored]:
    """The entries in date order; beyond ``MAX_ENTRIES``, the most confident statement of each year."""
    ordered = sorted(scored, key=lambda s: (s.meta.date or "", s.meta.doc_id))
    if len(ordered) <= MAX_ENTRIES:
        return ordered
    best: dict[int, Scored] = {}
    for s in ordered:
        y = year_of(s.meta) or 0
        if y not in best or s.confidence > best[y].confidence:
            best[y] = s
    return sorted(best.values(), key=lambda s: (s.meta.date or "", s.meta.doc_id))


def column_evidence(
    ask: TimelineAsk,
    searcher: Searcher,
    rule: AbstentionModel,
    passages: int,
    base: Filters,
    screen: float | None = SCREEN_FLOOR,
) -> list[ColumnEvidence]:
    """Every column's statements in scope, scored (those past the screen and the budget), before the entry decision."""
    return [
        _evidence(searcher, col, base.merged(col.filters).merged(ask.period), ask.topic, rule, passages, screen)
        for col in ask.columns
    ]


def _decide(variants: Sequence[ColumnEvidence], decision: EntryModel, threshold: float) -> ColumnTimeline:
    """The column's entries: its statements whose probability of addressing the topic reaches ``threshold``.

    ``variants``: the column scored for the topic and for each of its other wordings, each decided among its own
    statements; a statement is an entry when one of them says so, with its most confident reading.
    """
    best: dict[str, Scored] = {}
    for evidence in variants:
        considered = evidence.considered
        probability = decision.confidences([c.evidence for c in considered])
        holding = holding_topic([c.evidence for c in considered])
        for c, p, held in zip(considered, probability, holding, strict=True):
            doc = c.hit.meta.doc_id
            if p >= threshold and (doc not in best or p > best[doc].confidence):
                best[doc] = Scored(c.hit.meta, c.hit, c.quote, float(p), c.evidence.screen, anchors(held, float(p)))
    scored = list(best.values())
    first = variants[0]
    counts = _counts(first.in_scope, scored, first.column.label)
    return ColumnTimeline(first.column, scored, counts, len(first.in_scope), all(v.complete for v in variants))


def _evidence(
    searcher: Searcher,
    column: Column,
    filters: Filters,
    topic: str,
    rule: AbstentionModel,
    passages: int,
    screen: float | None,
) -> ColumnEvidence:
    store = searcher.store
    in_scope = [m for m in store.documents if filters.allows(m) and year_of(m) is not None]
    allowed = allowed_rows(store, filters)
    scope_rows = int(store.live.sum()) if allowed is None else len(allowed)
    query_vec = searcher.embed_query(topic)  # remembered: every column embeds the same topic once
    wanted = key_terms(topic)
    terms = searcher.terms.with_spellings()  # "peacekeeping" also finds the older "peace-keeping"
    spelled = [f for t in wanted for f in terms.forms(t)[1:]]
    n = scope_rows if scope_rows <= EXHAUSTIVE_ROWS else WIDE_CANDIDATES
    by_doc, cut = statement_rankings(store, topic, query_vec, allowed, n, spelled)
    rows = list(dict.fromkeys(r for dense, bm25 in by_doc.values() for r in (*dense, *bm25)))
    # the passage-level evidence, without sentences: a statement far below the floor is not scored further
    cheap = dict(
        zip(
            rows,
            (store.passage_vectors_score(rows, query_vec) + terms.coverage_of_rows(wanted, rows)).tolist(),
            strict=True,
        )
    )
    statements: list[Statement] = []
    dated = {m.doc_id for m in in_scope}  # an undated statement has no place on a timeline
    for doc_id, (all_dense, all_bm25) in by_doc.items():
        if doc_id not in dated:
            continue
        # a title block or a passage of datelines and headings only is never an entry's quote
        dense, bm25 = [r for r in all_dense if quotable(store, r)], [r for r in all_bm25 if quotable(store, r)]
        mine = sorted(dict.fromkeys([*dense, *bm25]), key=lambda r: (-cheap[r], r))
        if mine and (screen is None or cheap[mine[0]] / 2 >= screen):
            statements.append((cheap[mine[0]] / 2, mine, dense, bm25))
    # the most promising statements only: a wide scope (every country) stays interactive, its counts a lower bound
    promising = len(statements)
    budget = SENTENCE_WORDS if scope_rows <= EXHAUSTIVE_ROWS else WIDE_SENTENCE_WORDS
    statements = _within_budget(searcher, sorted(statements, key=lambda st: -st[0])[:MAX_SCORED], budget)
    complete = scope_rows <= EXHAUSTIVE_ROWS and not cut and len(statements) == promising
    # one embedding batch for the sentences of every statement's best passages (nothing when stored at ingest)
    searcher.sentences.of([r for _, mine, _, _ in statements for r in mine[:SENTENCE_ROWS]])
    sizes = store.passage_counts()  # once per column: what each statement's own search would have searched
    scorer = EvidenceReranker(store, searcher.sentences, terms, sentence_depth=SENTENCE_ROWS, sentence_words=1)
    considered: list[Considered] = []
    for provisional, _, dense, bm25 in statements:
        result = statement_search(searcher, scorer, topic, query_vec, dense, bm25, sizes)
        # the sentences of the passages the evidence scored sentence by sentence: nothing more to embed
        quoted = [i for i, r in enumerate(result.rows) if not result.evidence[r].partial][:SENTENCE_ROWS]
        hits, quoted_rows = [result.hits[i] for i in quoted], [result.rows[i] for i in quoted]
        candidates = candidate_sentences(searcher.sentences, terms, wanted, query_vec, hits, quoted_rows)
        candidates = [c for c in for_question(topic, candidates, hits) if not is_masthead(c.text)]
        if not candidates:
            continue
        best = candidates[0]
        signals = signals_for(topic, result, (best.text, best.score), passages, terms=terms, wanted=wanted)
        phrase = phrase_share(topic, (h.passage.text for h in result.hits))
        anchored = signals.coverage >= ANCHOR_COVERAGE
        evidence = EntryEvidence(signals, rule.confidence(signals), provisional, anchored, phrase)
        considered.append(Considered(hits[best.hit_index], best, evidence))
    return ColumnEvidence(column, considered, in_scope, complete)


# one statement to score: its passage-level evidence, its passages best first, and each retriever's best passages
Statement = tuple[float, list[int], list[int], list[int]]


def _within_budget(searcher: Searcher, statements: list[Statement], budget: int = SENTENCE_WORDS) -> list[Statement]:
    """The leading statements whose best passages' sentences, if not stored, fit ``budget`` words (the first always)."""
    kept: list[Statement] = []
    words = 0
    for statement in statements:
        row = statement[1][0]
        # the words to embed, whatever earlier questions embedded: the same question keeps the same statements
        cost = 0 if searcher.store.has_sentence_vectors else len(searcher.store.passage(row).text.split())
        if kept and words + cost > budget:
            break
        kept.append(statement)
        words += cost
    return kept


def _counts(in_scope: list[DocumentMeta], scored: list[Scored], label: str) -> list[YearCount]:
    """Per year with statements in scope: how many address the topic, against how many there are."""
    total: dict[int, int] = defaultdict(int)
    addressing: dict[int, int] = defaultdict(int)
    for m in in_scope:
        total[year_of(m) or 0] += 1
    for s in scored:
        addressing[year_of(s.meta) or 0] += 1
    return [YearCount(y, addressing[y], total[y], label) for y in sorted(total)]
