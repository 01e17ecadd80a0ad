"""Reading Chinese mail as Chinese mailers write it (no server needed)."""

import base64

from mailin.parsing import parse, strip_quoted

from .conftest import word


def test_a_gb2312_subject_with_gbk_only_characters_reads_right():
    raw = f"From: a@b.example\r\nSubject: {word('王镕的投诉')}\r\n\r\nx".encode()
    assert parse(raw).subject == "王镕的投诉"


def test_raw_8bit_subjects_in_gbk_or_utf8_read_right():
    for encoding in ("gbk", "utf-8"):
        raw = b"From: a@b.example\r\nSubject: " + "接箍渗漏".encode(encoding) + b"\r\n\r\nx"
        assert parse(raw).subject == "接箍渗漏"


def test_a_body_without_charset_is_tried_as_utf8_then_gb18030():
    for encoding in ("gbk", "utf-8"):
        raw = b"From: a@b.example\r\nSubject: x\r\n\r\n" + "套管螺纹".encode(encoding)
        assert parse(raw).body == "套管螺纹"


def test_an_unknown_charset_does_not_stop_the_mail():
    raw = b"From: a@b.example\r\nContent-Type: text/plain; charset=x-nonsense\r\n\r\n" + "套管".encode("gbk")
    assert parse(raw).body == "套管"


def test_base64_gb18030_word_in_the_sender_name():
    name = base64.b64encode("王镕".encode("gb18030")).decode()
    raw = f"From: =?GB18030?B?{name}?= <wang@cq-oil.example>\r\n\r\nx".encode()
    mail = parse(raw)
    assert (mail.from_name, mail.from_address) == ("王镕", "wang@cq-oil.example")


def test_a_reply_keeps_only_the_new_text():
    qq = "好的，明天派人。\n\n------------------ 原始邮件 ------------------\n发件人: 客诉通\n主题: 新投诉"
    outlook = "收到\n________________________________\nFrom: 客诉通\nSent: today"
    gmail = "Thanks\n\nOn Wed, 2 Dec 2026 at 09:30, 客诉通 <noreply@x> wrote:\n> old"
    assert strip_quoted(qq) == "好的，明天派人。"
    assert strip_quoted(outlook) == "收到"
    assert strip_quoted(gmail) == "Thanks"


def test_an_unencoded_gbk_file_name_reads_right():
    raw = (
        b'From: a@b.example\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\nsee file\r\n--b\r\n"
        b'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="'
        + "检测报告.pdf".encode("gbk")
        + b'"\r\n\r\n%PDF-1.4\r\n--b--\r\n'
    )
    mail = parse(raw)
    assert [a.name for a in mail.attachments] == ["检测报告.pdf"] and mail.body == "see file"
