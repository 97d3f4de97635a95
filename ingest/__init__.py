"""Turns a case document file into clean text, sections and metadata (the ingest layer).

The public entry point is :func:`ingest.pipeline.ingest_file`.
"""
