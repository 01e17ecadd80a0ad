"""Finding customers, suppliers, products, material batches and shipments by typing
(masterdata.views.autocomplete_*, masterdata.widgets.AutocompleteSelect)."""

import datetime

import pytest
from django import forms
from django.urls import reverse

from accounts.roles import Role
from masterdata.models import Customer, Shipment
from masterdata.selectors import AUTOCOMPLETE_LIMIT, AUTOCOMPLETE_MAX_Q
from masterdata.widgets import CustomerSelect, offer_customer_shipments
from tests.factories import (
    CustomerFactory,
    MaterialBatchFactory,
    ProductFactory,
    ShipmentFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "autocomplete-customers",
    "autocomplete-suppliers",
    "autocomplete-products",
    "autocomplete-material-batches",
    "autocomplete-shipments",
]


def _texts(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return [r["text"] for r in response.json()["results"]]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_only_signed_in_people_with_a_role_may_ask(client, make_user, name):
    url = reverse(name)
    assert client.get(url, {"q": "C"}).status_code == 302  # to the login page
    client.force_login(make_user())  # no role
    assert client.get(url, {"q": "C"}).status_code == 403
    client.force_login(make_user(Role.QC))
    assert client.get(url, {"q": "C"}).status_code == 200
    assert client.post(url, {"q": "C"}).status_code == 405


def test_customers_are_found_by_part_of_the_code_or_name_every_word_matching(client, make_user):
    CustomerFactory(code="C9001", name="大庆油田装备有限公司")
    CustomerFactory(code="C9002", name="胜利油田物资公司")
    CustomerFactory(code="X0007", name="长庆石化")
    client.force_login(make_user(Role.SALES))
    url = reverse("autocomplete-customers")
    assert _texts(client.get(url, {"q": "油田"})) == ["C9001 大庆油田装备有限公司", "C9002 胜利油田物资公司"]
    assert _texts(client.get(url, {"q": "c900"})) == ["C9001 大庆油田装备有限公司", "C9002 胜利油田物资公司"]
    assert _texts(client.get(url, {"q": "  油田   胜利 "})) == ["C9002 胜利油田物资公司"]
    assert _texts(client.get(url, {"q": "0007"})) == ["X0007 长庆石化"]
    assert _texts(client.get(url, {"q": "没有这家"})) == []
    assert len(_texts(client.get(url))) == 3  # nothing typed yet: the first ones by code


def test_answers_are_bounded_however_many_match_and_however_long_the_query(client, make_user):
    Customer.objects.bulk_create(
        Customer(code=f"C{i:05d}", name=f"客户{i}") for i in range(AUTOCOMPLETE_LIMIT + 15)
    )
    client.force_login(make_user(Role.SALES))
    url = reverse("autocomplete-customers")
    texts = _texts(client.get(url, {"q": "客户"}))
    assert len(texts) == AUTOCOMPLETE_LIMIT and texts[0] == "C00000 客户0"
    # A long query is cut, not run: the first AUTOCOMPLETE_MAX_Q characters match as typed.
    assert _texts(client.get(url, {"q": "C00001" + " " * AUTOCOMPLETE_MAX_Q + "nothing-like-this"})) == [
        "C00001 客户1"
    ]
    assert _texts(client.get(url, {"q": "客" * 100_000})) == []


@pytest.mark.parametrize(
    "q", ["%", "_", "\\", "'; DROP TABLE core_customer; --", "<script>alert(1)</script>", "١٢", "²", "🙂"]
)
def test_hostile_or_odd_input_finds_nothing_and_breaks_nothing(client, make_user, q):
    CustomerFactory(code="C0001", name="大庆油田")
    client.force_login(make_user(Role.SALES))
    assert _texts(client.get(reverse("autocomplete-customers"), {"q": q})) == []  # % and _ are literal


def test_a_nul_byte_is_refused_as_everywhere_else(client, make_user):
    client.force_login(make_user(Role.SALES))
    assert client.get(reverse("autocomplete-customers"), {"q": "大\x00庆"}).status_code == 400


def test_names_are_sent_as_data_not_markup(client, make_user):
    CustomerFactory(code="C0666", name='<img src=x onerror="alert(1)">')
    client.force_login(make_user(Role.SALES))
    body = client.get(reverse("autocomplete-customers"), {"q": "C0666"}).content.decode()
    assert body.startswith('{"results"')  # data for Tom Select, which renders text escaped
    assert _texts(client.get(reverse("autocomplete-customers"), {"q": "C0666"})) == [
        'C0666 <img src=x onerror="alert(1)">'
    ]


def test_suppliers_products_and_batches_are_found_like_customers(client, make_user):
    # Every supplier named here: one the factory made up could draw the code S0042 too.
    steel = SupplierFactory(code="S0042", name="宝钢特钢")
    other = SupplierFactory(code="S0043", name="鞍钢")
    ProductFactory(code="P0100", name="油管")
    MaterialBatchFactory(supplier=steel, batch_number="B-2026-77", material="N80 管坯")
    MaterialBatchFactory(supplier=other, batch_number="B-2026-78", material="J55 管坯")
    client.force_login(make_user(Role.FINANCE))
    assert _texts(client.get(reverse("autocomplete-suppliers"), {"q": "宝钢"})) == ["S0042 宝钢特钢"]
    assert _texts(client.get(reverse("autocomplete-products"), {"q": "p01"})) == ["P0100 油管"]
    batches = reverse("autocomplete-material-batches")
    assert _texts(client.get(batches, {"q": "宝钢"})) == ["B-2026-77 N80 管坯 (宝钢特钢)"]
    assert _texts(client.get(batches, {"q": "2026-78"})) == [
        str(b) for b in [steel.batches.model.objects.get(batch_number="B-2026-78")]
    ]


def test_shipments_are_only_the_chosen_customers_newest_first(client, make_user):
    mine = CustomerFactory()
    old = ShipmentFactory(customer=mine, lot_number="LOT-OLD", ship_date=datetime.date(2025, 1, 2))
    new = ShipmentFactory(
        customer=mine, lot_number="LOT-NEW", order_number="SO-77", ship_date=datetime.date(2026, 3, 4)
    )
    ShipmentFactory(lot_number="LOT-THEIRS")  # another customer's
    Shipment.objects.bulk_create(
        Shipment(
            customer=mine,
            product=old.product,
            lot_number=f"BULK{i}",
            quantity=1,
            ship_date=datetime.date(2024, 1, 1),
        )
        for i in range(AUTOCOMPLETE_LIMIT + 5)
    )
    client.force_login(make_user(Role.SERVICE_LEAD))
    url = reverse("autocomplete-shipments")
    rows = client.get(url, {"customer": mine.pk}).json()["results"]
    assert len(rows) == AUTOCOMPLETE_LIMIT and [r["lot"] for r in rows[:2]] == ["LOT-NEW", "LOT-OLD"]
    assert rows[0] == {
        "value": new.pk,
        "text": f"2026-03-04 · {new.product.name} · LOT-NEW",
        "product": new.product_id,
        "lot": "LOT-NEW",
        "date": "2026-03-04",
        "order": "SO-77",
    }
    assert [r["lot"] for r in client.get(url, {"customer": mine.pk, "q": "so-77"}).json()["results"]] == [
        "LOT-NEW"
    ]
    assert client.get(url, {"customer": mine.pk, "q": "THEIRS"}).json()["results"] == []
    assert client.get(url, {"q": "LOT"}).json()["results"] == []  # no customer: none
    assert client.get(url, {"customer": "999999999"}).json()["results"] == []
    for bad in ["abc", "-1", "1" * 40, "١٢"]:
        assert client.get(url, {"customer": bad}).status_code == 400


def test_the_widget_renders_only_the_chosen_option_in_one_query(django_assert_num_queries):
    chosen = CustomerFactory(name='<b>"大庆"</b>')
    others = [CustomerFactory() for _ in range(30)]

    class F(forms.Form):
        customer = forms.ModelChoiceField(Customer.objects.all(), widget=CustomerSelect(attrs={"class": "x"}))

    bound = F({"customer": chosen.pk})
    assert bound.is_valid()  # as the page's view does first; rendering then costs one query
    with django_assert_num_queries(1):
        html = str(bound["customer"])
    assert html.count("<option") == 2  # the empty choice and the chosen customer
    assert f'<option value="{chosen.pk}" selected>' in html and "&lt;b&gt;&quot;大庆&quot;&lt;/b&gt;" in html
    assert not any(o.name in html for o in others)
    assert f'data-autocomplete="{reverse("autocomplete-customers")}"' in html and 'class="x"' in html
    with django_assert_num_queries(0):
        assert str(F()["customer"]).count("<option") == 1
        # A value that is no id (a tampered form) is shown as no choice, without a query.
        assert str(F({"customer": "abc"})["customer"]).count("<option") == 1
    # The field still validates against every customer.
    assert F({"customer": others[-1].pk}).is_valid() and not F({"customer": 10**9}).is_valid()


def test_a_shipment_field_asks_for_the_chosen_customers_shipments_and_labels_the_chosen_one():
    s = ShipmentFactory(ship_date=datetime.date(2026, 10, 8))

    class F(forms.Form):
        customer = forms.ModelChoiceField(Customer.objects.all(), widget=CustomerSelect)
        shipment = forms.ModelChoiceField(Shipment.objects.all(), required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            offer_customer_shipments(self)

    html = str(F({"customer": s.customer_id, "shipment": s.pk})["shipment"])
    assert (
        'data-depends="customer"' in html
        and f'data-autocomplete="{reverse("autocomplete-shipments")}"' in html
    )
    assert f'<option value="{s.pk}" selected>2026-10-08 · {s.product.name} · {s.lot_number}</option>' in html
    assert html.count("<option") == 2


def test_an_optional_box_shows_what_no_choice_means_and_a_required_one_how_to_find():
    class F(forms.Form):
        customer = forms.ModelChoiceField(Customer.objects.all(), widget=CustomerSelect)
        other = forms.ModelChoiceField(
            Customer.objects.all(), widget=CustomerSelect, required=False, empty_label="(all)"
        )

    assert 'data-placeholder="输入编码或名称的一部分查找"' in str(F()["customer"])  # zh-hans by default
    assert 'data-placeholder="(all)"' in str(F()["other"])
