"""The UN General Debate Corpus loader: paragraph reconstruction, metadata, sampling, extraction."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from conftest import write_speech

from assistant.errors import DocumentError
from assistant.ingest.ungdc.archive import SPEECH_RE, extract_ungdc
from assistant.ingest.ungdc.paragraphs import split_paragraphs
from assistant.ingest.ungdc.speeches import iter_ungdc
from assistant.settings import UNGDC_ARCHIVE

ARCHIVE = UNGDC_ARCHIVE


def texts(text: str) -> list[str]:
    return [t for t, _ in split_paragraphs(text)]


def assert_spans_point_into(text: str) -> None:
    """Every span lies in the text, in order, and starts with the paragraph's first word."""
    end = 0
    for para, spans in split_paragraphs(text):
        for span in spans:
            assert end <= span.start < span.end <= len(text)
            end = span.end
        assert text[spans[0].start :].startswith(para.split()[0])


# --------------------------------------------------------------- one paragraph per line (before 1991)

PER_LINE = (
    "Mr. President,\n"
    "allow me to congratulate you on your election. Your experience assures us that you will lead our work well.\n"
    "In 1985, soon after taking office, I stood at this podium. As we look back over these last four years there is "
    "one thing of which we can be certain: degradation is moving ahead in the\n"
    "contemporary world. The establishment of free institutions is a universal aspiration.\n"
    "\n"
    "The United Nations planned in its development strategy for the 1980s that the gap would be reduced.\n"
    "17\n"
    "But what happened? The number of least developed countries increased from 30 to 42.\n"
)


def test_one_paragraph_per_line_with_a_page_break_inside_a_sentence():
    assert texts(PER_LINE) == [
        "Mr. President, allow me to congratulate you on your election. Your experience assures us that you will "
        "lead our work well.",
        "In 1985, soon after taking office, I stood at this podium. As we look back over these last four years there "
        "is one thing of which we can be certain: degradation is moving ahead in the contemporary world. The "
        "establishment of free institutions is a universal aspiration.",
        "The United Nations planned in its development strategy for the 1980s that the gap would be reduced.",
        "But what happened? The number of least developed countries increased from 30 to 42.",
    ]
    assert_spans_point_into(PER_LINE)


def test_a_short_unpunctuated_line_before_a_capital_is_a_heading():
    text = "Climate change\nThe seas are rising around our islands every year.\nThank you\n"
    assert texts(text) == ["Climate change", "The seas are rising around our islands every year.", "Thank you"]


def test_record_paragraph_numbers_are_dropped_from_the_text_and_span():
    text = "147. I am grateful to you.\n\n148. I have just come from Latin America.\n\n149. I pay tribute to U Thant.\n"
    paragraphs = split_paragraphs(text)
    assert [p for p, _ in paragraphs] == [
        "I am grateful to you.",
        "I have just come from Latin America.",
        "I pay tribute to U Thant.",
    ]
    assert text[paragraphs[1][1][0].start :].startswith("I have")


def test_carriage_returns_separate_lines():
    assert texts("First paragraph ends here.\rSecond one too.\r\nThird.") == [
        "First paragraph ends here.",
        "Second one too.",
        "Third.",
    ]


# --------------------------------------------------------------- hard-wrapped lines (1992-2014 and others)

WRAPPED = (
    "The General Assembly meets at a time of great and\n"  # 50 characters: the column width
    "lasting uncertainty for all the peoples of the world\n"
    "and my delegation hopes this session will be known\n"
    "for its results. We must all work for that outcome\n"
    "together with the Secretary-General and his staff.\n"  # a full line that ends a sentence: no break
    "We have no other choice than to act together now.\n"
    "It is late.\n"  # a short line that ends a sentence: a break
    "Since then, we have made tremendous progress in\n"
    "implementing reforms that will entrench democracy\n"
    "\n"
    "10-54827 30\n"  # page furniture inside a sentence
    "\n"
    "and secure peace. Top on the reform agenda has been\n"
    "the enactment of a new constitution, which was\n"
    "\n"  # a blank line in the middle of a sentence
    "promulgated on 27 August following a referendum.\n"
)


