from django.urls import path

from sabeel.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("search/", views.search, name="search"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/new/member-row/", views.member_row, name="member_row"),
    # search before create (htmx, POST only: names never in a URL)
    path("households/new/likely/", views.likely, name="likely"),
    path("households/<int:pk>/members/likely/", views.likely, name="member_likely"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/history/", views.household_history, name="household_history"),
    path("households/<int:pk>/print/", views.household_print, name="household_print"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/status/", views.household_status, name="household_status"),
    # deregistration after a return (the close and reopen above are "closed on request" and "reopen")
    path("households/<int:pk>/status/verified-return/", views.household_verified_return, name="household_verified_return"),
    path("households/<int:pk>/status/presumed-return/", views.household_presumed_return, name="household_presumed_return"),
    path("households/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("households/<int:pk>/members/<int:member>/edit/", views.member_edit, name="member_edit"),
    path("households/<int:pk>/members/<int:member>/remove/", views.member_remove, name="member_remove"),
    path("households/<int:pk>/members/<int:member>/move/", views.member_move, name="member_move"),
    path("households/<int:pk>/members/<int:member>/make-head/", views.member_make_head, name="member_make_head"),
    # member protection (docs/eligibility.md)
    path("households/<int:pk>/members/<int:member>/presence/", views.member_presence, name="member_presence"),
    path("households/<int:pk>/members/<int:member>/death-or-error/", views.member_exit, name="member_exit"),
    path("households/<int:pk>/members/<int:member>/birth-date/", views.member_birth_date, name="member_birth_date"),
    path("households/<int:pk>/departures/<int:departure>/confirm/", views.departure_confirm, name="departure_confirm"),
    path("households/<int:pk>/birth-dates/<int:change>/decide/", views.birth_date_decide, name="birth_date_decide"),
]
