"""Generated answers, checked sentence by sentence (see ``docs/generation.md``)."""

from __future__ import annotations

import importlib.util

from assistant.settings import Settings


def generation_available(settings: Settings) -> tuple[bool, str]:
    """Whether the configured generator could run here, and if not, why; cheap: loads no model."""
    if settings.generator == "openai":
        if importlib.util.find_spec("langchain_openai") is None:
            return False, "Generated answers need langchain-openai, which is not installed (make install)."
        if not settings.openai_base_url or not settings.openai_model:
            return False, "Generated answers need ASSISTANT_OPENAI_BASE_URL and ASSISTANT_OPENAI_MODEL."
        return True, ""
    if settings.generator != "llama-cpp":
        from assistant.answer.generative.generators import GENERATORS

        known = settings.generator in GENERATORS
        return known, "" if known else f"Unknown generator {settings.generator!r}; known: {', '.join(sorted(GENERATORS))}."
    if importlib.util.find_spec("llama_cpp") is None:
        return False, "Generated answers need llama-cpp-python, which is not installed (make llm)."
    if settings.llm_path is not None:
        ok = settings.llm_path.is_file()
        return ok, "" if ok else f"ASSISTANT_LLM_PATH={settings.llm_path} is not a file."
    from assistant.answer.generative.llm_model import parts_installed

    if not parts_installed():
        return False, "Generated answers need the local language model, which is not installed (make llm)."
    return True, ""
