from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from masterdata.models import Customer, MaterialBatch
from tests.factories import CustomerFactory, MaterialBatchFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def test_duplicate_customer_code_is_refused_naming_the_field():
    CustomerFactory(code="C-001")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        Customer(code="C-001", name="另一家").full_clean()
    assert err.value.message_dict["code"] == ["该编码已被使用。"]


def test_code_with_spaces_is_refused_in_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        Customer(code="C 001", name="某公司").full_clean()
    assert "只能使用字母" in err.value.message_dict["code"][0]


def test_batch_number_is_unique_per_supplier_only():
    batch = MaterialBatchFactory(batch_number="B-1")
    other_supplier = SupplierFactory()
    same_number = MaterialBatch(
        supplier=other_supplier,
        material="管坯",
        batch_number="B-1",
        unit_price=Decimal("1"),
        quantity_received=Decimal("1"),
        received_date=batch.received_date,
    )
    same_number.full_clean()  # another supplier may reuse the number
    same_number.supplier = batch.supplier
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        same_number.full_clean()
    assert "该供应商已有此批次号" in str(err.value)


def test_negative_price_is_refused():
    batch = MaterialBatchFactory.build(supplier=SupplierFactory(), unit_price=Decimal("-1"))
    with pytest.raises(ValidationError) as err:
        batch.full_clean()
    assert "unit_price" in err.value.message_dict


def test_master_data_changes_are_kept_in_history():
    customer = CustomerFactory(name="旧名")
    customer.name = "新名"
    customer.save()
    assert [h.name for h in customer.history.order_by("history_id")] == ["旧名", "新名"]


def test_admin_add_form_shows_chinese_field_error(admin_client):
    CustomerFactory(code="DUP")
    response = admin_client.post(
        "/admin/core/customer/add/",
        {
            "code": "DUP",
            "name": "重复",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "sites-TOTAL_FORMS": "0",
            "sites-INITIAL_FORMS": "0",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "该编码已被使用。" in response.content.decode()
    assert Customer.objects.filter(code="DUP").count() == 1
