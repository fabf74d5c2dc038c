from django.urls import path

from sabeel.workgroups import views

app_name = "workgroups"
urlpatterns = [
    path("", views.working_group_list, name="list"),
    path("<int:pk>/", views.working_group_detail, name="detail"),
    path("audit/", views.audit_trail, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
]
