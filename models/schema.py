"""Every table of the portal, in creation order. Migrations are generated from and checked
against this list (tests/test_migrations.py proves the migrated schema equals the models)."""

from models.accounts import AccountToken, LoginFailure, LoginSession, User
from models.aftercare import Conversation, Referral, ReferralContact
from models.audit import AuditCheckpoint, AuditEntry
from models.cases import Case, CaseAccess, CaseEvent, Draft, Evidence, OnlineEntry
from models.communication import OfficeHolderInformed, Statement
from models.consent import ConsentRecord
from models.damages import DamageItem, DamageReceipt, Instalment, LedgerEntry, MonthlyOverview, Recovery, RecoveryStep
from models.deadlines import Deadline
from models.evaluation import YearlyEvaluation
from models.measures import BanViolation, Measure, MeasureHearing, MeasureObjection
from models.meetings import Disrupter, Meeting, OrderToLeave
from models.notices import InspectorateAssessment, Notice
from models.outbox import OutboxMessage
from models.passkeys import Passkey, PasskeyChallenge
from models.perpetrators import CasePerpetrator, EmployeeIncident, NotSamePerson, OnlineAccount, Perpetrator
from models.police import PoliceFeedback, PoliceReport
from models.prevention import BriefingInvitation, CouncilTerm, GroupMembership, PreventionSession, SessionAttendance
from models.protection import AcuteThreat, ProtectionMeasure
from models.retention import LegalHold, Tombstone
from models.risk import HomeScreening, RiskAnalysis
from models.routing import RoutingRule
from models.settings import Setting, TextSetting
from models.texts import EditableText

MODELS = [
    User,
    LoginSession,
    LoginFailure,
    AccountToken,
    Setting,
    TextSetting,
    AuditEntry,
    OutboxMessage,
    RoutingRule,
    Case,
    CaseAccess,
    CaseEvent,
    OnlineEntry,
    Draft,
    Evidence,
    Perpetrator,
    CasePerpetrator,
    EmployeeIncident,
    OnlineAccount,
    NotSamePerson,
    Measure,
    MeasureHearing,
    MeasureObjection,
    BanViolation,
    PoliceReport,
    PoliceFeedback,
    Notice,
    InspectorateAssessment,
    AcuteThreat,
    ProtectionMeasure,
    ConsentRecord,
    Deadline,
    Conversation,
    Referral,
    ReferralContact,
    EditableText,
    DamageItem,
    DamageReceipt,
    Recovery,
    Instalment,
    RecoveryStep,
    LedgerEntry,
    MonthlyOverview,
    LegalHold,
    Tombstone,
    AuditCheckpoint,
    CouncilTerm,
    PreventionSession,
    SessionAttendance,
    GroupMembership,
    Meeting,
    Disrupter,
    OrderToLeave,
    Statement,
    RiskAnalysis,
    HomeScreening,
    OfficeHolderInformed,
    BriefingInvitation,
    Passkey,
    PasskeyChallenge,
    YearlyEvaluation,
]
