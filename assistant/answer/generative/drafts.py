"""A model's draft: writing it (streamed and timed), spotting a refusal, and dropping phrases that only name the source."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer.generative.generators import GenerationOptions, Generator

OnToken = Callable[[str], None]

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


def is_refusal(sentence: str) -> bool:
    """Whether a sentence says the passages do not answer the question."""
    return bool(REFUSAL_RE.search(sentence))


class GenerationTimeout(Exception):
    """The answer was not written (and checked) within ``llm_timeout_s``."""

    def __init__(self, message: str, ttft_s: float | None = None, tokens: int = 0) -> None:
        super().__init__(message)
        self.ttft_s = ttft_s  # when the draft was cut: its time to the first token, and the tokens written
        self.tokens = tokens


def past(deadline: float | None) -> bool:
    """Whether ``deadline`` (a `time.perf_counter` value; None: no deadline) has passed."""
    return deadline is not None and time.perf_counter() > deadline


def draft(
    generator: Generator,
    messages: list[tuple[str, str]],
    options: GenerationOptions,
    on_token: OnToken | None,
    deadline: float | None = None,
) -> Draft:
    """Generate one answer, streaming its tokens to ``on_token`` and timing them.

    `GenerationTimeout` once ``deadline`` has passed (checked at each token: reading
    the prompt is not interrupted, and the generation stops at the next token).
    """
    t0 = time.perf_counter()
    first: float | None = None
    parts: list[str] = []
    for delta in generator.stream(messages, options):
        if first is None:
            first = time.perf_counter() - t0
        parts.append(delta)
        if on_token is not None:
            on_token(delta)
        if past(deadline):
            raise GenerationTimeout(f"no answer after {time.perf_counter() - t0:.1f} s", first, len(parts))
    return Draft("".join(parts).strip(), time.perf_counter() - t0, first, len(parts), options.seed)
