from django.urls import path

from sabeel.sharing import views

app_name = "sharing"

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/revoke/", views.agreement_revoke, name="agreement_revoke"),
    path("agreements/<int:pk>/tokens/", views.token_create, name="token_create"),
    path("agreements/<int:pk>/tokens/<int:token>/revoke/", views.token_revoke, name="token_revoke"),
    path("log/", views.share_log, name="share_log"),
    path("log/export.csv", views.share_log_export, name="share_log_export"),
    path("exports/households/", views.household_export, name="household_export"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
