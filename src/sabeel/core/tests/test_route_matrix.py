"""The permission matrix, generated from the URL list and the API schema: no route escapes it.

For every page and API operation the table below says how it is protected. A route that is not in
the table fails the test, so adding a page means saying who may open it. Each scoped route is
tried as: anonymous, a wrong role in the same group, the same role in the other host-country
group, and a permitted persona. Routes that hold no record are listed with their anonymous and
signed-in expectations.

It runs against the project's own ``config/urls.py`` and API, never a test URL list: a route
declared in an app's ``tests/route_expectations.py`` but missing from the project fails here, and
two tests below keep it that way (no test swaps the URLconf; every app's ``urls`` is included).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

import sabeel
from sabeel.config.api import api as project_api
from sabeel.core.routes import api_operations, page_routes
from sabeel.core.testing_routes import Open, Scoped, Skip
from sabeel.workgroups.testing import Cast, sign_in

pytestmark = pytest.mark.django_db


def _group(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": cast.groups[group].pk}


def _lebanon_audit_row(cast: Cast) -> str:
    from sabeel.core import audit
    from sabeel.core.actors import system

    audit.record(actor=system("matrix"), action="matrix.lebanon_marker", working_group_id=cast.groups["lb"].pk)
    return "matrix.lebanon_marker"


def _lebanon_group_name(cast: Cast) -> str:
    return cast.groups["lb"].name


PAGES: dict[str, Open | Scoped | Skip] = {
    "core:home": Open(anonymous=302, signed_in=200),
    "core:sign_in": Open(anonymous=200, signed_in=200),
    "core:sign_out": Open(anonymous=302, signed_in=302, method="post"),
    "core:sign_in_code": Open(anonymous=302, signed_in=302),
    "core:otp_enrol": Open(anonymous=302, signed_in=302),
    "core:otp_backup_codes": Open(anonymous=302, signed_in=200),
    "core:tokens": Open(anonymous=302, signed_in=200),
    "core:token_revoke": Skip("POST on one's own token by id; covered by core/tests/test_tokens.py"),
    "set_language": Open(anonymous=302, signed_in=302, method="post"),
    "api:openapi-json": Open(anonymous=200, signed_in=200),
    "api:openapi-view": Open(anonymous=200, signed_in=200),
    "api:api-root": Skip("the API root only redirects to the documentation"),
    "workgroups:list": Scoped("workgroup.view", "registration_officer", None, marker=_lebanon_group_name),
    "workgroups:detail": Scoped("workgroup.view", "registration_officer", None, kwargs=_group),
    "workgroups:audit": Scoped("audit.view", "auditor", "registration_officer", marker=_lebanon_audit_row),
}
ADMIN_PREFIX = "admin/"  # Django admin: checked below and in core/tests/test_auth*.py

API: dict[tuple[str, str], Open | Scoped | Skip] = {
    ("get", "/api/working-groups/"): Scoped("workgroup.view", "registration_officer", None, marker=_lebanon_group_name),
    ("get", "/api/working-groups/{pk}"): Scoped("workgroup.view", "registration_officer", None, kwargs=_group),
    ("get", "/api/working-groups/{pk}/members"): Scoped("workgroup.view", "registration_officer", None, kwargs=_group),
}


def _collect() -> None:
    """Merge every app's ``tests/route_expectations.py`` into PAGES and API."""
    for module in pkgutil.iter_modules(sabeel.__path__):
        try:
            expectations = importlib.import_module(f"sabeel.{module.name}.tests.route_expectations")
        except ModuleNotFoundError:
            continue
        for name, spec in getattr(expectations, "PAGES", {}).items():
            assert name not in PAGES, f"{name} declared twice"
            PAGES[name] = spec
        for key, spec in getattr(expectations, "API", {}).items():
            assert key not in API, f"{key} declared twice"
            API[key] = spec


_collect()


def _page_cases() -> list[str]:
    return sorted({r.name for r in page_routes() if not r.pattern.startswith(("api/", ADMIN_PREFIX))} | {
        r.name for r in page_routes() if r.name in ("api:openapi-json", "api:openapi-view", "api:api-root")
    })


def test_every_page_route_has_an_expectation():
    missing = [name for name in _page_cases() if name not in PAGES]
    assert not missing, f"routes without a permission expectation: {missing}"
    stale = set(PAGES) - set(_page_cases())
    assert not stale, f"expectations for routes that no longer exist: {stale}"


def test_every_api_operation_has_an_expectation():
    operations = {(o.method, o.path) for o in api_operations(project_api)}
    assert operations - API.keys() == set(), "API operations without a permission expectation"
    assert API.keys() - operations == set(), "expectations for API operations that no longer exist"


def _call(client: Client, method: str, url: str, data: dict[str, Any], *, api: bool) -> Any:
    if method == "get":
        return client.get(url)
    if api:
        return getattr(client, method)(url, data=data, content_type="application/json")
    return getattr(client, method)(url, data=data)


def _check_headers(response: Any, url: str) -> None:
    """What every page and answer must carry (core/tests/test_security.py says why): the policy,
    no-store, and, on a rendered page, nothing inline for the policy to block."""
    from sabeel.core.tests.test_security import INLINE

    assert "script-src 'self'" in response["Content-Security-Policy"], url
    assert "no-store" in response["Cache-Control"], url
    if response["Content-Type"].startswith("text/html") and not response.streaming:
        inline = INLINE.search(response.content.decode())
        assert inline is None, f"{url}: {inline.group(0) if inline else ''}"


