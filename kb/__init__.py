"""kb: the search service over Swedish municipal case documents (service layer and CLI)."""

__version__ = "0.1.0"
