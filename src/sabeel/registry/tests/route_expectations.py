"""Permission expectations for the registry routes (merged by core/tests/test_route_matrix.py)."""

PAGES: dict = {}
API: dict = {}
