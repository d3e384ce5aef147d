"""Every table of the portal, in creation order. Migrations are generated from and checked
against this list (tests/test_migrations.py proves the migrated schema equals the models)."""
from models.accounts import AccountToken, LoginFailure, LoginSession, User
from models.audit import AuditEntry
from models.cases import Case, CaseAccess, CaseEvent, Draft, Evidence, OnlineEntry
from models.outbox import OutboxMessage
from models.routing import RoutingRule
from models.settings import Setting

MODELS = [User, LoginSession, LoginFailure, AccountToken, Setting, AuditEntry, OutboxMessage,
          RoutingRule, Case, CaseAccess, CaseEvent, OnlineEntry, Draft, Evidence]
