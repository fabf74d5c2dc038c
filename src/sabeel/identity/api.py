"""API for duplicate runs and the review queue (mounted by ``config/api.py``)."""

from ninja import Router

router = Router(tags=["identity"])
