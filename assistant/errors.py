"""The small exception hierarchy the CLI and UI turn into clear messages."""


class AssistantError(Exception):
    """Base class: a problem the user can fix; the message says how."""

    exit_code = 1


class UsageError(AssistantError):
    """A question, flag or setting that cannot be used as given."""

    exit_code = 2


class IndexMissingError(AssistantError):
    """No usable index where one was expected."""

    exit_code = 3


class IndexStaleError(AssistantError):
    """An index built by another model or schema than the current settings."""

    exit_code = 3


class DocumentError(AssistantError):
    """A document that cannot be read or parsed (reported and skipped at ingest)."""


class DatasetError(AssistantError):
    """A QA or benchmark file that is malformed."""

    exit_code = 2
