"""Timeline, comparison, chart, clarify and summary answers in the chat's HTML (hand-built answers, no index)."""

from __future__ import annotations

import re
from dataclasses import replace

from conftest import clarify_answer, hit_for, timeline_answer
from test_render import answer_record as prose_record
from test_render import assert_inert, tags_of, text_nodes

from assistant.answer.records import answer_record
from assistant.models import CheckedSentence, DocumentMeta, YearCount
from assistant.ui import render
from assistant.ui.conversation import Turn
from assistant.ui.export import conversation_markdown
from assistant.ui.timeline import MAX_LABELLED_YEARS, chart_view

EVIL = '<script>alert("x")</script><img src=x onerror="alert(1)">'
BAN, GUTERRES = "Ban Ki-moon", "António Guterres"


def single() -> Turn:
    hits = [
        ("", hit_for("r13", "2013-09-27", "Prevention saves lives. It is cheaper too.", speaker=BAN, label="3")),
        ("", hit_for("r11", "2011-09-23", "The responsibility to protect has arrived.", speaker=BAN, label="2")),
        ("", hit_for("r15", "2015-09-30", "We must act early.", speaker=BAN, label="5")),
    ]
    counts = [YearCount(2011, 1, 2), YearCount(2012, 0, 3), YearCount(2013, 1, 1), YearCount(2015, 1, 4)]
    return Turn(
        "How has he spoken about the responsibility to protect?", record=answer_record(timeline_answer("q", hits, counts))
    )


def comparison() -> Turn:
    hits = [
        (BAN, hit_for("b11", "2011-09-23", "Ban first.", speaker=BAN)),
        (BAN, hit_for("b16", "2016-07-22", "Ban later.", speaker=BAN)),
        (GUTERRES, hit_for("g17", "2017-09-06", "Guterres first.", speaker=GUTERRES)),
        (GUTERRES, hit_for("g19", "2019-09-24", "Guterres later.", speaker=GUTERRES)),
    ]
    counts = [
        YearCount(2011, 1, 2, BAN),
        YearCount(2016, 1, 1, BAN),
        YearCount(2017, 1, 1, GUTERRES),
        YearCount(2019, 1, 3, GUTERRES),
    ]
    return Turn("Compare Ban and Guterres on prevention", record=answer_record(timeline_answer("q", hits, counts)))


def test_a_timeline_lists_dated_cited_quotes_in_date_order() -> None:
    turn = single()
    out = render.render_conversation([turn])
    assert_inert(out)
    texts = text_nodes(out)
    dates = [t for t in texts if re.fullmatch(r"\d+ \w+ \d{4}", t)]
    assert dates[:3] == ["23 September 2011", "27 September 2013", "30 September 2015"]
    assert "The responsibility to protect has arrived." in texts and "Prevention saves lives." in texts
    assert "Prevention saves lives. It is cheaper too." not in texts  # the sentence quoted, not the paragraph
    markers = [a for t, a in tags_of(out) if t == "button" and "sa-marker-open" in (a.get("class") or "")]
    assert [(m["data-doc"], m["data-passage"], m["data-n"], m["data-action"]) for m in markers] == [
        ("r11", "r11#p2", "1", "open"),
        ("r13", "r13#p3", "2", "open"),
        ("r15", "r15#p5", "3", "open"),
    ]
    assert all(m["data-turn"] == turn.turn_id for m in markers)  # so the viewer highlights the quote of this answer
    assert 'class="sa-timeline sa-comparison' not in out and "sa-tl-name" not in out  # one column, no heading


def test_first_and_latest_mentions_are_marked() -> None:
    out = render.render_conversation([single()])
    entries = out.split('<li class="sa-tl-entry')[1:]
    assert "first mention" in entries[0] and "latest" not in entries[0]
    assert "first mention" not in entries[1] and "latest" not in entries[1]
    assert "latest" in entries[2] and "first mention" not in entries[2]


