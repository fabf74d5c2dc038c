from django.urls import path

from sabeel.movements import views

app_name = "movements"
urlpatterns = [
    path("", views.index, name="index"),
    path("find/", views.find, name="find"),
    path("setup/", views.setup, name="setup"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/cancel/", views.plan_cancel, name="plan_cancel"),
    path("vehicles/<int:pk>/", views.manifest, name="manifest"),
    path("vehicles/<int:pk>/print/<str:language>/", views.manifest_print, name="manifest_print"),
    path("vehicles/<int:pk>/excel/<str:language>/", views.manifest_excel, name="manifest_excel"),
    path("vehicles/<int:pk>/pdf/<str:language>/", views.manifest_pdf, name="manifest_pdf"),
    path("vehicles/<int:pk>/share/", views.manifest_share, name="manifest_share"),
    path("points/<int:pk>/check-in/", views.check_in_list, name="check_in_list"),
    path("placements/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("placements/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("households/<int:pk>/request/", views.movement_request, name="request"),
    path("households/<int:pk>/flags/", views.movement_flags, name="flags"),
    path("households/<int:pk>/self-organised-return/", views.self_return, name="self_return"),
]
