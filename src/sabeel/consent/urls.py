from django.urls import path

from sabeel.consent import intention_urls, pull_urls, views

app_name = "consent"
urlpatterns = [
    path("households/<int:pk>/", views.timeline, name="timeline"),
    path("households/<int:pk>/eligibility/", views.eligibility, name="eligibility"),
    path("households/<int:pk>/counselling/new/", views.counselling_record, name="counselling_record"),
    path("households/<int:pk>/go-and-see/new/", views.go_and_see_record, name="go_and_see_record"),
    path("households/<int:pk>/go-and-see/<int:visit>/outcome/", views.go_and_see_outcome, name="go_and_see_outcome"),
    path("households/<int:pk>/consents/new/", views.consent_record, name="consent_record"),
    path("households/<int:pk>/consents/<int:consent>/print/", views.consent_print, name="consent_print"),
    path("households/<int:pk>/reconfirmations/new/", views.reconfirmation_record, name="reconfirmation_record"),
    path("households/<int:pk>/withdrawals/new/", views.withdrawal_record, name="withdrawal_record"),
    path("households/<int:pk>/sharing/new/", views.sharing_consent_record, name="sharing_consent_record"),
    path("households/<int:pk>/sharing/<int:sharing>/withdraw/", views.sharing_consent_withdraw, name="sharing_consent_withdraw"),
    path("households/<int:pk>/best-interests/new/", views.best_interests_record, name="best_interests_record"),
    path(
        "households/<int:pk>/best-interests/<int:procedure>/complete/",
        views.best_interests_complete,
        name="best_interests_complete",
    ),
    path("households/<int:pk>/splits/new/", views.split_record, name="split_record"),
    path("households/<int:pk>/sign-offs/new/", views.sign_off_record, name="sign_off_record"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/close/", views.follow_up_close, name="follow_up_close"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    # The conditions engineer's intention pages (consent/intention_views.py).
    *intention_urls.urlpatterns,
    *pull_urls.urlpatterns,  # the survey pull (consent/pull_views.py)
]