def test_the_chart_has_a_bar_per_year_with_its_numbers() -> None:
    out = render.render_conversation([single()])
    bars = [a for t, a in tags_of(out) if t == "g" and a.get("class") == "sa-chart-bar"]
    assert [(b["data-year"], b["data-addressing"], b["data-statements"]) for b in bars] == [
        ("2011", "1", "2"),
        ("2012", "0", "3"),
        ("2013", "1", "1"),
        ("2015", "1", "4"),
    ]
    svg = next(a for t, a in tags_of(out) if t == "svg" and a.get("class") == "sa-chart-svg")
    assert svg["role"] == "img" and svg["aria-labelledby"].endswith("-desc")
    texts = text_nodes(out)
    assert "2011: 1 of 2; 2012: 0 of 3; 2013: 1 of 1; 2015: 1 of 4" in texts  # the accessible description
    assert "2012: 0 of 3 statements address the topic" in texts and "2011: 1 of 2 statements addresses the topic" in texts
    assert "3 of 10 statements address the topic." in " ".join(texts)
    assert [t for t in texts if re.fullmatch(r"\d+ of \d+", t)] == ["1 of 2", "0 of 3", "1 of 1", "1 of 4"]


def test_bar_heights_follow_the_numbers() -> None:
    counts = [{"year": 2001, "addressing": 2, "statements": 4}, {"year": 2003, "addressing": 4, "statements": 4}]
    chart = chart_view(counts, (2001, 2004), 4, "c")
    low, high = chart["bars"]
    assert high["total_h"] == high["hit_h"] == 2 * low["hit_h"] == low["total_h"]  # 4 of 4 full height; 2 of 4 half
    assert low["hit_y"] + low["hit_h"] == chart["base"] == high["total_y"] + high["total_h"]  # bars stand on the axis
    assert (low["x"], low["width"], high["x"]) == ("3.75", "17.5", "53.75")  # a quarter of the width per year, 70% filled
    assert [t["year"] for t in chart["ticks"]] == [2001, 2002, 2003, 2004]


def test_a_long_chart_keeps_its_numbers_in_tooltips_and_writes_fewer_years() -> None:
    counts = [{"year": y, "addressing": y % 3, "statements": 3} for y in range(1946, 2024)]
    chart = chart_view(counts, (1946, 2023), 3, "c")
    assert len(chart["bars"]) == 78 and not chart["labels"] and chart["bars"][0]["tip"].startswith("1946: ")
    assert 3 <= len(chart["ticks"]) <= 8
    assert chart_view(counts[:MAX_LABELLED_YEARS], (1946, 1946 + MAX_LABELLED_YEARS - 1), 3, "c")["labels"]


def test_a_comparison_renders_one_column_per_speaker_each_with_its_chart() -> None:
    out = render.render_conversation([comparison()])
    assert_inert(out)
    columns = [a for t, a in tags_of(out) if t == "section" and a.get("class") == "sa-tl-col"]
    assert [c["data-column"] for c in columns] == [BAN, GUTERRES]
    assert 'class="sa-timeline sa-comparison"' in out
    timeline = out.split('<div class="sa-timeline')[1].split('<details class="sa-sources">')[0]
    ban, guterres = (part.split("</section>")[0] for part in timeline.split('class="sa-tl-col"')[1:])
    assert "Ban first." in ban and "Ban later." in ban and "Guterres first." not in ban
    assert "Guterres first." in guterres and "Guterres later." in guterres and "Ban first." not in guterres
    for part, years in ((ban, ["2011", "2016"]), (guterres, ["2017", "2019"])):
        assert re.findall(r'class="sa-chart-bar" data-year="(\d+)"', part) == years
        assert part.count("first mention") == 1 and part.count(">latest<") == 1
    # one scale and one span of years for both charts, so they compare
    assert ban.count('class="sa-chart-year"') == guterres.count('class="sa-chart-year"')


def test_timeline_text_from_documents_is_escaped() -> None:
    hits = [(EVIL, hit_for("x", "2015-01-01", f"{EVIL} said. More.", speaker=EVIL, title=EVIL))]
    record = answer_record(timeline_answer(EVIL, hits, [YearCount(2015, 1, 1, EVIL)]))
    out = render.render_conversation([Turn(EVIL, record=record)])
    assert_inert(out)
    texts = text_nodes(out)
    assert texts.count(EVIL) >= 4  # the question, the column name, the speaker and the title, as text
    assert f"{EVIL} said." in texts
    assert all("<script>" not in a.get("data-column", "") or t == "section" for t, a in tags_of(out))


