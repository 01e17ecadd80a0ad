"""Users in production: manage.py createuser and import_users (a plant's staff from CSV)."""

import io
import re
import sys

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.http import HttpRequest

from accounts.models import User

pytestmark = pytest.mark.django_db


def run(*args, stdin: str = "") -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*args, stdout=out, stderr=err)
    finally:
        sys.stdin = old
    return out.getvalue(), err.getvalue()


def roles_of(username: str) -> list[str]:
    return sorted(User.objects.get(username=username).groups.values_list("name", flat=True))


# createuser ------------------------------------------------------------------------------


def test_createuser_with_roles_and_a_password_from_stdin_can_sign_in(client):
    out, _ = run(
        "createuser", "zhaomin", "--role", "qc", "--role", "销售经理", "--email", "zm@example.com",
        "--name", "赵敏", "--password-stdin", stdin="kst-Strong-pass-2026\n",
    )  # fmt: skip
    assert "已创建用户 zhaomin" in out
    user = User.objects.get(username="zhaomin")
    assert user.full_name == "赵敏" and user.email == "zm@example.com" and not user.is_staff
    assert roles_of("zhaomin") == ["qc", "sales_manager"]
    assert client.login(request=HttpRequest(), username="zhaomin", password="kst-Strong-pass-2026")


def test_createuser_superuser_with_a_generated_password_printed_once(client):
    out, _ = run("createuser", "admin", "--superuser", "--email", "it@example.com", "--generate-password")
    password = re.search(r"密码（只显示这一次）：(\S+)", out).group(1)
    user = User.objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    assert client.login(request=HttpRequest(), username="admin", password=password)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "boss"], "kst-Strong-pass-2026", "未知角色：boss"),
        (["--role", "qc"], "123", "密码"),  # Django's validators, in Chinese
        ([], "kst-Strong-pass-2026", "请至少指定一个角色"),
        (["--role", "qc", "--email", "not-an-email"], "kst-Strong-pass-2026", "不是有效的电子邮箱地址"),
    ],
)
def test_createuser_refuses_bad_input_in_chinese_and_creates_nobody(args, stdin, message):
    base = ["createuser", "li.si", "--password-stdin"]
    if "--email" not in args:
        base += ["--email", "ls@example.com"]
    with pytest.raises(CommandError, match=message):
        run(*base, *args, stdin=stdin + "\n")
    assert not User.objects.filter(username="li.si").exists()


def test_createuser_refuses_an_existing_user_name_and_a_missing_terminal(make_user):
    make_user(username="wangxm")
    with pytest.raises(CommandError, match="用户“WangXM”已存在"):
        run(
            "createuser",
            "WangXM",
            "--role",
            "sales",
            "--email",
            "w@example.com",
            "--password-stdin",
            stdin="x" * 12,
        )
    with pytest.raises(CommandError, match="没有终端"):
        run("createuser", "zhangsan", "--role", "sales", "--email", "z@example.com")


# import_users ----------------------------------------------------------------------------

HEADER_ZH = "用户名,姓名,邮箱,角色,启用\n"


def staff_csv(count: int = 300) -> str:
    lines = [HEADER_ZH]
    for i in range(count):
        roles = ["sales", "qc;technical", "生产质检、采购", "Project manager"][i % 4]
        active = "是" if (i + 1) % 50 else "否"
        lines.append(f"emp{i:04d},员工{i},emp{i}@plant.example.com,{roles},{active}\n")
    return "".join(lines)


def write(tmp_path, text: str, encoding: str = "utf-8-sig"):
    path = tmp_path / "staff.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_a_plant_of_300_imports_once_and_a_second_import_changes_nothing(tmp_path):
    path = write(tmp_path, staff_csv(), encoding="gb18030")  # Excel on Chinese Windows
    out, _ = run("import_users", path)
    assert "新建 300 人，更新 0 人，0 人不变" in out
    assert "300 人尚未设置密码" not in out  # six of them are inactive
    assert "294 人尚未设置密码" in out
    assert User.objects.count() == 300
    assert roles_of("emp0002") == ["purchasing", "qc"]
    assert roles_of("emp0003") == ["project_manager"]
    assert not User.objects.get(username="emp0049").is_active
    assert not User.objects.get(username="emp0001").has_usable_password()

    out, _ = run("import_users", path)
    assert "新建 0 人，更新 0 人，300 人不变" in out
    assert User.objects.count() == 300


