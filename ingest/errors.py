"""Errors the ingest layer raises for one file; a batch reports them and goes on."""


class IngestError(Exception):
    """A file could not be ingested. The message names the reason in plain words."""

    def __init__(self, reason: str, path: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason
