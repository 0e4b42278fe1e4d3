"""The UN General Debate Corpus (UNGDC) as a second named corpus.

The archive ``ungdc.tar.xz`` holds one plain-text file per speech,
``ungdc/TXT/Session NN - YYYY/ISO3_NN_YYYY.txt``, and ``ungdc/Speakers_by_session.xlsx``
(speakers' names and posts). The modules, each imported on its own:

* :mod:`.archive`: :func:`extract_ungdc` unpacks the archive once into a git-ignored
  folder; :func:`speech_files` lists the speeches in it (:class:`Speech`);
* :mod:`.paragraphs`: :func:`split_paragraphs` rejoins a speech's lines into the
  paragraphs the speaker wrote (docs/ungdc.md explains the rules and the measured result);
* :mod:`.speakers`: :func:`load_speakers` reads the speakers sheet;
* :mod:`.countries`: :func:`country_name`, the names the Assembly used, from ``assistant/data/ungdc_countries.json``;
* :mod:`.speeches`: :func:`speech_meta`, :func:`select_speeches` and :func:`iter_ungdc`, which
  yields one :class:`ParsedDocument` per speech together with the decoded text its passage spans point into;
* :mod:`.stats`: :func:`corpus_stats`, the counts ``python -m assistant.ingest.ungdc`` prints.
"""

CORPUS = "ungdc"
PARSER_VERSION = "1"  # bump when reconstruction or metadata changes, so ingest re-parses every speech
DOC_TYPE = "General Debate statement"
BENCH_SAMPLE_SPEECHES = 1460  # a seeded sample of this many speeches holds about 50,000 paragraphs
