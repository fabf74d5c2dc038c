from django.urls import path

from sabeel.fund import views

app_name = "fund"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("pledges/", views.pledges, name="pledges"),
    path("projects/", views.projects, name="projects"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("ledger/", views.ledger, name="ledger"),
    path("portfolio/", views.portfolio_runs, name="portfolio_runs"),
    path("portfolio/<int:pk>/", views.portfolio_detail, name="portfolio_detail"),
    path("portfolio/<int:pk>/approve/", views.portfolio_approve, name="portfolio_approve"),
    path("export/iati.xml", views.iati, name="iati"),
    path("export/flows.csv", views.flows, name="flows"),
]
