"""Draw docs/images/layers.png, the picture of the import layers in docs/architecture.md: ``python scripts/draw_layers.py``.

Keep it in step with `[tool.importlinter]` in pyproject.toml, which is what `make lint` checks.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

layers = [
    [("cli", "python -m assistant …, app.py")],
    [("ui", "Gradio chat (only here)"), ("evaluate", "QA sets, metrics, reports")],
    [("pipeline", "Assistant: ask, stream, ranking")],
    [("chain", "LCEL chain, LangChain retriever")],
    [("answer", "extractive, abstain, verify, citations, records, generative/")],
    [("retrieve", "first stage, filters, rerank, search"), ("interpret", "the question: filters, follow-ups")],
    [("index", "store, builder, patch, lifecycle, FAISS / Milvus backends")],
    [("embed", "Embedder, BatchEmbedder, onnx, torch, windows")],
    [("ingest", "files, paragraphs, metadata, folders, corpora, ungdc/")],
    [("text", "lexical, sentences, patterns, instructions")],
    [("shared", "one cache of shared instances")],
    [("models", "frozen dataclasses between stages")],
    [("settings", "every default; offline mode"), ("errors", "AssistantError and exit codes")],
]
fig, ax = plt.subplots(figsize=(10, 7.6))
ax.set_xlim(0, 10)
ax.set_ylim(0, len(layers))
ax.axis("off")
colors = [
    "#1f4e79",
    "#2e75b6",
    "#2e75b6",
    "#5b9bd5",
    "#5b9bd5",
    "#70ad47",
    "#70ad47",
    "#a9a9a9",
    "#a9a9a9",
    "#c9c9c9",
    "#d9d9d9",
    "#e7e6e6",
    "#e7e6e6",
]
for i, row in enumerate(layers):
    y = len(layers) - i - 1
    width = 9.6 / len(row)
    for j, (name, what) in enumerate(row):
        x = 0.2 + j * width
        box = FancyBboxPatch(
            (x + 0.05, y + 0.1), width - 0.1, 0.8, boxstyle="round,pad=0.02,rounding_size=0.08", fc=colors[i], ec="white"
        )
        ax.add_patch(box)
        dark = i < 7
        ax.text(
            x + 0.2,
            y + 0.5,
            f"assistant.{name}",
            va="center",
            ha="left",
            fontsize=10.5,
            fontweight="bold",
            color="white" if dark else "#222",
        )
        ax.text(x + width - 0.2, y + 0.5, what, va="center", ha="right", fontsize=8.5, color="white" if dark else "#333")
ax.annotate("", xy=(9.93, 0.3), xytext=(9.95, len(layers) - 0.3), arrowprops=dict(arrowstyle="->", color="#444"))
ax.text(9.9, len(layers) / 2, "imports point down only", rotation=90, va="center", ha="right", fontsize=8.5, color="#444")
ax.set_title("Statement Assistant: the layers (checked by `make lint` with import-linter)", fontsize=11)
fig.tight_layout()
fig.savefig("docs/images/layers.png", dpi=110)