def test_hard_wrapped_lines_are_rejoined_into_paragraphs():
    assert texts(WRAPPED) == [
        "The General Assembly meets at a time of great and lasting uncertainty for all the peoples of the world and "
        "my delegation hopes this session will be known for its results. We must all work for that outcome together "
        "with the Secretary-General and his staff. We have no other choice than to act together now. It is late.",
        "Since then, we have made tremendous progress in implementing reforms that will entrench democracy and secure "
        "peace. Top on the reform agenda has been the enactment of a new constitution, which was promulgated on 27 "
        "August following a referendum.",
    ]
    assert_spans_point_into(WRAPPED)


def test_page_furniture_is_dropped_and_splits_the_spans():
    (_, first), (_, second) = split_paragraphs(WRAPPED)
    assert len(first) == 1
    assert len(second) == 2
    assert "10-54827" not in WRAPPED[second[0].start : second[0].end]
    assert WRAPPED[second[1].start :].startswith("and secure peace.")


def test_an_indent_or_a_blank_line_after_a_sentence_starts_a_paragraph():
    text = WRAPPED.replace("It is late.\n", "It is late to hope that the world will wait for us.\n")
    assert len(texts(text)) == 1  # a full line: nothing marks the break
    assert len(texts(text.replace("\nSince then", "\n Since then"))) == 2
    assert len(texts(text.replace("\nSince then", "\n\nSince then"))) == 2


def test_words_broken_at_a_line_end_are_joined_only_when_safe():
    text = (
        "International co-operation is the heart of the international order we need.\n"
        "We need inter-\nnational co-operation and the Secretary-\nGeneral knows it.\n"
    )
    assert texts(text)[1] == "We need international co-operation and the Secretary-General knows it."


def test_byte_order_mark_is_dropped_and_offsets_point_into_the_yielded_text(tmp_path):
    write_speech(tmp_path, "BRA", 44, 1989, b"\xef\xbb\xbf\r\nMr. President, welcome.\r\n\r\nWe thank you.\r\n")
    [(doc, text)] = list(iter_ungdc(tmp_path))
    assert not text.startswith("\ufeff")
    assert [p.text for p in doc.passages] == ["Mr. President, welcome.", "We thank you."]
    for passage in doc.passages:
        assert text[passage.start : passage.end] == passage.text
    assert [(p.passage_id, p.label, p.order, p.kind, p.section) for p in doc.passages] == [
        ("ungdc/BRA_44_1989#p1", "1", 0, "paragraph", None),
        ("ungdc/BRA_44_1989#p2", "2", 1, "paragraph", None),
    ]


def test_a_text_without_paragraph_marks_is_cut_at_sentence_ends():
    sentence = "We stand together for peace and development in our region. "
    paragraphs = texts(sentence * 120)  # 1,200 words on one line
    assert len(paragraphs) > 3
    assert all(p.endswith("region.") for p in paragraphs)


# --------------------------------------------------------------- metadata, selection, extraction


