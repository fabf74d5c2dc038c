"""Merges: a reversible link from a merged record to the surviving identity."""

__all__: list[str] = []
