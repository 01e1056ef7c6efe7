"""Building the MIME message and handing it to the SMTP server (standard library only)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email import encoders
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr

from pyramid.settings import asbool

from ..clock import LOCAL_TZ, now


@dataclass(frozen=True)
class MailSettings:
    """``mail.*`` settings: host, port, username, password, tls (STARTTLS), ssl (implicit TLS),
    default_sender, timeout (seconds) and cafile (a CA bundle for a server with a private CA)."""

    host: str = "localhost"
    port: int = 25
    username: str | None = None
    password: str | None = None
    tls: bool = False
    ssl: bool = False
    sender: str = "Hệ thống theo dõi nhiệm vụ <nhiemvu@localhost>"
    timeout: float = 30.0
    cafile: str | None = None

    @classmethod
    def from_settings(cls, settings) -> MailSettings:
        use_ssl = asbool(settings.get("mail.ssl", False))
        use_tls = asbool(settings.get("mail.tls", False))
        if use_ssl and use_tls:
            raise ValueError("mail.ssl and mail.tls exclude each other (implicit TLS or STARTTLS)")
        return cls(
            host=settings.get("mail.host") or "localhost",
            port=int(settings.get("mail.port") or (465 if use_ssl else 25)),
            username=settings.get("mail.username") or None,
            password=settings.get("mail.password") or None,
            tls=use_tls,
            ssl=use_ssl,
            sender=settings.get("mail.default_sender") or cls.sender,
            timeout=float(settings.get("mail.timeout") or 30),
            cafile=settings.get("mail.cafile") or None,
        )

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1] or "nhiemvu@localhost"

    @property
    def domain(self) -> str:
        return self.sender_address.rpartition("@")[2] or "localhost"


def build_message(*, mail: MailSettings, to_address: str, to_name: str, subject: str, text: str,
                  html: str | None, message_id: str, attachments=(), headers: dict | None = None) -> Message:
    """A multipart/alternative mail (plain text first, HTML second), in multipart/mixed with any attachments.

    Built with the classic ``email.mime`` API and ``Header`` objects on purpose: the newer
    ``EmailMessage`` folds a long Vietnamese subject into encoded-words with the space between two
    of them outside both, which mail readers drop ("Thương binh vàXã hội"; seen on CPython 3.11).
    """
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(text, "plain", "utf-8"))
    if html:
        body.attach(MIMEText(html, "html", "utf-8"))
    message = body
    if attachments:
        message = MIMEMultipart("mixed")
        message.attach(body)
        for filename, content_type, data in attachments:
            maintype, _, subtype = content_type.partition("/")
            part = MIMEBase(maintype, subtype or "octet-stream")
            part.set_payload(data)
            encoders.encode_base64(part)
            part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", filename))
            message.attach(part)
    sender_name, sender_address = parseaddr(mail.sender)
    message["From"] = formataddr((sender_name, sender_address), "utf-8")
    message["To"] = formataddr((to_name, to_address), "utf-8") if to_name else to_address
    message["Subject"] = Header(subject, "utf-8")
    message["Date"] = format_datetime(now().astimezone(LOCAL_TZ))
    message["Message-ID"] = message_id
    # RFC 3834: tells vacation responders not to answer a machine
    message["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():
        message[name] = value
    return message


class SmtpSender:
    """One SMTP connection, opened on the first message and reopened after a connection error."""

    def __init__(self, mail: MailSettings):
        self.mail = mail
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.mail.cafile)

    def _connect(self) -> smtplib.SMTP:
        mail = self.mail
        if mail.ssl:
            smtp = smtplib.SMTP_SSL(mail.host, mail.port, timeout=mail.timeout, context=self._context())
        else:
            smtp = smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout)
        try:
            smtp.ehlo()
            if mail.tls:
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if mail.username:
                smtp.login(mail.username, mail.password or "")
        except BaseException:
            _quietly_close(smtp)
            raise
        return smtp

    def send(self, message: Message, to_address: str) -> None:
        """Hand ``message`` to the server; raises what smtplib raises. Returns once it is accepted."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message, from_addr=self.mail.sender_address, to_addrs=[to_address])
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
            raise  # the server answered: the connection is still good (smtplib sent RSET)
        except OSError:  # disconnected, timed out, refused (SMTPServerDisconnected is an OSError too)
            self.reset()
            raise

    def reset(self) -> None:
        if self._smtp is not None:
            _quietly_close(self._smtp)
            self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.reset()


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.close()
    except OSError:
        pass


def is_permanent(error: BaseException) -> bool:
    """A refusal no retry will change: every recipient refused with a 5xx code."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _ in error.recipients.values())
    return False
