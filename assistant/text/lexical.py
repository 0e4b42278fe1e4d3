"""Lexical analysis shared by the BM25 index, the reranker and the answerer."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
    off on once only or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself yourselves also said say says
    according did does tell told us mr ms""".split()
)
# Words that carry no topic in questions about this corpus ("what did the Secretary-General say about ...").
QUESTION_WORDS = frozenset("secretary general secretary-general sg un united nations".split())
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:[/'’.-][a-z0-9]+)*")
_JOINERS_RE = re.compile(r"[/'.-]")  # what joins a word's parts ("peace-keeping", "a/70/709")


def fold(text: str) -> str:
    """Lower-case, strip accents and unify quotes and dashes, for matching."""
    if text.isascii():  # nothing to strip or unify: the same result, without the per-character pass
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[–—−]", "-", text)
    return text.lower()


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)  # a corpus repeats its words: the stemmer is asked each distinct word once
def stem(word: str) -> str:
    """The English Snowball stem of ``word``."""
    return str(_stemmer().stemWord(word))


def _words(text: str) -> list[str]:
    """The folded words of ``text`` as written, joined words whole, without a possessive's "'s"."""
    return [t.replace("’", "'").removesuffix("'s") for t in _TOKEN_RE.findall(fold(text))]


def tokens(text: str) -> list[str]:
    """Folded tokens of ``text``; symbols such as "a/70/709" are kept whole and also split."""
    out: list[str] = []
    for tok in _words(text):
        if "/" in tok or "." in tok or "-" in tok:
            out.append(tok)
            out.extend(t for t in _JOINERS_RE.split(tok) if t)
        else:
            out.append(tok)
    return out


def index_terms(text: str) -> list[str]:
    """Stemmed content terms of ``text`` (stopwords removed), as indexed by BM25."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS]


def content_terms(text: str) -> list[str]:
    """The stemmed content terms of ``text`` in order, repeats kept (stopwords and question words left out)."""
    return [stem(t) for t in tokens(text) if _is_content(t)]


def key_terms(question: str) -> list[str]:
    """The stemmed content terms of a question that a supporting passage should contain."""
    return list(dict.fromkeys(content_terms(question)))


def _is_content(token: str) -> bool:
    return token not in STOPWORDS and token not in QUESTION_WORDS and len(token) >= 2


# a sentence's end: a pair of words never spans one ("… international law. The sea around us …")
_SENTENCE_BREAK_RE = re.compile(r"(?<=[.;:!?])\s+")


def _phrase_sequences(text: str) -> list[list[str]]:
    """Per sentence of ``text``, its stemmed words, with stopwords as empty strings (so a gap can be counted).

    A sentence with a joined word comes twice: the word whole ("peace-keeping" as "peacekeeping", as later
    statements write it) and in its parts ("Iran-Iraq" as "Iran Iraq", as a topic is read).
    """
    out = []
    for sentence in _SENTENCE_BREAK_RE.split(text):
        words = _words(sentence)
        if not any(_JOINERS_RE.search(t) for t in words):  # most sentences: one sequence serves both
            out.append([stem(t) if _is_content(t) else "" for t in words])
            continue
        joined = [_JOINERS_RE.sub("", t) for t in words]
        parts = [p for t in words for p in _JOINERS_RE.split(t) if p]
        out += [[stem(t) if _is_content(t) else "" for t in seq] for seq in (joined, parts)]
    return out


def term_pairs(text: str, gap: int = 1) -> set[tuple[str, str]]:
    """The stemmed content-term pairs of ``text`` in order, within a sentence, with at most ``gap`` stopwords between."""
    pairs: set[tuple[str, str]] = set()
    for seq in _phrase_sequences(text):
        last: tuple[int, str] | None = None  # the previous content term and where it was
        for i, term in enumerate(seq):
            if not term:
                continue
            if last is not None and i - last[0] - 1 <= gap:
                pairs.add((last[1], term))
            last = (i, term)
    return pairs


def phrase_share(topic: str, texts: Iterable[str], gap: int = 1) -> float:
    """The share of the topic's adjacent content-term pairs that some text holds adjacent too.

    "Amman Message" is one pair, (amman, messag): a passage about a summit in Amman and another message has both
    terms, never the pair. One stopword between the terms may stand ("the zone of peace"), not more ("this
    information to the Security Council" holds no "information security"), and a pair never spans two sentences.
    A joined word counts in both spellings ("peace-keeping" holds "peacekeeping"). A topic without a pair (one
    word): whether some text holds it.
    """
    wanted = term_pairs(topic, gap)
    single = not wanted
    if single:
        wanted = {(t, t) for seq in _phrase_sequences(topic) for t in seq if t}
    if not wanted:
        return 0.0
    found: set[tuple[str, str]] = set()
    for text in texts:
        found |= {(t, t) for seq in _phrase_sequences(text) for t in seq if t} if single else term_pairs(text, gap)
        if wanted <= found:
            return 1.0
    return len(wanted & found) / len(wanted)


def normalise_answer(text: str) -> str:
    """Fold case, accents, punctuation and whitespace, for answer and evidence matching."""
    text = fold(text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())
