"""The ONNX embedders: agreement with the torch model, fingerprints, the export cache."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import SEED_CORPUS

from assistant.embed import onnx as embed_onnx
from assistant.embed.base import Embedder, default_model_path, weights_fingerprint
from assistant.embed.onnx import OnnxEmbedder, cache_folder, export_model
from assistant.embed.registry import embedder_for, make_embedder
from assistant.errors import UsageError
from assistant.settings import Settings

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


def seed_paragraphs() -> list[str]:
    return [
        p.strip()
        for path in sorted(SEED_CORPUS.glob("*.txt"))
        for p in path.read_text(encoding="utf-8").split("\n\n")
        if p.strip()
    ]


@pytest.fixture(scope="session")
def torch_embedder() -> Embedder:
    return embedder_for(Settings(embedder="sentence-transformers"))  # the reference: sentence-transformers in torch


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose ``models/`` holds both exports, made once per session."""
    folder = tmp_path_factory.mktemp("onnx") / "data"
    for variant in embed_onnx.VARIANTS:
        export_model(default_model_path(), folder / "models", variant)
    return folder


@pytest.fixture(scope="session")
def onnx_embedders(data_dir: Path) -> dict[str, OnnxEmbedder]:
    return {v: OnnxEmbedder(MODEL_NAME, default_model_path(), data_dir / "models", v) for v in embed_onnx.VARIANTS}


@pytest.fixture(scope="session")
def paragraphs(torch_embedder: Embedder) -> list[str]:
    """A dozen real paragraphs of every length, the longest past the model's 256 word pieces."""
    paras = seed_paragraphs()
    by_length = sorted(paras, key=lambda p: len(torch_embedder.token_offsets(p)))
    chosen = by_length[:: max(1, len(by_length) // 11)] + by_length[-1:]
    assert len(torch_embedder.token_offsets(chosen[-1])) > 256
    return chosen


@pytest.mark.parametrize("variant", embed_onnx.VARIANTS)
def test_agrees_with_torch_on_real_paragraphs(
    variant: str, onnx_embedders: dict[str, OnnxEmbedder], torch_embedder: Embedder, paragraphs: list[str]
) -> None:
    reference = torch_embedder.embed(paragraphs)
    vectors = onnx_embedders[variant].embed(paragraphs)
    assert vectors.shape == reference.shape and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = (reference * vectors).sum(axis=1)
    assert cosines.min() >= 0.99, dict(zip(paragraphs, cosines.round(4).tolist(), strict=True))
    if variant == "onnx":
        assert cosines.min() >= 0.9999  # the same arithmetic as torch, up to float rounding


def test_each_text_is_embedded_in_input_order(onnx_embedders: dict[str, OnnxEmbedder], paragraphs: list[str]) -> None:
    embedder = onnx_embedders["onnx"]
    together = embedder.embed(paragraphs)
    alone = np.vstack([embedder.embed([p]) for p in paragraphs[::4]])
    np.testing.assert_allclose(together[::4], alone, atol=1e-5)  # padding changes nothing
    assert embedder.embed([]).shape == (0, 384)


def test_fingerprints_differ_from_torch_and_from_each_other(
    onnx_embedders: dict[str, OnnxEmbedder], torch_embedder: Embedder
) -> None:
    fingerprints = {torch_embedder.fingerprint} | {e.fingerprint for e in onnx_embedders.values()}
    assert len(fingerprints) == 3 and all(len(f) == 16 for f in fingerprints)
    for variant, embedder in onnx_embedders.items():
        assert embedder.source_fingerprint == torch_embedder.fingerprint
        assert embedder.dimension == torch_embedder.dimension == 384
        assert variant in embedder.name


def test_token_offsets_match_torch(
    onnx_embedders: dict[str, OnnxEmbedder], torch_embedder: Embedder, paragraphs: list[str]
) -> None:
    for text in (paragraphs[-1], "Côte d'Ivoire — 27 September 2013"):
        assert onnx_embedders["onnx-int8"].token_offsets(text) == torch_embedder.token_offsets(text)


def test_second_load_reuses_the_cache(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = cache_folder(data_dir / "models", weights_fingerprint(default_model_path()), "onnx-int8")
    before = (folder / embed_onnx.MODEL_FILE).stat().st_mtime_ns

    def no_export(*args: object) -> None:
        raise AssertionError("exported again although the cache holds the model")

    monkeypatch.setattr(embed_onnx, "_export_fp32", no_export)
    monkeypatch.setattr(embed_onnx, "_quantize_int8", no_export)
    embedder = make_embedder(Settings().with_overrides(embedder="onnx-int8", data_dir=data_dir))  # through the registry
    assert embedder.embed(["Peace and security."]).shape == (1, 384)
    assert (folder / embed_onnx.MODEL_FILE).stat().st_mtime_ns == before
    info = json.loads((folder / embed_onnx.INFO_FILE).read_text())
    assert info["variant"] == "onnx-int8" and info["fp32_matmuls"]  # the sensitive MatMuls were found and kept
    assert sorted(p.name for p in (data_dir / "models").iterdir()) == sorted(
        cache_folder(data_dir / "models", weights_fingerprint(default_model_path()), v).name for v in embed_onnx.VARIANTS
    )  # nothing half-written beside them


def test_a_failed_export_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(model_dir: Path, dest: Path) -> dict[str, object]:
        dest.write_bytes(b"half a model")
        raise RuntimeError("export interrupted")

    monkeypatch.setattr(embed_onnx, "_export_fp32", crash)
    with pytest.raises(RuntimeError, match="interrupted"):
        export_model(default_model_path(), tmp_path / "models", "onnx")
    assert list((tmp_path / "models").iterdir()) == []


def test_unknown_variant_and_unsupported_pooling_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="known: onnx, onnx-int8"):
        export_model(default_model_path(), tmp_path, "onnx-fp16")
    model = tmp_path / "cls-model"
    (model / "1_Pooling").mkdir(parents=True)
    (model / "modules.json").write_text(json.dumps([{"type": "sentence_transformers.models.Pooling"}]))
    (model / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    with pytest.raises(UsageError, match="mean-pooled, normalised models only"):
        OnnxEmbedder(MODEL_NAME, model, tmp_path / "models")
