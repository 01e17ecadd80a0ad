"""The default chart of accounts (企业会计准则应用指南 codes) and our sub-account scheme.

Sub-accounts take the parent's four digits plus two (222101 = 2221 + 01). The four VAT
accounts under 2221 are distinct and never merged. This module is pure data: the rules
and the data migration both read it; a company maps codes to its own in the admin.
"""

# code -> name. Sub-account names carry the parent's name, as printed on vouchers.
DEFAULT_CHART: dict[str, str] = {
    "1002": "银行存款",
    "1122": "应收账款",
    "1123": "预付账款",
    "1221": "其他应收款",
    "122101": "其他应收款-质量索赔",
    "122102": "其他应收款-预付账款转入",
    "1231": "坏账准备",
    "1403": "原材料",
    "1405": "库存商品",
    "1471": "存货跌价准备",
    "1602": "累计折旧",
    "2202": "应付账款",
    "220201": "应付账款-暂估应付款",
    "2211": "应付职工薪酬",
    "2221": "应交税费",
    "222101": "应交税费-应交增值税(进项税额)",
    "222102": "应交税费-应交增值税(销项税额)",
    "222103": "应交税费-应交增值税(进项税额转出)",
    "222104": "应交税费-待认证进项税额",
    "222105": "应交税费-待转销项税额",
    "2241": "其他应付款",
    "224101": "其他应付款-质量保证金",
    "224102": "其他应付款-赔付款",
    "5001": "生产成本",
    "5101": "制造费用",
    "510101": "制造费用-停工损失",
    "6001": "主营业务收入",
    "6401": "主营业务成本",
    "6601": "销售费用",
    "660101": "销售费用-售后赔付款",
    "6602": "管理费用",
    "660201": "管理费用-停工损失",
    "660202": "管理费用-诉讼费",
    "6701": "资产减值损失",
    "6702": "信用减值损失",
}


# Accounts kept per counterparty (往来科目): an export's counterparty / 核算项目 columns name the
# supplier on supplier accounts and the customer on customer accounts, nobody on the others.
COUNTERPARTY_ACCOUNTS: dict[str, str] = {
    "1122": "customer",  # 应收账款
    "224102": "customer",  # 其他应付款-赔付款 (owed to the customer)
    "1123": "supplier",  # 预付账款
    "2202": "supplier",  # 应付账款
    "220201": "supplier",  # 应付账款-暂估应付款
    "122101": "supplier",  # 其他应收款-质量索赔 (claimed from the supplier)
    "122102": "supplier",  # 其他应收款-预付账款转入
    "224101": "supplier",  # 其他应付款-质量保证金 (the supplier's deposit)
}


def parent_code(code: str) -> str | None:
    return code[:-2] if len(code) > 4 else None


# VAT rates offered in forms; 13% is the default (general taxpayer, goods).
DEFAULT_VAT_RATES: list[tuple[str, str, bool]] = [
    ("0.13", "13%", True),
    ("0.09", "9%", False),
    ("0.06", "6%", False),
    ("0.05", "5%", False),
    ("0.03", "3%", False),
    ("0.01", "1%", False),
    ("0.00", "0%", False),
]
