"""Statement Assistant: cited answers from the statements of the UN Secretary-General."""

__version__ = "0.1.0"