def write_speakers(root: Path, rows: list[tuple]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Year", "Session", "ISO Code", "Country", "Name of Person Speaking", "Post"])
    for row in rows:
        sheet.append(list(row))
    book.save(root / "Speakers_by_session.xlsx")


def test_metadata_comes_from_the_file_name_and_the_speakers_sheet(tmp_path):
    write_speech(tmp_path, "BRA", 60, 2005, "We are here.")
    write_speech(tmp_path, "RUS", 40, 1985, "We are here too.")
    write_speech(tmp_path, "FRA", 3, 1948, "Nous sommes ici.")
    write_speakers(
        tmp_path,
        [
            (2005, 60, "BRA ", "Brazil ", "Celso Amorim", "Minister for Foreign Affairs"),
            (1985, 40, "RUS", "USSR", "Mr. SHEVARDNADZE ", None),
        ],
    )
    docs = {doc.meta.extra["country_code"]: doc.meta for doc, _ in iter_ungdc(tmp_path)}
    brazil = docs["BRA"]
    assert brazil.doc_id == "ungdc/BRA_60_2005"
    assert brazil.source == "ungdc/TXT/Session 60 - 2005/BRA_60_2005.txt"
    assert brazil.title == "General Debate statement of Brazil, 60th session (2005)"
    assert (brazil.corpus, brazil.doc_type, brazil.place) == ("ungdc", "General Debate statement", "New York")
    assert (brazil.date, brazil.extra["date_precision"]) == ("2005-09-15", "year")
    assert (brazil.speaker, brazil.extra["post"]) == ("Celso Amorim", "Minister for Foreign Affairs")
    assert brazil.secretary_general == "Kofi Annan"
    assert (brazil.extra["country"], brazil.extra["session"], brazil.extra["year"]) == ("Brazil", 60, 2005)
    soviet = docs["RUS"]
    assert soviet.title == "General Debate statement of the Union of Soviet Socialist Republics, 40th session (1985)"
    assert soviet.speaker == "Mr. Shevardnadze"
    assert docs["FRA"].place == "Paris"
    assert docs["FRA"].speaker is None


def test_selection_by_year_limit_and_seeded_sample(tmp_path):
    for year in range(1990, 2010):
        write_speech(tmp_path, "USA", year - 1945, year, f"Speech of {year}.")
    years = [doc.meta.extra["year"] for doc, _ in iter_ungdc(tmp_path, years=range(2000, 2005))]
    assert years == [2000, 2001, 2002, 2003, 2004]
    assert [doc.meta.extra["year"] for doc, _ in iter_ungdc(tmp_path, limit=2)] == [1990, 1991]
    first = [doc.meta.doc_id for doc, _ in iter_ungdc(tmp_path, limit=5, sample_seed=7)]
    again = [doc.meta.doc_id for doc, _ in iter_ungdc(tmp_path, limit=5, sample_seed=7)]
    other = [doc.meta.doc_id for doc, _ in iter_ungdc(tmp_path, limit=5, sample_seed=8)]
    assert first == again and len(first) == 5 and first == sorted(first)
    assert first != other


def make_archive(path: Path, members: dict[str, str]) -> Path:
    with tarfile.open(path, "w:xz") as tar:
        for name, text in members.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_extraction_is_idempotent_and_replaces_an_outdated_copy(tmp_path, monkeypatch):
    archive = make_archive(tmp_path / "ungdc.tar.xz", {"ungdc/TXT/Session 79 - 2024/EU_79_2024.txt": "We act."})
    dest = tmp_path / "data" / "ungdc"
    assert extract_ungdc(archive, dest) == dest
    assert (dest / "TXT" / "Session 79 - 2024" / "EU_79_2024.txt").read_text() == "We act."
    assert [p.name for p in dest.parent.iterdir()] == ["ungdc"]  # no work folder left behind

    def fail(*args, **kwargs):
        raise AssertionError("extracted twice")

    with monkeypatch.context() as m:
        m.setattr(tarfile, "open", fail)
        assert extract_ungdc(archive, dest) == dest

    make_archive(archive, {"ungdc/TXT/Session 79 - 2024/EU_79_2024.txt": "We act now."})
    extract_ungdc(archive, dest)
    assert (dest / "TXT" / "Session 79 - 2024" / "EU_79_2024.txt").read_text() == "We act now."
    [(doc, _)] = list(iter_ungdc(dest.parent))
    assert doc.meta.title == "General Debate statement of the European Union, 79th session (2024)"


def test_a_missing_archive_says_what_to_do(tmp_path):
    with pytest.raises(DocumentError, match=r"not found at .*ungdc\.tar\.xz; put ungdc\.tar\.xz there"):
        extract_ungdc(tmp_path / "ungdc.tar.xz", tmp_path / "data" / "ungdc")
    with pytest.raises(DocumentError, match="extract_ungdc"):
        list(iter_ungdc(tmp_path))


def test_real_speeches_from_the_archive(tmp_path, ungdc_archive):
    """The first few speeches in the archive (read as a stream, not extracted) parse into sensible paragraphs."""
    taken = 0
    with tarfile.open(ARCHIVE, "r|xz") as tar:
        for member in tar:
            name = Path(member.name).name
            if member.isfile() and SPEECH_RE.match(name) and taken < 4:
                data = tar.extractfile(member).read()
                target = tmp_path / Path(member.name).relative_to("ungdc")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                taken += 1
            if taken == 4:
                break
    parsed = list(iter_ungdc(tmp_path))
    assert len(parsed) == 4
    for doc, text in parsed:
        assert len(doc.passages) >= 5
        unterminated = sum(not p.text.rstrip("”’\"')").endswith((".", "!", "?", ":", ";")) for p in doc.passages)
        assert unterminated <= 2
        assert_spans_point_into(text)
        assert doc.meta.title.startswith("General Debate statement of ")
