"""Sign-in, second factor, sign-out and API tokens. ``config/urls.py`` adds the home page to this
namespace (``core:home``): it shows working groups, and core imports no app."""

from django.urls import path

from sabeel.core import auth_views

app_name = "core"
urlpatterns = [
    path("sign-in/", auth_views.sign_in, name="sign_in"),
    path("sign-in/code/", auth_views.sign_in_code, name="sign_in_code"),
    path("sign-in/enrol/", auth_views.otp_enrol, name="otp_enrol"),
    path("sign-out/", auth_views.sign_out, name="sign_out"),
    path("account/backup-codes/", auth_views.otp_backup_codes, name="otp_backup_codes"),
    path("account/tokens/", auth_views.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", auth_views.token_revoke, name="token_revoke"),
]
