"""Emails through a real (tiny) SMTP server on a local port: the learner gets their decision, the
receiving member's transfer staff get the new request, and sent messages are marked so."""

from __future__ import annotations

import socketserver
import threading
from dataclasses import replace
from email import message_from_bytes

import pytest
from sqlalchemy import select

from exchange import delivery
from exchange.notifications import OutboxMessage
from tests.exchange.web.conftest import person
from tests.exchange.web.test_api import submitted


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP: every message received is kept as (recipients, raw bytes)."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 test ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 test")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 ok")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                self.server.received.append((recipients, data))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_queued_messages_are_emailed_to_the_learner_and_the_members_transfer_staff(app, instance, members,
                                                                                  smtp_server):
    request = submitted(app, instance, members, 0)
    person(app, instance, members.home_registry).post(
        f"/api/v1/transfer-requests/{request['id']}/decision", json={"action": "refuse", "note": "Not covered"},
        headers={"If-Match": str(request["version"])})
    settings = replace(instance.settings, smtp_host="127.0.0.1", smtp_port=smtp_server.server_address[1],
                       smtp_from="exchange@example.org")
    report = delivery.deliver(instance.sessions, settings)
    assert report.emails_queued == 0 and report.emails_sent >= 2
    by_subject = {message_from_bytes(raw)["Subject"]: (to, message_from_bytes(raw)) for to, raw in smtp_server.received}
    to, submitted_mail = by_subject[f"Transfer request {request['id']} for MSC-DS"]
    assert sorted(to) == ["registry@home.example.org", "staff@home.example.org"]
    to, decided = by_subject[f"Your transfer request {request['id']}: refused"]
    assert to == ["learner@example.org"] and "Not covered" in decided.get_payload()
    assert decided["From"] == "exchange@example.org"
    with instance.sessions() as session:
        assert session.scalar(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))) is None
