from django.urls import path

from sabeel.assistance import views

app_name = "assistance"
urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/<int:pk>/rules/", views.rule_create, name="rule_create"),
    path("programmes/<int:pk>/runs/", views.run_start, name="run_start"),
    path("programmes/<int:pk>/reconciliation/", views.reconciliation, name="reconciliation"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/export/", views.list_export, name="list_export"),
    path("lists/<int:pk>/results/", views.results_import, name="results_import"),
    path("lists/<int:pk>/payments/<int:payment>/reissue/", views.payment_reissue, name="payment_reissue"),
]
