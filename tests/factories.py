"""factory_boy factories for the shared data. Apps add their own beside their tests."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from masterdata.models import Customer, MaterialBatch, Product, Shipment, Supplier

PASSWORD = "pw-for-tests-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(*Group.objects.filter(name__in=[str(r) for r in extracted]))
        self.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    code = factory.Sequence(lambda n: f"S{n:04d}")
    name = factory.Sequence(lambda n: f"测试供应商{n}")
    quality_deposit_balance = Decimal("100000.00")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = "石油套管"
    specification = "139.7mm N80"


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    customer = factory.SubFactory(CustomerFactory)
    product = factory.SubFactory(ProductFactory)
    lot_number = factory.Sequence(lambda n: f"LOT{n:05d}")
    quantity = Decimal("100")
    ship_date = datetime.date(2026, 10, 1)


class MaterialBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaterialBatch

    supplier = factory.SubFactory(SupplierFactory)
    material = "N80 管坯"
    batch_number = factory.Sequence(lambda n: f"B{n:05d}")
    unit_price = Decimal("5000.0000")
    quantity_received = Decimal("100")
    received_date = datetime.date(2026, 9, 1)
