import pytest

from accounts.roles import Role


@pytest.fixture
def people(make_user):
    """A Chinese-speaking sales rep, an English-speaking manager, and a bystander."""
    return {
        "zh": make_user(Role.SALES, language="zh-hans", full_name="张三"),
        "en": make_user(Role.SALES_MANAGER, language="en", full_name="Li Si"),
        "other": make_user(Role.QC),
    }