def test_reimport_updates_people_without_touching_passwords_or_other_roles(tmp_path, make_user):
    person = make_user("sales", username="wangxm", email="old@example.com")
    person.set_password("kept-Password-1")
    person.save()
    path = write(
        tmp_path, "username,name,email,roles,active\nWANGXM,王晓明,new@example.com,sales_manager,yes\n"
    )
    out, _ = run("import_users", path)
    assert "新建 0 人，更新 1 人" in out
    person.refresh_from_db()
    assert person.email == "new@example.com" and person.full_name == "王晓明"
    assert roles_of("wangxm") == ["sales_manager"]
    assert person.check_password("kept-Password-1")


def test_a_file_with_bad_rows_imports_nothing_and_names_every_problem_by_line(tmp_path):
    text = (
        "username,name,email,roles,active\n"
        "good1,甲,good1@example.com,sales,1\n"
        "bad mail,乙,not-an-email,qc,1\n"
        "good1,丙,c@example.com,qc,1\n"
        "d,丁,d@example.com,老板,1\n"
        "e,戊,e@example.com,qc,maybe\n"
    )
    with pytest.raises(CommandError, match=r"未导入任何数据：.* 中有 5 个问题"):
        run("import_users", write(tmp_path, text))
    assert User.objects.count() == 0


def test_bad_rows_are_reported_on_stderr(tmp_path):
    text = "username,name,email,roles,active\nok,甲,ok@example.com,sales,1\nx,乙,bad,boss,1\n"
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_users", write(tmp_path, text), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue()
    assert "第 3 行：“bad”不是有效的电子邮箱地址。" in lines
    assert "第 3 行：未知角色：boss" in lines
    assert User.objects.count() == 0


def test_a_header_without_the_needed_columns_is_refused(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_users", write(tmp_path, "名字,电话\n张三,1\n"), stdout=io.StringIO(), stderr=err)
    assert "第 1 行：表头缺少列 username, email, roles" in err.getvalue()


def test_dry_run_reports_and_saves_nothing(tmp_path):
    out, _ = run("import_users", write(tmp_path, staff_csv(8)), "--dry-run")
    assert "试运行，未保存任何数据：将新建 8 人" in out
    assert User.objects.count() == 0


def test_new_people_set_their_password_through_the_printed_link_and_are_signed_in(tmp_path, client, settings):
    settings.SITE_URL = "https://kst.example.com"
    path = write(
        tmp_path, "username,name,email,roles,active\nliuqiang,刘强,lq@example.com,production_manager,1\n"
    )
    out, _ = run("import_users", path, "--print-links")
    link = re.search(r"liuqiang\t(https://kst\.example\.com(/password/set/\S+))", out).group(2)
    page = client.get(link, follow=True)
    assert page.status_code == 200 and "设置密码" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    weak = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200 and "is-invalid" in weak.content.decode()
    done = client.post(form_url, {"new_password1": "Casing-139.7mm", "new_password2": "Casing-139.7mm"})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 200  # signed in
    assert User.objects.get(username="liuqiang").check_password("Casing-139.7mm")
    # The link works once.
    client.logout()
    assert "此链接已过期或已使用过" in client.get(link, follow=True).content.decode()


def test_send_invites_mails_each_new_person_their_link_in_chinese(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://kst.example.com"
    path = write(tmp_path, staff_csv(3))
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        out, _ = run("import_users", path, "--send-invites")
    assert "已排队发送邀请邮件：3 封" in out
    assert sorted(m.to[0] for m in mail.outbox) == [f"emp{i}@plant.example.com" for i in range(3)]
    body = mail.outbox[0].body
    assert "已为您开通客诉通账号" in body and "https://kst.example.com/password/set/" in body
    assert mail.outbox[0].subject == "您的客诉通账号"
    # Running it again invites the same people again (they still have no password), not others.
    out, _ = run("import_users", path, "--send-invites")
    assert "已排队发送邀请邮件：3 封" in out
