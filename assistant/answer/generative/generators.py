"""Generators: chat models that stream text, chosen by name in the settings.

A generator implements `Generator` (one method, ``stream``); `ChatGenerator`
adapts any LangChain chat model to it. Named variants live in `GENERATORS`:

- ``llama-cpp``: the local GGUF model through llama-cpp-python (`ChatLlamaCpp`), offline;
- ``openai``: any OpenAI-compatible server (vLLM, Ollama, a hosted API) through
  `ChatOpenAI`, configured by ``ASSISTANT_OPENAI_BASE_URL``, ``ASSISTANT_OPENAI_MODEL``
  and ``ASSISTANT_OPENAI_API_KEY``.

LangChain objects stay in this module: callers pass ``(role, text)`` pairs and
get text back.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from assistant.errors import AssistantError, UsageError
from assistant.settings import Settings
from assistant.shared import shared_instance

Message = tuple[str, str]  # (role, text), role one of "system", "user", "assistant"


class GeneratorUnavailableError(AssistantError):
    """The configured generator cannot be used here (model not installed, server not configured)."""

    exit_code = 4


@dataclass(frozen=True)
class GenerationOptions:
    """Per-call sampling options."""

    max_tokens: int = 200
    temperature: float = 0.1
    seed: int | None = None
    stop: tuple[str, ...] = ()


class Generator(Protocol):
    """Streams the reply of a chat model to a list of messages."""

    name: str  # the registry name, e.g. "llama-cpp"
    model: str  # what answered, for the record

    def stream(self, messages: Sequence[Message], options: GenerationOptions) -> Iterator[str]:
        """Yield the reply as text deltas (roughly one token each), in order."""
        ...


class ChatGenerator:
    """A LangChain chat model behind the `Generator` interface.

    One call at a time per model: llama.cpp contexts are not thread-safe, and a
    2-core machine gains nothing from running two generations at once.
    """

    def __init__(self, name: str, model: str, chat: Any, *, seed_param: bool = True) -> None:
        self.name = name
        self.model = model
        self.chat = chat
        self._seed_param = seed_param
        self._lock = threading.RLock()

    def stream(self, messages: Sequence[Message], options: GenerationOptions) -> Iterator[str]:
        """Yield text deltas of the reply."""
        from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

        kinds: dict[str, type[BaseMessage]] = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
        lc_messages = [kinds[role](content=text) for role, text in messages]
        kwargs: dict[str, Any] = {"max_tokens": options.max_tokens, "temperature": options.temperature}
        if options.seed is not None and self._seed_param:
            kwargs["seed"] = options.seed
        with self._lock:
            for chunk in self.chat.stream(lc_messages, stop=list(options.stop) or None, **kwargs):
                text = chunk.content if isinstance(chunk.content, str) else "".join(str(c) for c in chunk.content)
                if text:
                    yield text


class PromptPrefixes:
    """The model's state after each fixed prompt prefix, read once per process and restored when a prompt starts with it.

    The fixed prefix of a prompt is everything before its last message's text: the
    system prompt and the chat template's markers (tokens rendered with the GGUF
    file's own chat template, as llama-cpp-python renders them). The answer prompt
    and the judge prompt take turns in one llama.cpp context, so each would evict
    the other's prefix; a saved state brings it back in milliseconds instead of
    reading hundreds of tokens again. Only the KV cache and token ids are kept (the
    logits are recomputed from the next token), a few MB per prefix.
    """

    def __init__(self, llama: Any, limit: int = 8) -> None:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.llama = llama
        self.limit = limit
        self.states: dict[tuple[int, ...], bytes] = {}
        self.restored = 0  # prompts whose prefix was brought back from a saved state
        self.kept = 0  # prompts whose prefix was still in the context
        self.read = 0  # prefixes read (and saved) for the first time
        template = llama.metadata.get("tokenizer.chat_template")
        eos = llama.token_eos()
        self._format = (
            Jinja2ChatFormatter(
                template=template,
                eos_token=llama._model.token_get_text(eos) if eos != -1 else "",
                bos_token=llama._model.token_get_text(llama.token_bos()) if llama.token_bos() != -1 else "",
                stop_token_ids=[eos],
            )
            if template
            else None
        )

    def tokens(self, messages: Sequence[Message]) -> list[int]:
        """The prompt's tokens, as the chat completion will read them."""
        if self._format is None:
            return []
        chat: list[Any] = [{"role": role, "content": text} for role, text in messages]
        result = self._format(messages=chat)
        return list(self.llama.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True))

    def prepare(self, messages: Sequence[Message]) -> None:
        """Leave the context holding the prompt's fixed prefix: kept, restored from its saved state, or read and saved."""
        if not messages or self._format is None:
            return
        full = self.tokens(messages)
        role = messages[-1][0]
        base = self.tokens([*messages[:-1], (role, "")])
        n = 0
        for a, b in zip(full, base, strict=False):
            if a != b:
                break
            n += 1
        if n < 8:
            return
        prefix = tuple(full[:n])
        llama = self.llama
        if llama.n_tokens >= n and tuple(llama.input_ids[:n].tolist()) == prefix:
            self.kept += 1
            return
        state = self.states.get(prefix)
        if state is None:
            llama.reset()
            llama.eval(list(prefix))
            self._save(prefix)
            self.read += 1
            return
        self._load(prefix, state)
        self.restored += 1

    def forget(self) -> None:
        """Drop every saved prefix and clear the context: the next prompt is read from its first token (cold)."""
        self.states.clear()
        self.llama.reset()

    def _save(self, prefix: tuple[int, ...]) -> None:
        import ctypes

        from llama_cpp import llama_cpp as lib

        ctx = self.llama._ctx.ctx
        size = lib.llama_state_get_size(ctx)
        buffer = (ctypes.c_uint8 * int(size))()
        written = lib.llama_state_get_data(ctx, buffer, size)
        if len(self.states) >= self.limit:
            self.states.pop(next(iter(self.states)))
        self.states[prefix] = bytes(buffer)[: int(written)]

    def _load(self, prefix: tuple[int, ...], state: bytes) -> None:
        import ctypes

        from llama_cpp import llama_cpp as lib

        llama = self.llama
        data = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        if lib.llama_state_set_data(llama._ctx.ctx, data, len(state)) != len(state):
            llama.reset()  # the prompt is then read whole: slower, never wrong
            return
        llama.input_ids[: len(prefix)] = prefix
        llama.n_tokens = len(prefix)
        llama._requires_eval = True  # the logits are not restored: the next token read recomputes them


