from __future__ import annotations


def wired(namespace: str) -> bool:
    """True once ``config/urls.py`` includes the app of that URL namespace."""
    from sabeel.config.urls import urlpatterns

    return any(getattr(pattern, "namespace", None) == namespace for pattern in urlpatterns)


def portal_is_wired() -> bool:
    return wired("portal")