def test_a_clarify_answer_lists_the_documents_it_could_mean() -> None:
    choices = [
        DocumentMeta("d1", "d1.txt", title=f"Report {EVIL}", date="2016-07-22", doc_type="report", speaker=BAN),
        DocumentMeta("d2", "d2.txt", title="Message on water", date=None, doc_type="message"),
    ]
    out = render.render_conversation([Turn("the report?", record=answer_record(clarify_answer("the report?", choices)))])
    assert_inert(out)
    texts = text_nodes(out)
    assert "Several documents match; which one do you mean?" in texts and f"Report {EVIL}" in texts
    items = [t.strip() for t in texts if "·" in t]
    assert items == [f"22 July 2016 · report · {BAN}", "undated · message"]
    opens = [a["data-doc"] for t, a in tags_of(out) if t == "button" and a.get("data-action") == "open"]
    assert opens == ["d1", "d2"]  # a title opens the document in the viewer
    assert "Was this answer right?" not in out


def test_a_summary_renders_like_an_answer() -> None:
    turn = Turn("Summarize the report", record=prose_record(kind="summary"))
    out = render.render_conversation([turn])
    assert 'class="sa-marker"' in out and 'id="t1-c1"' in out and "Was this answer right?" in out


def test_a_timeline_is_not_revealed_word_by_word() -> None:
    from assistant.ui.streaming import reveal

    turn = single()
    assert list(reveal(turn, delay_s=0)) == [] and turn.state == "done"
    prose = Turn("q", record=prose_record(kind="summary"))
    assert len(list(reveal(prose, delay_s=0, steps=4))) >= 2 and prose.state == "done"


def test_the_markdown_export_keeps_one_dated_line_per_entry_and_lists_the_choices() -> None:
    choices = [DocumentMeta("d1", "d1.txt", title="Mobilizing collective action", date="2016-07-22", doc_type="report")]
    clarify = Turn("the report?", record=answer_record(clarify_answer("the report?", choices)))
    text = conversation_markdown([single(), clarify])
    assert "- 2011-09-23 — The responsibility to protect has arrived. [1]\n- 2013-09-27 — Prevention saves lives. [2]\n" in text
    assert "which one do you mean?\n\n- Mobilizing collective action (22 July 2016, report)\n" in text
    assert "1. r11" not in text and "> The responsibility to protect has arrived." in text  # the sources, quoted


def test_a_generated_summary_sits_above_the_timeline_and_its_markers_open_the_cited_paragraphs() -> None:
    hits = [
        ("", hit_for("r11", "2011-09-23", "The responsibility to protect has arrived.", label="2", title=EVIL)),
        ("", hit_for("r15", "2015-09-30", "We must act early.", label="5")),
    ]
    base = timeline_answer("q", hits)
    said = CheckedSentence(f"He moved from arrival to early action {EVIL}.", (1, 2), ("r11#p2", "r15#p5"), True, "supported")
    wrong = CheckedSentence("He said nothing at all.", (1,), ("r11#p2",), False, "unsupported")
    summary = f"{said.text} [1][2]"
    answer = replace(base, text=f"{summary}\n\n{base.text}", summary=summary, sentences=(said, wrong), mode="generative")
    out = render.render_conversation([Turn("How has it changed?", record=answer_record(answer))])
    assert_inert(out)  # the summary's text and its references are escaped like every other
    summary = out.split('class="sa-answer sa-tl-summary"')[1].split("</p>")[0]
    assert "He moved from arrival to early action" in summary and "nothing at all" not in summary  # supported only
    assert out.index("sa-tl-summary") < out.index('class="sa-timeline')  # above the entries
    assert re.findall(r'data-passage="([^"]+)"', summary) == ["r11#p2", "r15#p5"]
    plain = render.render_conversation([Turn("How has it changed?", record=answer_record(base))])
    assert "sa-tl-summary" not in plain  # no summary, no paragraph
    exported = conversation_markdown([Turn("How has it changed?", record=answer_record(answer))])
    assert "*Generated summary, every sentence checked:* He moved from arrival to early action" in exported
    assert "nothing at all" not in exported and "<script>" not in exported
    assert "- 2011-09-23 — The responsibility to protect has arrived. [1]\n- 2015-09-30 — We must act early. [2]\n" in exported
