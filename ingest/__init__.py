"""Turns a case document file into clean text, sections and metadata (the ingest layer).

The public entry point is :func:`ingest.document_builder.ingest_file` (one file -> one
:class:`~ingest.model.Document`); ``ingest.parallel`` runs it in worker processes. Walking folders,
skipping unchanged files and committing to the index is ``kb.batch_ingest``, a layer up.
"""
