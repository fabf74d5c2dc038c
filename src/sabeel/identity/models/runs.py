"""Batch duplicate runs, their candidate pairs and the review decisions."""

__all__: list[str] = []
