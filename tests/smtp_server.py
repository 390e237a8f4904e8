"""A real SMTP server on 127.0.0.1 for the e-mail tests (aiosmtpd), and what it received."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email.message import Message as EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Recorder:
    """aiosmtpd handler: keeps each message it accepts; answers `refuse` instead when set."""

    received: list[EmailMessage] = field(default_factory=list)
    refuse: str = ""

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        if self.refuse:
            return self.refuse
        self.received.append(email.message_from_bytes(envelope.original_content))
        return "250 2.0.0 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server() -> tuple[Controller, Recorder]:
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, recorder


def text_of(message: EmailMessage) -> str:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    return part.get_payload(decode=True).decode().replace("\r\n", "\n")  # CRLF on the wire


def html_of(message: EmailMessage) -> str:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/html"]
    return part.get_payload(decode=True).decode().replace("\r\n", "\n")  # CRLF on the wire


def mail_env(port: int, sender: str = "planner@la.example") -> dict[str, str]:
    """What a `qcluster` worker process needs to send through the test's SMTP server."""
    return {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "DEFAULT_FROM_EMAIL": sender,
    }
