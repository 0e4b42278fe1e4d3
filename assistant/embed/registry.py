"""The embedders by name: another model plugs in by adding a factory to `EMBEDDERS`."""

from __future__ import annotations

from collections.abc import Callable

from assistant.embed.base import Embedder, default_model_path
from assistant.errors import UsageError
from assistant.settings import Settings
from assistant.shared import shared_instance


def _sentence_transformers(settings: Settings) -> Embedder:
    from assistant.embed.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(settings.model_name, settings.model_path or default_model_path(), settings.batch_size)


EMBEDDERS: dict[str, Callable[[Settings], Embedder]] = {
    "sentence-transformers": _sentence_transformers,
    "onnx": lambda s: _onnx_embedder(s, "onnx"),
    "onnx-int8": lambda s: _onnx_embedder(s, "onnx-int8"),
}
# embedders that keep an exported model under data_dir, so sharing one must take the folder into account
CACHING_EMBEDDERS = frozenset({"onnx", "onnx-int8"})


def _onnx_embedder(settings: Settings, variant: str) -> Embedder:
    """The model exported to ONNX once (into ``data_dir/models``) and run by ONNX Runtime."""
    from assistant.embed.onnx import OnnxEmbedder

    model_dir = settings.model_path or default_model_path()
    return OnnxEmbedder(settings.model_name, model_dir, settings.data_dir / "models", variant, settings.batch_size)


def make_embedder(settings: Settings) -> Embedder:
    """Build the embedder named in the settings."""
    try:
        factory = EMBEDDERS[settings.embedder]
    except KeyError:
        raise UsageError(f"unknown embedder {settings.embedder!r}; known: {', '.join(sorted(EMBEDDERS))}") from None
    return factory(settings)


EMBEDDER_KEYS = ("embedder", "model_name", "model_path", "batch_size")


def embedder_for(settings: Settings) -> Embedder:
    """The shared embedder for ``settings``: each model is loaded once per process (CLI, chat and tests alike)."""
    # only the caching embedders depend on data_dir: keying the torch one on it would load it once per folder
    keys = (*EMBEDDER_KEYS, "data_dir") if settings.embedder in CACHING_EMBEDDERS else EMBEDDER_KEYS
    return shared_instance(make_embedder, settings, keys)
