"""Hand-labelled holes of the check: what a generated sentence must not get away with."""

from __future__ import annotations

import pytest

from assistant.answer.generative.checking import MISCITED, check_draft
from assistant.answer.generative.drafts import Draft
from assistant.answer.verify import SupportVerifier
from assistant.embed.registry import embedder_for
from assistant.models import DocumentMeta, Hit, Passage, Span
from assistant.settings import Settings

# Paragraphs 53 and 10 of A/70/999–S/2016/620, as indexed: dev question d04 ("Which countries that risk widespread
# violence today have experienced it before?") is answered by para. 53; para. 10 lists where displaced persons come from.
P53 = (
    "It is disheartening to see that over the course of my tenure as Secretary-General, we continue to grapple with the "
    "recurrence of atrocity crimes. Far too many of the countries wrestling today with a risk of widespread and "
    "systematic violence have experienced it before, including Afghanistan, Burundi, Iraq, Libya, South Sudan and the Sudan."
)
P10 = (
    "The high incidence of atrocity crimes has contributed significantly to the global crisis of forced displacement. "
    "A majority of the world's displaced persons come from countries that have experienced violence that could constitute "
    "atrocity crimes, including the Central African Republic, the Democratic Republic of the Congo, Eritrea, Iraq, Nigeria, "
    "Somalia, South Sudan, the Sudan, the Syrian Arab Republic and Yemen."
)
D04_LIST = (
    "The Central African Republic, the Democratic Republic of the Congo, Eritrea, Iraq, Nigeria, Somalia, South Sudan, "
    "the Sudan, the Syrian Arab Republic and Yemen"
)


def hit(text: str, n: int, paragraph: str) -> Hit:
    meta = DocumentMeta(doc_id="r", source="r.txt", title="Mobilizing collective action", date="2016-07-22")
    return Hit(Passage(f"r#p{paragraph}", "r", n, paragraph, "paragraph", text, None, (Span(0, len(text)),)), meta, 1.0)


@pytest.fixture(scope="module")
def verifier() -> SupportVerifier:
    return SupportVerifier(embedder_for(Settings()))


def test_a_verbatim_fragment_cited_to_a_paragraph_that_does_not_hold_it_fails(verifier: SupportVerifier) -> None:
    """d04's draft: the list of para. 10, credited to para. 53. It used to be re-cited to para. 10 and published."""
    passages = [hit(P53, 0, "53"), hit(P10, 1, "10")]
    checked = check_draft(Draft(f"{D04_LIST} [1].", 1.0, 0.5, 40), passages, verifier)
    (claim,) = checked.claims
    assert not claim.supported
    assert claim.cited == (1,) and claim.citation == "model"
    assert claim.reason == f"{MISCITED} [2]"


def test_a_verbatim_fragment_cited_to_the_paragraph_that_holds_it_passes(verifier: SupportVerifier) -> None:
    passages = [hit(P53, 0, "53"), hit(P10, 1, "10")]
    (claim,) = check_draft(Draft(f"{D04_LIST} [2].", 1.0, 0.5, 40), passages, verifier).claims
    assert claim.supported and claim.reason == "verbatim" and claim.cited == (2,)
    # one that cites nothing still gets the passage that holds it
    (uncited,) = check_draft(Draft(f"{D04_LIST}.", 1.0, 0.5, 40), passages, verifier).claims
    assert uncited.supported and uncited.cited == (2,) and uncited.citation == "added"
