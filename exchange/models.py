"""Every exchange table, imported together so the metadata (migrations, test fixtures) is complete."""

from .agreements.models import Agreement, AgreementHistory, AgreementParty, AgreementVersion, Approval
from .audit import AuditEvent, AuditHead
from .awards import Award
from .ledger import LedgerEntry
from .notifications import OutboxMessage
from .requests.models import RequestAchievement, RequestHistory, TransferRequest
from .webhooks import Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "Agreement", "AgreementHistory", "AgreementParty", "AgreementVersion", "Approval", "AuditEvent", "AuditHead", "Award",
    "LedgerEntry", "OutboxMessage", "RequestAchievement", "RequestHistory", "TransferRequest", "Webhook",
    "WebhookAttempt", "WebhookDelivery",
]
