"""Whether the chat can offer generated answers here, and if not, why (shown beside the disabled option)."""

from __future__ import annotations

from assistant.answer.generative import generation_available
from assistant.errors import AssistantError
from assistant.settings import Settings

LLM_HINT = "run `make llm` once (it installs llama.cpp and the local model, about 10 minutes), then restart the chat."


def generation_status(settings: Settings) -> tuple[bool, str]:
    """Whether generated answers can be offered here, and if not, why (shown beside the disabled option)."""
    try:
        ok, why = generation_available(settings)
    except AssistantError as exc:
        return False, f"Generated answers are unavailable: {exc}"
    if not ok and settings.generator == "llama-cpp" and why and LLM_HINT not in why:
        # the local runtime or model is missing: `make run` installs only what exact quotes need
        why = why.replace(" (make llm)", "").replace(" (make install)", "").rstrip(".") + f": {LLM_HINT}"
    return ok, why or ("" if ok else "Generated answers are not set up on this server.")
