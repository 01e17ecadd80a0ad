"""Two requests with the same form token at the same moment (a double click on a slow line)."""

import threading
import uuid

import pytest
from django.db import connection

from accounts.roles import Role
from objections.models import Objection
from objections.services import objection_log
from tests.factories import CustomerFactory
from tests.objections.factories import objection_type


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submits_with_one_token_save_one_objection(make_user):
    me, customer, price = make_user(Role.SALES), CustomerFactory(), objection_type("price")
    token = uuid.uuid4()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def submit():
        try:
            barrier.wait()
            results.append(
                objection_log(
                    by=me,
                    customer=customer,
                    stage="negotiation",
                    words="太贵",
                    type=price,
                    genuineness="true",
                    technique="yes_but",
                    submit_token=token,
                )
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Objection.objects.count() == 1
    assert sum(created for _, created in results) == 1
    assert {o.pk for o, _ in results} == {Objection.objects.get().pk}
