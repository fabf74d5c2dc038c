"""Reference geography in the Django admin: read-only (loaded from files, or set through the
pages and the API, which are audited); nothing can be deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sabeel.core.admin import admin_site
from sabeel.geo.models import AdminUnit, AdminUnitName, BorderCrossing, Site


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AdminUnitNameInline(ReadOnlyMixin, admin.TabularInline):
    model = AdminUnitName
    fields = ("name", "lang", "name_type")
    extra = 0


@admin.register(AdminUnit, site=admin_site)
class AdminUnitAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("key", "name_en", "name_ar", "level", "country", "parent", "source")
    list_filter = ("country", "level", "key_kind")
    search_fields = ("key", "name_en", "name_ar", "names__name")
    list_select_related = ("parent",)
    inlines = (AdminUnitNameInline,)


@admin.register(BorderCrossing, site=admin_site)
class BorderCrossingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("key", "name_en", "neighbour_country", "syria_unit", "kind", "daily_capacity")
    list_filter = ("neighbour_country", "kind")
    search_fields = ("key", "name_en", "name_ar", "neighbour_side_name_en")
    list_select_related = ("neighbour_country", "syria_unit")


@admin.register(Site, site=admin_site)
class SiteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name_en", "name_ar", "kind", "admin_unit", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name_en", "name_ar")
    list_select_related = ("admin_unit",)
