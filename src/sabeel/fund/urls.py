from django.urls import path

from sabeel.fund import views

app_name = "fund"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("pledges/", views.pledges, name="pledges"),
    path("pledges/<int:pk>/", views.pledge_detail, name="pledge_detail"),
    path("rates/record/", views.rate_record, name="rate_record"),
    path("donors/record/", views.donor_record, name="donor_record"),
    path("projects/record/", views.project_record, name="project_record"),
    path("projects/", views.projects, name="projects"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/commit/", views.project_commit, name="project_commit"),
    path("projects/<int:pk>/disburse/", views.project_disburse, name="project_disburse"),
    path("projects/<int:pk>/expenditure/", views.project_expenditure, name="project_expenditure"),
    path("ledger/", views.ledger, name="ledger"),
    path("transactions/<int:pk>/reverse/", views.transaction_reverse, name="transaction_reverse"),
    path("portfolio/", views.portfolio_runs, name="portfolio_runs"),
    path("portfolio/<int:pk>/", views.portfolio_detail, name="portfolio_detail"),
    path("portfolio/<int:pk>/approve/", views.portfolio_approve, name="portfolio_approve"),
    path("export/iati.xml", views.iati, name="iati"),
    path("export/flows.csv", views.flows, name="flows"),
]
