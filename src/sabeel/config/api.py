"""The REST API, assembled: one NinjaAPI (core's authentication and error envelope) with every
app's router mounted. This is the composition root's job, so that core imports no app."""

from __future__ import annotations

from sabeel.assistance.api import router as assistance_router
from sabeel.conditions.api import router as conditions_router
from sabeel.consent.api import router as consent_router
from sabeel.consent.intention_api import router as intention_router
from sabeel.core.api import api_create
from sabeel.fund.api import router as fund_router
from sabeel.geo.api import router as geo_router
from sabeel.identity.api import router as identity_router
from sabeel.identity.merge_api import router as identity_merge_router
from sabeel.monitoring.api import router as monitoring_router
from sabeel.movements.api import router as movements_router
from sabeel.registry.api import router as registry_router
from sabeel.reports.api import router as reports_router
from sabeel.sharing.api import router as sharing_router
from sabeel.workgroups.api import router as workgroups_router

api = api_create(
    title="Sabeel API",
    version="1",
    description="Scoped exactly like the pages: a record of another working group answers 404.",
)
api.add_router("/working-groups", workgroups_router)
api.add_router("/geo", geo_router)
api.add_router("/registry", registry_router)
api.add_router("/conditions", conditions_router)
api.add_router("/consent", consent_router)
api.add_router("/consent", intention_router)
api.add_router("/reports", reports_router)
api.add_router("/identity", identity_router)
api.add_router("/identity", identity_merge_router)
api.add_router("/fund", fund_router)
api.add_router("/movements", movements_router)
api.add_router("/assistance", assistance_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/sharing", sharing_router)  # partner tokens (sbp_) only, and only here
