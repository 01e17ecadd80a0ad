"""E-mail backends that fail in the ways a real SMTP server can, for the outbox tests."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class ConnectRefusedBackend(LocmemBackend):
    """The server is down: nothing left the process."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")


class RejectingBackend(LocmemBackend):
    """The server answered 554 to the message: it was not accepted."""

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(554, b"5.7.1 rejected")


class DisconnectMidSendBackend(LocmemBackend):
    """The connection dropped while the message was going out: it may have arrived."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