def _check(spec: Open | Scoped | Skip, url_for: Callable[[dict[str, Any]], str], cast: Cast, *, api: bool) -> None:
    anonymous_status = 401 if api else 302
    if isinstance(spec, Skip):
        assert spec.reason
        return
    if isinstance(spec, Open):
        url = url_for({})
        assert _call(Client(), spec.method, url, {}, api=api).status_code == spec.anonymous, url
        signed = sign_in(Client(), cast["lb_registration_officer"])
        response = _call(signed, spec.method, url, {}, api=api)
        assert response.status_code == spec.signed_in, url
        _check_headers(response, url)
        return

    lebanon_url = url_for(spec.kwargs(cast, "lb") if spec.kwargs else {})
    marker = spec.marker(cast) if spec.marker else None

    anon = _call(Client(), spec.method, lebanon_url, spec.data, api=api)
    assert anon.status_code == anonymous_status, f"anonymous {lebanon_url}"
    if not api:
        assert reverse("core:sign_in") in anon["Location"]

    permitted = sign_in(Client(), cast[f"lb_{spec.permitted}"])
    response = _call(permitted, spec.method, lebanon_url, spec.data, api=api)
    assert response.status_code == spec.ok, f"permitted {lebanon_url}: {response.status_code}"
    _check_headers(response, lebanon_url)
    if marker:
        assert marker in response.content.decode(), f"permitted persona does not see its own group's row at {lebanon_url}"

    if spec.wrong_role:
        wrong = sign_in(Client(), cast[f"lb_{spec.wrong_role}"])
        assert _call(wrong, spec.method, lebanon_url, spec.data, api=api).status_code == 403, f"wrong role {lebanon_url}"

    outsider = sign_in(Client(), cast["outsider"])
    outsider_status = _call(outsider, spec.method, lebanon_url, spec.data, api=api).status_code
    assert outsider_status in (403, 404), f"outsider {lebanon_url}: {outsider_status}"

    if spec.group_scoped:
        other = sign_in(Client(), cast[f"jo_{spec.permitted}"])
        response = _call(other, spec.method, lebanon_url, spec.data, api=api)
        if spec.kwargs:
            assert response.status_code == 404, f"same role, other group {lebanon_url}: {response.status_code}"
        else:
            assert response.status_code == spec.ok
            assert marker is not None and marker not in response.content.decode(), (
                f"Jordan's {spec.permitted} sees Lebanon's row at {lebanon_url}"
            )


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_permission_matrix(name, cast):
    _check(PAGES[name], lambda kwargs: reverse(name, kwargs=kwargs), cast, api=False)


@pytest.mark.parametrize(("method", "path"), sorted(API))
def test_api_permission_matrix(method, path, cast):
    spec = API[(method, path)]
    if isinstance(spec, Scoped):
        spec = Scoped(**{**spec.__dict__, "method": method})
    _check(spec, lambda kwargs: path.format(**kwargs), cast, api=True)


def test_admin_is_closed_to_everyone_but_verified_superusers(cast):
    assert Client().get("/admin/").status_code == 302
    officer = sign_in(Client(), cast["lb_administrator"])  # a group administrator is not a superuser
    assert officer.get("/admin/").status_code == 302
    superuser = sign_in(Client(), cast["platform_admin"])
    assert superuser.get("/admin/").status_code == 200


# --- no route exists only in tests ---------------------------------------------------------------

REPO = Path(sabeel.__file__).resolve().parents[2]
# The forms a swap takes, assembled from parts so that this guard's own source holds none of them.
_SETTING = "ROOT_" + "URLCONF"
_SWAPS_URLCONF = re.compile(
    "|".join((_SETTING + r"\s*=(?!=)", r"mark\.urls\(", r"override_settings\([^)]*" + _SETTING, r"\burl" + r"conf\s*=(?!=)"))
)


def _test_sources() -> list[Path]:
    roots = [REPO / "src" / "sabeel", REPO / "tests"]
    files = [REPO / "conftest.py"]
    for root in roots:
        files += [p for p in root.rglob("*.py") if "tests" in p.relative_to(REPO).parts or p.name == "conftest.py"]
    return sorted(set(files))


def test_the_suite_runs_against_the_projects_own_urls():
    """Nobody swaps the URL configuration in a test (assigning the setting, the pytest urls marker,
    overriding the setting, or passing another URL list to ``reverse``): a page that is only wired
    in a test list would pass its tests and be missing for the people who need it."""
    this_file = Path(__file__).resolve()
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in _test_sources()
        if path != this_file
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _SWAPS_URLCONF.search(line)
    ]
    assert getattr(settings, _SETTING) == "sabeel.config.urls"
    assert not offenders, f"tests that swap the URLconf: {offenders}"
    assert not [p for p in _test_sources() if p.name == "urls.py"], "a test-only URL list exists"


def test_every_apps_urls_module_is_included_by_the_project():
    included = set()

    def walk(patterns):  # type: ignore[no-untyped-def]
        for entry in patterns:
            if isinstance(entry, URLResolver):
                module = getattr(entry.urlconf_name, "__name__", None)  # None for an inline list
                if module:
                    included.add(module)
                walk(entry.url_patterns)

    walk(get_resolver().url_patterns)
    apps = [m.name for m in pkgutil.iter_modules(sabeel.__path__) if m.name not in ("config", "core", "engines")]
    with_urls = [name for name in apps if importlib.util.find_spec(f"sabeel.{name}.urls") is not None]
    assert with_urls, "no app has a urls module?"
    missing = [name for name in with_urls if f"sabeel.{name}.urls" not in included]
    assert not missing, f"apps whose urls module config/urls.py does not include: {missing}"
    # core's own routes are mounted too (with the home page the composition root adds).
    assert reverse("core:home") == "/" and reverse("core:sign_in") == "/sign-in/"
