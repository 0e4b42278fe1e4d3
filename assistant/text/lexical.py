"""Lexical analysis shared by the BM25 index, the reranker and the answerer."""

from __future__ import annotations

import re
import unicodedata
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


def fold(text: str) -> str:
    """Lower-case, strip accents and unify quotes and dashes, for matching."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[–—−]", "-", text)
    return text.lower()


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    """The English Snowball stem of ``word``."""
    return str(_stemmer().stemWord(word))


def tokens(text: str) -> list[str]:
    """Folded tokens of ``text``; symbols such as "a/70/709" are kept whole and also split."""
    out: list[str] = []
    for tok in _TOKEN_RE.findall(fold(text)):
        tok = tok.replace("’", "'").removesuffix("'s")
        if re.search(r"[/.-]", tok):
            out.append(tok)
            out.extend(t for t in re.split(r"[/'.-]", tok) if t)
        else:
            out.append(tok)
    return out


def index_terms(text: str) -> list[str]:
    """Stemmed content terms of ``text`` (stopwords removed), as indexed by BM25."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS]


def key_terms(question: str) -> list[str]:
    """The stemmed content terms of a question that a supporting passage should contain."""
    seen: dict[str, None] = {}
    for t in tokens(question):
        if t in STOPWORDS or t in QUESTION_WORDS or len(t) < 2:
            continue
        seen.setdefault(stem(t), None)
    return list(seen)


def normalise_answer(text: str) -> str:
    """Fold case, accents, punctuation and whitespace, for answer and evidence matching."""
    text = fold(text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())
