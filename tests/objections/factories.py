import datetime

import factory
from django.utils import timezone

from objections.models import Objection, ObjectionType, QuietContact
from tests.factories import CustomerFactory, UserFactory


def objection_type(code: str = "price") -> ObjectionType:
    return ObjectionType.objects.get(code=code)


class ObjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objection

    owner = factory.SubFactory(UserFactory, roles=["sales"])
    customer = factory.SubFactory(CustomerFactory)
    stage = Objection.Stage.NEGOTIATION
    words = "你们的价格比别家贵了百分之十"
    type = factory.LazyFunction(objection_type)
    genuineness = Objection.Genuineness.TRUE
    technique = Objection.Technique.YES_BUT
    response = "是的，价格略高，但我们的套管寿命长一倍"
    outcome = Objection.Outcome.PENDING

    @factory.lazy_attribute
    def outcome_date(self):
        return None if self.outcome == Objection.Outcome.PENDING else timezone.localdate()


def closed(outcome: str, *, technique: str, type_code: str = "price", n: int = 1, **kw) -> list[Objection]:
    return [
        ObjectionFactory(
            outcome=outcome,
            outcome_date=datetime.date(2026, 11, 1),
            technique=technique,
            type=objection_type(type_code),
            **kw,
        )
        for _ in range(n)
    ]


class QuietContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuietContact

    owner = factory.SubFactory(UserFactory, roles=["sales"])
    customer = factory.SubFactory(CustomerFactory)
    stage = Objection.Stage.PRESENTATION
    note = "客户一直点头，什么问题都没有提"
    outcome = QuietContact.Outcome.PENDING

    @factory.lazy_attribute
    def outcome_date(self):
        return None if self.outcome == QuietContact.Outcome.PENDING else timezone.localdate()
