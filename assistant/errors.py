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


class IndexDamagedError(AssistantError):
    """An index whose pointer, manifest or files are damaged or incomplete; the message names the rebuild command."""

    exit_code = 3

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message  # what is damaged, without the advice (ingest reports it as it rebuilds)


class IndexBusyError(AssistantError):
    """Another process is writing the index (ingest, add, remove); run again once it has finished."""

    exit_code = 75  # EX_TEMPFAIL (sysexits.h): a temporary failure, worth retrying


class DocumentError(AssistantError):
    """A document that cannot be read or parsed (reported and skipped at ingest)."""


class DatasetError(AssistantError):
    """A QA or benchmark file that is malformed."""

    exit_code = 2
