"""The errors digest reports to its users.

Every error a user can cause derives from ``DigestError`` and carries a message that says what
failed, the value, why, and (where useful) a hint. The CLI prints them without a traceback.

    DigestError
     ├── ConfigError          schedule.toml cannot be read or is invalid (lists every problem)
     ├── TemplateError        a Jinja2 or MJML template fails (file, line, offending line)
     ├── SourceError          a feed or page cannot be fetched or parsed (one source; the run goes on)
     ├── SubscriberFileError  a subscriber CSV cannot be read at all
     ├── StoreError           the database cannot be opened or is in an unexpected state
     └── ProviderError        the email provider refused or failed (fatal for the send)
"""

from __future__ import annotations


class DigestError(Exception):
    """Root of all errors that digest reports to the user without a traceback."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\nHint: {self.hint}"
        return self.message


class ConfigError(DigestError):
    """The configuration file is missing, unreadable or invalid; ``problems`` lists each one."""

    def __init__(self, path: str, problems: list[str], hint: str | None = None) -> None:
        self.path = path
        self.problems = problems
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"Config '{path}' is invalid ({count}):\n{lines}", hint)


class TemplateError(DigestError):
    """A template cannot be loaded, rendered or compiled to HTML."""

    def __init__(
        self,
        template: str,
        line: int | None,
        reason: str,
        source_line: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.template = template
        self.line = line
        self.reason = reason
        where = f"Template '{template}'" + (f" line {line}" if line else "")
        message = f"{where}: {reason}"
        if source_line is not None:
            message += f"\n    {source_line.strip()}"
        super().__init__(message, hint)


class SourceError(DigestError):
    """A feed or article page could not be fetched or parsed."""

    def __init__(self, source: str, reason: str, hint: str | None = None) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"Source '{source}': {reason}", hint)


class SubscriberFileError(DigestError):
    """A subscriber file cannot be read at all (single bad rows are reported, not raised)."""


class StoreError(DigestError):
    """The store cannot be opened, or holds something it should not."""


class ProviderError(DigestError):
    """The email provider refused or failed a send in a way that stops the whole send."""

    def __init__(self, provider: str, reason: str, hint: str | None = None) -> None:
        self.provider = provider
        self.reason = reason
        super().__init__(f"Provider '{provider}' {reason}", hint)