class LlamaCppGenerator(ChatGenerator):
    """`ChatLlamaCpp` with its fixed prompt prefixes read once per process (`PromptPrefixes`)."""

    def __init__(self, name: str, model: str, chat: Any) -> None:
        super().__init__(name, model, chat)
        self.prefixes = PromptPrefixes(chat.client)

    def stream(self, messages: Sequence[Message], options: GenerationOptions) -> Iterator[str]:
        """Yield text deltas of the reply, reading only what follows the fixed prefix."""
        with self._lock:  # re-entered by ChatGenerator.stream: the prefix stays in place until the reply is read
            self.prefixes.prepare(messages)
            yield from super().stream(messages, options)

    def forget_prompts(self) -> None:
        """Forget every prompt read so far (for cold measurements)."""
        with self._lock:
            self.prefixes.forget()


def complete(generator: Generator, messages: Sequence[Message], options: GenerationOptions) -> str:
    """The whole reply as one string."""
    return "".join(generator.stream(messages, options))


def llama_cpp_generator(settings: Settings) -> Generator:
    """The local GGUF model (assembled from its packages on first use), through `ChatLlamaCpp`."""
    from assistant.answer.generative.llm_model import MODEL_NAME, LLMNotInstalledError, assembled_model

    try:
        import llama_cpp  # noqa: F401
    except ImportError as exc:
        raise GeneratorUnavailableError(
            "llama-cpp-python is not installed, so the local LLM cannot run; "
            "run `make llm` (or `pip install -r requirements-llm.txt -c constraints.txt`)"
        ) from exc
    try:
        path = settings.llm_path or assembled_model(settings.llm_cache_dir)
    except LLMNotInstalledError as exc:
        raise GeneratorUnavailableError(str(exc)) from exc
    if not path.is_file():
        raise GeneratorUnavailableError(f"ASSISTANT_LLM_PATH={path} is not a file; point it at a GGUF model or unset it")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # langchain-community announces its sunset on import
        from langchain_community.chat_models import ChatLlamaCpp

    chat = ChatLlamaCpp(
        model_path=str(path),
        n_ctx=settings.llm_context,
        n_threads=settings.llm_threads,
        n_batch=settings.llm_batch,  # ChatLlamaCpp's default of 8 makes reading the prompt several times slower
        model_kwargs={"n_ubatch": settings.llm_batch, "n_threads_batch": settings.llm_threads},
        # 0 means "as the GGUF file says"; ChatLlamaCpp's defaults (10,000 and 1.0) would
        # override Qwen2.5's rope base of 1,000,000 and garble long prompts.
        rope_freq_base=0.0,
        rope_freq_scale=0.0,
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
        seed=settings.llm_seed,
        repeat_penalty=1.0,  # a penalty pushes the model away from quoting its passages verbatim
        streaming=True,
        verbose=False,
    )
    name = MODEL_NAME if settings.llm_path is None else path.name
    return LlamaCppGenerator("llama-cpp", name, chat)


def openai_generator(settings: Settings) -> Generator:
    """Any OpenAI-compatible chat server, through `ChatOpenAI`."""
    if not settings.openai_base_url or not settings.openai_model:
        raise GeneratorUnavailableError(
            "the openai generator needs a server: set ASSISTANT_OPENAI_BASE_URL (e.g. http://127.0.0.1:8000/v1) "
            "and ASSISTANT_OPENAI_MODEL (and ASSISTANT_OPENAI_API_KEY if the server wants one)"
        )
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise GeneratorUnavailableError(
            "langchain-openai is not installed; run `make install` (or `pip install -r requirements.txt -c constraints.txt`)"
        ) from exc
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
    chat = ChatOpenAI(
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        api_key=key,  # type: ignore[arg-type]
        max_tokens=settings.llm_max_tokens,  # type: ignore[call-arg]
        temperature=settings.llm_temperature,
        timeout=settings.openai_timeout_s,
        max_retries=1,
        streaming=True,
    )
    return ChatGenerator("openai", settings.openai_model, chat)


GENERATORS: dict[str, Callable[[Settings], Generator]] = {
    "llama-cpp": llama_cpp_generator,
    "openai": openai_generator,
}


class GeneratorCancelled(Exception):
    """Raised from a token callback to stop a generation whose reader went away."""


def make_generator(settings: Settings) -> Generator:
    """Build the generator named in the settings."""
    try:
        factory = GENERATORS[settings.generator]
    except KeyError:
        raise UsageError(f"unknown generator {settings.generator!r}; known: {', '.join(sorted(GENERATORS))}") from None
    return factory(settings)


GENERATOR_KEYS = (
    "generator",
    "llm_path",
    "llm_cache_dir",
    "llm_threads",
    "llm_context",
    "llm_batch",
    "openai_base_url",
    "openai_model",
)


def shared_generator(settings: Settings) -> Generator:
    """One generator per configuration per process: the LLM is loaded once."""
    return shared_instance(make_generator, settings, GENERATOR_KEYS)
