import pytest
from sabeel.core import audit
from sabeel.core.actors import system


@pytest.mark.django_db(transaction=True)
def test_probe():
    audit.record(actor=system("t"), action="x.y")
