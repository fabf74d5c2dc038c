"""Every page route and API operation, enumerated from the URL resolver and the OpenAPI schema,
so that the permission-matrix test can demand an expectation for each one."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from ninja import NinjaAPI


@dataclass(frozen=True)
class PageRoute:
    name: str  # "namespace:name", or the pattern when unnamed
    pattern: str


@dataclass(frozen=True)
class ApiOperation:
    method: str  # lower case
    path: str  # as in the OpenAPI schema, e.g. "/api/working-groups/{pk}"


def page_routes() -> list[PageRoute]:
    routes: list[PageRoute] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            else:
                pattern = prefix + str(entry.pattern)
                name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or pattern)
                routes.append(PageRoute(name=name, pattern=pattern))

    walk(get_resolver().url_patterns, "", "")
    return routes


def api_operations(api: NinjaAPI) -> list[ApiOperation]:
    """The operations of ``api`` (the project's is ``sabeel.config.api.api``)."""
    schema = api.get_openapi_schema(path_prefix="/api")
    return [
        ApiOperation(method=method.lower(), path=path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method.lower() in {"get", "post", "put", "patch", "delete"}
    ]
