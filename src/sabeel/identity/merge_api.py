"""API for merges and unmerges (mounted by ``config/api.py``)."""

from ninja import Router

router = Router(tags=["identity"])
