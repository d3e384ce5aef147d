"""The yearly anonymised report (§4.1): the figures for any year or period of whole months, as plain
data for the HTML page, the PDF and the CSV alike.

Anonymised for real: the report holds counts and amounts only — no names, no free text, no case
references, no date finer than a month — and small counts are suppressed by `suppress_small_cells`,
including cells that could be recovered from totals by subtraction.

What counts where:
- An incident is a case of kind *report* (a consultation is not an incident; a consultation that
  was converted counts as a report). It belongs to the month, in the municipality's time zone, in
  which it was registered (`created_at`): that date is always known and never edited.
- Measures, police reports, aftercare and first/repeated are about the incidents of the period,
  whenever they happened. Damages are money booked in the period (the ledger's `booked_on`, as
  `models.damages.balances`); "outstanding" is what is still to be recovered at the end of it.
- Prevention and what happened in public (§4, §5, §7) belong to no case: briefings and trainings
  count by the day they were held, council terms by their first day, risk analyses and home
  screenings by when they were asked, disrupted meetings by when they were held (their orders to
  leave and trespass with them), statements to the press by the day they were made.
- The report reads only structured facts (kind, created_at, reporter_role, reporter_is_former,
  behaviour_class, target, channel; measure type/state; police report status; aftercare outcome,
  due and held times; perpetrator links; ledger entries; the dates, kinds and attendance of
  sessions; the times of meetings, orders and trespass; the dates of statements), never encrypted
  content: no statement text, no name of a disrupter, no security measure beyond a count.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import peewee

from models import clock, communication, damages, meetings, perpetrators, prevention, risk, settings
from models.accounts import Role, User
from models.aftercare import Conversation, Outcome, held_late
from models.cases import ONLINE_CHANNELS, Case, CaseKind, Channel, Target
from models.damages import LedgerEntry
from models.i18n import N_
from models.measures import MEASURE_LABELS, Measure, MeasureState, MeasureType
from models.police import INVESTIGATION_LABELS, InvestigationStatus, PoliceReport
from models.scheme import CLASS_LABELS, SEVERITY

# Who may produce the report: one on/off setting per role (models.settings).
PRODUCER_SETTINGS = {
    Role.MAYOR: "annual_report_mayor",
    Role.MUNICIPAL_SECRETARY: "annual_report_municipal_secretary",
    Role.CLERK: "annual_report_clerk",
    Role.DEPUTY_CLERK: "annual_report_deputy_clerk",
    Role.SECURITY_OFFICER: "annual_report_security_officer",
}


def may_produce(user: User) -> bool:
    setting = PRODUCER_SETTINGS.get(Role(user.role))
    return bool(user.is_active and setting and settings.get(setting))


# --- periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole months: from the first of `first` up to and including the month of `last`."""

    first: dt.date
    last: dt.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 1))

    @classmethod
    def months_between(cls, first: str, last: str) -> Period:
        """From "2026-01" to "2026-06" (inclusive). Raises ValueError when it is not a period."""
        start = dt.datetime.strptime(first, "%Y-%m").date()
        end = dt.datetime.strptime(last, "%Y-%m").date()
        if end < start or len(_months(start, end)) > 120:
            raise ValueError("period")
        return cls(start, end)

    @property
    def months(self) -> list[dt.date]:
        return _months(self.first, self.last)

    @property
    def is_calendar_year(self) -> bool:
        return self.first.month == 1 and self.last == dt.date(self.first.year, 12, 1)

    @property
    def code(self) -> str:
        """Stable text for files and the CSV: "2026-01/2026-12"."""
        return f"{self.first:%Y-%m}/{self.last:%Y-%m}"

    def previous(self) -> Period:
        """The period of the same length just before (for a calendar year: the year before)."""
        length = len(self.months)
        return Period(clock.add_months(self.first, -length), clock.add_months(self.first, -1))

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(self.first, dt.time())
        end = dt.datetime.combine(clock.add_months(self.last, 1), dt.time())
        return clock.to_utc(start), clock.to_utc(end)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = clock.add_months(month, 1)
    return months


def local_month(moment: dt.datetime) -> dt.date:
    local = clock.to_local(moment)
    return dt.date(local.year, local.month, 1)


def quarter_code(month: dt.date) -> str:
    return f"{month.year}-Q{(month.month - 1) // 3 + 1}"


# --- small-cell suppression -------------------------------------------------------------------

SMALL = "small"  # 1 .. threshold-1: shown as "< 5"
COMPLEMENT = "complement"  # not shown, any number (also 0 or small): shown as "×"


@dataclass(frozen=True)
class Figure:
    """One published number: `value` is None when it is not shown (then `suppressed` says why)."""

    value: int | None
    suppressed: str | None = None


def suppress_small_cells(counts: dict, groups: list[tuple], threshold: int) -> dict:
    """Which counts may be published. `counts` maps a cell to its count; `groups` lists the sums a
    reader can check: (total_cell, [part_cells]) with total = sum of the parts.

    The rule:
    1. A count from 1 up to threshold-1 is a small cell: it is shown as "< threshold".
       Zero is shown as 0: "nothing of this kind" points to nobody, and hiding every zero would
       leave a report that says very little in a small municipality.
    2. No small count may be worked out exactly from what is shown. A reader knows that "< 5" lies
       in 1..4, that "×" can be any number, and every shown figure and sum; by subtraction
       (total minus the other parts, repeated over all sums until nothing changes, so months,
       quarters and the year are reasoned about together) they narrow every hidden cell down.
       While that pins a small count to one value, one more cell is hidden ("×", a complementary
       suppression) in a sum that contains it: the cell whose hiding leaves the fewest small counts
       pinned, preferring a part of the sum over its total over turning a "< 5" into "×", and the
       smallest number among those.
    Returns a Figure per cell. (Reports for overlapping periods can still be subtracted from each
    other; the audit trail records every period produced.)
    """
    hidden = {cell: SMALL for cell, value in counts.items() if 0 < value < threshold}
    while True:
        exposed = _exposed(counts, groups, hidden, threshold)
        if not exposed or not _hide_complement(exposed[0], counts, groups, hidden, threshold):
            break
    return {cell: Figure(None, hidden[cell]) if cell in hidden else Figure(value) for cell, value in counts.items()}


def _exposed(counts, groups, hidden, threshold) -> list:
    """Small counts a reader can work out exactly."""
    low, high = _bounds(counts, groups, hidden, threshold)
    return [cell for cell, value in counts.items() if 0 < value < threshold and low[cell] == high[cell]]


def _bounds(counts, groups, hidden, threshold):
    """What a reader can know of every cell: the narrowest [low, high] from what is shown, by
    tightening every sum until nothing changes (a sum is looked at again when one of its cells moved)."""
    low, high = {}, {}
    for cell, value in counts.items():
        kind = hidden.get(cell)
        low[cell], high[cell] = (
            (1, threshold - 1) if kind == SMALL else (0, math.inf) if kind == COMPLEMENT else (value, value)
        )
    touching: dict = {}
    for index, (total, parts) in enumerate(groups):
        for cell in (total, *parts):
            touching.setdefault(cell, []).append(index)
    pending = list(range(len(groups)))
    queued = set(pending)
    while pending:
        index = pending.pop()
        queued.discard(index)
        for cell in _tighten(*groups[index], low, high):
            for other in touching[cell]:
                if other not in queued:
                    queued.add(other)
                    pending.append(other)
    return low, high


def _tighten(total, parts, low, high) -> set:
    """One sum: total = parts. Narrow each cell from the others; return the cells that moved."""
    moved = set()
    low_sum = sum(low[p] for p in parts)
    open_ended = sum(1 for p in parts if high[p] == math.inf)
    high_sum = sum(high[p] for p in parts if high[p] != math.inf)
    new = (max(low[total], low_sum), min(high[total], math.inf if open_ended else high_sum))
    if new != (low[total], high[total]):
        low[total], high[total] = new
        moved.add(total)
    for part in parts:
        part_open = high[part] == math.inf
        others_low = low_sum - low[part]
        others_high = math.inf if open_ended - part_open else high_sum - (0 if part_open else high[part])
        new = (max(low[part], low[total] - others_high), min(high[part], high[total] - others_low))
        if new != (low[part], high[part]):
            low_sum += new[0] - low[part]
            if part_open and new[1] != math.inf:
                open_ended -= 1
                high_sum += new[1]
            elif not part_open:
                high_sum += new[1] - high[part]
            low[part], high[part] = new
            moved.add(part)
    return moved


def _options(cells, counts, groups, hidden) -> dict:
    """Cells in a sum with one of these that could be hidden, with a rank (lower is hidden sooner):
    a shown non-zero part (0), a shown zero (1), a shown total (2), a "< 5" that becomes "×" (3)."""
    options = {}
    for total, parts in groups:
        if not any(cell == total or cell in parts for cell in cells):
            continue
        for option, is_total in [(p, False) for p in parts] + [(total, True)]:
            kind = hidden.get(option)
            if kind is None:
                options.setdefault(option, 2 if is_total else 1 if counts[option] == 0 else 0)
            elif kind == SMALL:
                options.setdefault(option, 3)
    return options


def _hide_complement(cell, counts, groups, hidden, threshold) -> bool:
    """Hide one cell, or two, in a sum with an exposed small count; False when nothing is left to
    hide. Two when the other part can itself be worked out from its own sum (a subtotal): then a
    cell of that sum goes with it."""
    options = _options([cell], counts, groups, hidden)
    if not options:
        return False

    def cost(chosen):
        trial = {**hidden, **{option: COMPLEMENT for option in chosen}}
        low, high = _bounds(counts, groups, trial, threshold)
        still = low[cell] == high[cell]
        ranks = sum(options.get(option, 1) for option in chosen)
        return still, ranks, len(chosen), sum(counts[option] for option in chosen)

    best = min(((option,) for option in options), key=cost)
    if cost(best)[:2] >= (False, 2):  # no shown part alone will do: try a part with a cell of its own sum
        pairs = []
        for first in options:
            if options[first] < 2:
                further = _options([first], counts, groups, {**hidden, first: COMPLEMENT})
                pairs += [(first, other) for other in further if other != cell and further[other] < 2]
        best = min([best, *pairs], key=cost)
    for option in best:
        hidden[option] = COMPLEMENT
    return True


# --- the report's structure ---------------------------------------------------------------------

REPORTER_GROUPS = {
    "council_and_groups": N_("Raadsleden, fractievolgers en fractiemedewerkers"),
    "college": N_("Wethouders (college)"),
    "mayor": N_("Burgemeester"),
    "former": N_("Oud-ambtsdragers"),
}
TARGET_REPORT_LABELS = {
    Target.SELF.value: N_("Op de ambtsdrager zelf"),
    Target.ENVIRONMENT.value: N_("Op de omgeving: familie, vrienden, huisdieren of spullen"),
    Target.BOTH.value: N_("Op de ambtsdrager en de omgeving"),
    "unknown": N_("Niet ingevuld"),
}
CHANNEL_REPORT_LABELS = {
    Channel.FACE_TO_FACE.value: N_("Persoonlijk, van aangezicht tot aangezicht"),
    Channel.PHONE.value: N_("Telefoon"),
    Channel.LETTER.value: N_("Brief of briefje"),
    Channel.EMAIL.value: N_("E-mail"),
    Channel.SOCIAL_MEDIA.value: N_("Sociale media, app of ander online kanaal"),
    Channel.MEETING.value: N_("Tijdens een vergadering of bijeenkomst"),
    Channel.AT_HOME.value: N_("Bij de ambtsdrager thuis"),
    Channel.OTHER.value: N_("Anders"),
}
ONLINE_LABELS = {"online": N_("Online"), "offline": N_("Niet online"), "unknown": N_("Niet ingevuld")}
CLASS_REPORT_LABELS = {c.value: CLASS_LABELS[c] for c in SEVERITY} | {"unknown": N_("Niet ingedeeld")}
REPEAT_LABELS = {
    "first": N_("Eerste incident van deze veroorzaker"),
    "repeated": N_("Herhaald: de veroorzaker was al eerder bekend"),
    "unknown": N_("Veroorzaker niet in het register"),
}
POLICE_LABELS = {"filed": N_("Aangifte gedaan"), "not_filed": N_("Geen aangifte")}
AFTERCARE_LABELS = {
    "offered": N_("Nazorg aangeboden"),
    "held": N_("Minstens één nazorggesprek gevoerd"),
    "held_on_time": N_("Alle gesprekken op tijd gevoerd"),
    "held_late": N_("Minstens één gesprek te laat gevoerd"),
    "declined": N_("Nazorg afgeslagen door de ambtsdrager"),
    "open": N_("Nog geen gesprek gevoerd"),
}
DAMAGES_LABELS = {
    "incidents": N_("Meldingen met schade in deze periode"),
    "reimbursed": N_("Vergoed aan ambtsdragers"),
    "recovered": N_("Verhaald op veroorzakers"),
    "written_off": N_("Afgeschreven"),
    "outstanding": N_("Nog te verhalen aan het eind van de periode"),
}
RISK_ANALYSIS_LABELS = {
    "asked": N_("Aangevraagd"),
    # The form's "met de maatregelen hierboven" points into the form: the report says it on its own.
    **{
        d.value: {risk.RiskDecision.GO_WITH_MEASURES: N_("Gaat door, met maatregelen")}.get(d, label)
        for d, label in risk.DECISION_LABELS.items()
    },
    "undecided": N_("Nog geen besluit"),
}
HOME_SCREENING_LABELS = {
    "asked": N_("Aangevraagd"),
    "visited": N_("Huis bezocht"),
    "not_visited": N_("Nog niet bezocht"),
}
BRIEFING_LABELS = {
    "planned": N_("Voorlichting gepland: een nieuwe raadsperiode begon"),
    "held": N_("Voorlichtingen gehouden"),
    "invited": N_("Uitgenodigd: de ambtsdragers in functie"),
    "attended": N_("Waren erbij"),
    "absent": N_("Waren er niet bij"),
}
TRAINING_LABELS = {
    "held": N_("Trainingen gehouden"),
    **{kind.value: prevention.SESSION_LABELS[kind] for kind in prevention.TRAINING_KINDS},
    "participants": N_("Deelnemers"),
}
MEETING_REPORT_LABELS = {
    "disrupted": N_("Verstoorde vergaderingen"),
    "disrupters": N_("Verstoorders"),
    "trespass": N_("Bleven na de derde opdracht: lokaalvredebreuk"),
    "no_trespass": N_("Geen lokaalvredebreuk"),
    "orders": N_("Opdrachten om te vertrekken"),
    "livestream_stopped": N_("Vergaderingen waarin de livestream is gestopt"),
    "police_called": N_("Vergaderingen waarin de politie is gebeld"),
}
STATEMENT_LABELS = {
    "statements": N_("Verklaringen en contacten met de pers"),
    "incidents": N_("Incidenten waarover iets is gezegd"),
}
TAKEN_STATES = (MeasureState.DECIDED.value, MeasureState.CARRIED_OUT.value, MeasureState.ENDED.value)


@dataclass(frozen=True)
class SectionSpec:
    code: str
    title: str
    explanation: str
    chart: str = "bar"  # "bar" or "line"
    unit: str = "count"  # "count" or "cents"


SECTIONS = [
    SectionSpec(
        "total",
        N_("Aantal incidenten"),
        N_("Alle meldingen van incidenten in deze periode. Vragen om overleg tellen niet mee."),
    ),
    SectionSpec(
        "by_month", N_("Incidenten per maand"), N_("De maand waarin de melding is binnengekomen."), chart="line"
    ),
    SectionSpec("by_quarter", N_("Incidenten per kwartaal"), N_("De maanden van de periode, per kwartaal opgeteld.")),
    SectionSpec(
        "by_class",
        N_("Soort gedrag"),
        N_("Ingedeeld volgens het schema van het protocol: het ernstigste gedrag in de melding telt."),
    ),
    SectionSpec("online", N_("Online of niet online"), N_("Online: via e-mail, sociale media of een app.")),
    SectionSpec("by_channel", N_("Hoe het gebeurde"), N_("Het kanaal of de plek van het incident.")),
    SectionSpec(
        "by_reporter_group", N_("Wie het overkwam"), N_("De groep van de ambtsdrager op het moment van melden.")
    ),
    SectionSpec(
        "by_target",
        N_("Gericht op de persoon of op de omgeving"),
        N_("Gedrag tegen familie, vrienden, huisdieren of spullen telt net zo zwaar."),
    ),
    SectionSpec(
        "repeat",
        N_("Eerste keer of herhaling"),
        N_("Was de veroorzaker al eerder bekend, bij ambtsdragers of bij medewerkers van de gemeente?"),
    ),
    SectionSpec(
        "measures",
        N_("Maatregelen tegen veroorzakers"),
        N_(
            "Maatregelen waartoe is besloten, bij de incidenten van deze periode. Eén incident kan meer maatregelen hebben."
        ),
    ),
    SectionSpec(
        "police",
        N_("Aangifte"),
        N_("Incidenten waarvoor de gemeente aangifte deed, met toestemming van de ambtsdrager."),
    ),
    SectionSpec("police_status", N_("Stand van de aangiftes"), N_("Hoe ver de aangiftes bij deze incidenten nu zijn.")),
    SectionSpec(
        "aftercare",
        N_("Opvang en nazorg"),
        N_("Per incident: of de gesprekken zijn gevoerd, afgeslagen of nog open staan, en of ze op tijd waren."),
    ),
    SectionSpec(
        "damages",
        N_("Schade"),
        N_(
            "Bedragen in euro die in deze periode zijn geboekt. De gemeente vergoedt eerst en verhaalt daarna op de veroorzaker."
        ),
        unit="cents",
    ),
    SectionSpec(
        "risk_analyses",
        N_("Risicoanalyses voor bijeenkomsten"),
        N_("Aangevraagd in deze periode, vóór een groepsbijeenkomst, informatieavond of gesprek, met het besluit."),
    ),
    SectionSpec(
        "home_screenings",
        N_("Screenings van een huis"),
        N_("Aangevraagd in deze periode, en of het huis al is bezocht."),
    ),
    SectionSpec(
        "briefings",
        N_("Voorlichting aan het begin van de raadsperiode"),
        N_(
            "Aan het begin van elke raadsperiode krijgen de ambtsdragers voorlichting over veilig werken en dit protocol. "
            "Wie er niet bij was, wordt uitgenodigd voor de volgende."
        ),
    ),
    SectionSpec(
        "trainings",
        N_("Trainingen"),
        N_(
            "Trainingen die in deze periode zijn gehouden, per soort, en hoeveel ambtsdragers meededen. "
            "Wie aan twee trainingen meedeed, telt twee keer."
        ),
    ),
    SectionSpec(
        "meetings",
        N_("Verstoorde vergaderingen"),
        N_(
            "Vergaderingen in deze periode waarin iemand de orde verstoorde. Wie na de derde opdracht om te vertrekken "
            "blijft, pleegt lokaalvredebreuk."
        ),
    ),
    SectionSpec(
        "statements",
        N_("Contact met de pers"),
        N_(
            "Verklaringen en perscontacten over incidenten in deze periode, met toestemming van de ambtsdrager. "
            "Alleen het aantal: wat er is gezegd, staat niet in dit verslag."
        ),
    ),
]
SECTION_BY_CODE = {spec.code: spec for spec in SECTIONS}


def _month_label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def categories(period: Period) -> dict[str, dict[str, str]]:
    """Per section, its categories (code → label msgid) in the order they are shown."""
    quarters = dict.fromkeys(quarter_code(m) for m in period.months)
    return {
        "total": {"incidents": N_("Incidenten")},
        "by_month": {_month_label(m): _month_label(m) for m in period.months},
        "by_quarter": {q: q for q in quarters},
        "by_class": CLASS_REPORT_LABELS,
        "online": ONLINE_LABELS,
        "by_channel": CHANNEL_REPORT_LABELS,
        "by_reporter_group": REPORTER_GROUPS,
        "by_target": TARGET_REPORT_LABELS,
        "repeat": REPEAT_LABELS,
        "measures": {"total": N_("Maatregelen in totaal")} | {t.value: MEASURE_LABELS[t] for t in MeasureType},
        "police": POLICE_LABELS,
        "police_status": {s.value: INVESTIGATION_LABELS[s] for s in InvestigationStatus},
        "aftercare": AFTERCARE_LABELS,
        "damages": DAMAGES_LABELS,
        "risk_analyses": RISK_ANALYSIS_LABELS,
        "home_screenings": HOME_SCREENING_LABELS,
        "briefings": BRIEFING_LABELS,
        "trainings": TRAINING_LABELS,
        "meetings": MEETING_REPORT_LABELS,
        "statements": STATEMENT_LABELS,
    }


def reporter_group(role: str, is_former: bool) -> str:
    if is_former:
        return "former"
    if role == Role.MAYOR.value:
        return "mayor"
    if role == Role.ALDERMAN.value:
        return "college"
    return "council_and_groups"


# --- counting -------------------------------------------------------------------------------


def incident_condition(period: Period) -> peewee.Expression:
    start, end = period.utc_bounds()
    return (Case.kind == CaseKind.REPORT.value) & (Case.created_at >= start) & (Case.created_at < end)


def _repeated_cases(in_period: peewee.Expression) -> tuple[set[int], set[int]]:
    """Which of the period's incidents have a perpetrator in the register (first) and which of those
    are repeated: the register's rule (perpetrators.incident_history) for all incidents in a few
    queries — an earlier case of the same perpetrator, or an incident against a municipal employee."""
    link = perpetrators.CasePerpetrator
    linked_incidents = {case_id for (case_id,) in link.select(link.case).join(Case).where(in_period).tuples()}
    linked = link.select(link.perpetrator).join(Case).where(in_period)
    history: dict[int, list] = {}
    for perpetrator_id, case_id, created_at in (
        link.select(link.perpetrator, Case.id, Case.created_at).join(Case).where(link.perpetrator.in_(linked)).tuples()
    ):
        history.setdefault(perpetrator_id, []).append((case_id, created_at))
    with_employee_incidents = {
        p
        for (p,) in perpetrators.EmployeeIncident.select(perpetrators.EmployeeIncident.perpetrator)
        .where(perpetrators.EmployeeIncident.perpetrator.in_(linked))
        .tuples()
    }
    known, repeated = set(), set()
    for perpetrator_id, cases in history.items():
        for case_id, created_at in cases:
            if case_id not in linked_incidents:
                continue  # an earlier (or later) case of the same perpetrator, outside the period
            known.add(case_id)
            if perpetrator_id in with_employee_incidents or any(
                other != case_id and other_created <= created_at for other, other_created in cases
            ):
                repeated.add(case_id)
    return known, repeated


def _aftercare_counts(incidents) -> tuple[int, int, int, int]:
    """Incidents with aftercare: offered, held (at least one conversation held), held late (one held
    after its due time: models.aftercare.held_late), declined (none held, one declined). Summed per
    incident by the database, then over incidents."""
    held = Conversation.outcome == Outcome.HELD.value
    per_case = (
        Conversation.select(
            peewee.fn.SUM(peewee.Case(None, [(held, 1)], 0)).alias("held"),
            peewee.fn.SUM(peewee.Case(None, [(Conversation.outcome == Outcome.DECLINED.value, 1)], 0)).alias(
                "declined"
            ),
            peewee.fn.SUM(
                peewee.Case(None, [(held & held_late(Conversation.held_at, Conversation.due_at), 1)], 0)
            ).alias("late"),
        )
        .join(Case)
        .where(incidents)
        .group_by(Conversation.case)
    ).alias("per_case")
    was_held = per_case.c.held > 0
    offered, held_any, late, declined = (
        Conversation.select(
            peewee.fn.COUNT(peewee.SQL("*")),
            peewee.fn.SUM(peewee.Case(None, [(was_held, 1)], 0)),
            peewee.fn.SUM(peewee.Case(None, [(was_held & (per_case.c.late > 0), 1)], 0)),
            peewee.fn.SUM(peewee.Case(None, [(~was_held & (per_case.c.declined > 0), 1)], 0)),
        )
        .from_(per_case)
        .tuples()
        .get()
    )
    return offered, held_any or 0, late or 0, declined or 0


def raw_counts(period: Period) -> tuple[dict, list[tuple]]:
    """Every count of the period (section, category) → n, and the sums a reader can check."""
    cats = categories(period)
    counts = {(section, code): 0 for section, codes in cats.items() if section != "damages" for code in codes}
    in_period = incident_condition(period)
    online_values = {c.value for c in ONLINE_CHANNELS}
    # Month boundaries in UTC, so 100 000 incidents are placed without a time zone conversion each.
    boundaries = [clock.to_utc(dt.datetime.combine(m, dt.time())) for m in period.months]
    month_codes = [_month_label(m) for m in period.months]
    quarter_codes = [quarter_code(m) for m in period.months]
    # Counted by the database in one pass, grouped by every breakdown at once (a loop over 100 000
    # rows in Python took seconds). The month of an incident: the last month boundary at or before it.
    month_of = peewee.Case(
        None,
        [(Case.created_at < boundary, index) for index, boundary in enumerate(boundaries[1:])],
        len(boundaries) - 1,
    )

    for index, behaviour_class, channel, role, is_former, target, number in (
        Case.select(
            month_of,
            Case.behaviour_class,
            Case.channel,
            Case.reporter_role,
            Case.reporter_is_former,
            Case.target,
            peewee.fn.COUNT(Case.id),
        )
        .where(in_period)
        .group_by(
            month_of, Case.behaviour_class, Case.channel, Case.reporter_role, Case.reporter_is_former, Case.target
        )
        .order_by()
        .tuples()
    ):
        counts["total", "incidents"] += number
        counts["by_month", month_codes[index]] += number
        counts["by_quarter", quarter_codes[index]] += number
        counts["by_class", behaviour_class if behaviour_class in CLASS_REPORT_LABELS else "unknown"] += number
        if channel in CHANNEL_REPORT_LABELS:
            counts["by_channel", channel] += number
            counts["online", "online" if channel in online_values else "offline"] += number
        else:
            counts["online", "unknown"] += number
        counts["by_reporter_group", reporter_group(role, is_former)] += number
        counts["by_target", target if target in TARGET_REPORT_LABELS else "unknown"] += number
    known, repeated = _repeated_cases(in_period)
    counts["repeat", "repeated"] = len(repeated)
    counts["repeat", "first"] = len(known - repeated)
    counts["repeat", "unknown"] = counts["total", "incidents"] - len(known)
    # Measures, police reports and conversations joined to the period's incidents (driven by these
    # smaller tables, not by an IN over every incident).
    for measure_type, number in (
        Measure.select(Measure.type, peewee.fn.COUNT(Measure.id))
        .join(Case)
        .where(in_period & Measure.state.in_(TAKEN_STATES))
        .group_by(Measure.type)
        .tuples()
    ):
        if ("measures", measure_type) in counts:
            counts["measures", measure_type] += number
            counts["measures", "total"] += number
    # An incident can have several police reports (a ban not kept, a later message): it counts once,
    # at the stand of its latest report, so "filed" is incidents and the stands add up to it.
    latest_reports = (
        PoliceReport.select(peewee.fn.MAX(PoliceReport.id)).join(Case).where(in_period).group_by(PoliceReport.case)
    )
    for status, number in (
        PoliceReport.select(PoliceReport.status, peewee.fn.COUNT(PoliceReport.id))
        .where(PoliceReport.id.in_(latest_reports))
        .group_by(PoliceReport.status)
        .tuples()
    ):
        counts["police", "filed"] += number
        counts["police_status", status] += number
    offered, held, late, declined = _aftercare_counts(in_period)
    counts["aftercare", "offered"] = offered
    counts["aftercare", "held"] = held
    counts["aftercare", "held_late"], counts["aftercare", "held_on_time"] = late, held - late
    counts["aftercare", "declined"] = declined
    counts["aftercare", "open"] = offered - held - declined
    counts["police", "not_filed"] = counts["total", "incidents"] - counts["police", "filed"]
    _prevention_counts(period, counts)
    _session_counts(period, counts)
    _meeting_counts(period, counts)
    _statement_counts(period, counts)

    def cells(section, codes):
        return [(section, code) for code in codes]

    total = ("total", "incidents")
    online_channels = [c.value for c in Channel if c in ONLINE_CHANNELS]
    offline_channels = [c.value for c in Channel if c not in ONLINE_CHANNELS]
    quarters = {}
    for month in period.months:
        quarters.setdefault(quarter_code(month), []).append(("by_month", _month_label(month)))
    groups = [
        (total, cells("by_month", cats["by_month"])),
        (total, cells("by_quarter", cats["by_quarter"])),
        *[(("by_quarter", q), months) for q, months in quarters.items()],
        (total, cells("by_class", cats["by_class"])),
        (total, cells("online", cats["online"])),
        (("online", "online"), cells("by_channel", online_channels)),
        (("online", "offline"), cells("by_channel", offline_channels)),
        (total, cells("by_reporter_group", cats["by_reporter_group"])),
        (total, cells("by_target", cats["by_target"])),
        (total, cells("repeat", cats["repeat"])),
        (("measures", "total"), cells("measures", [t.value for t in MeasureType])),
        (total, cells("police", cats["police"])),
        (("police", "filed"), cells("police_status", cats["police_status"])),
        (("aftercare", "offered"), cells("aftercare", ["held", "declined", "open"])),
        (("aftercare", "held"), cells("aftercare", ["held_on_time", "held_late"])),
        (("risk_analyses", "asked"), cells("risk_analyses", [c for c in RISK_ANALYSIS_LABELS if c != "asked"])),
        (("home_screenings", "asked"), cells("home_screenings", ["visited", "not_visited"])),
        (("briefings", "invited"), cells("briefings", ["attended", "absent"])),
        (("trainings", "held"), cells("trainings", [kind.value for kind in prevention.TRAINING_KINDS])),
        (("meetings", "disrupters"), cells("meetings", ["trespass", "no_trespass"])),
    ]
    return counts, groups


def _prevention_counts(period: Period, counts: dict) -> None:
    """Risk analyses and home screenings asked in the period (§4.1, §4.2): no case, counted by when
    they were asked."""
    start, end = period.utc_bounds()
    asked = (risk.RiskAnalysis.requested_at >= start) & (risk.RiskAnalysis.requested_at < end)
    for decision, number in (
        risk.RiskAnalysis.select(risk.RiskAnalysis.decision, peewee.fn.COUNT(risk.RiskAnalysis.id))
        .where(asked)
        .group_by(risk.RiskAnalysis.decision)
        .tuples()
    ):
        counts["risk_analyses", "asked"] += number
        counts["risk_analyses", decision if ("risk_analyses", decision) in counts else "undecided"] += number
    asked = (risk.HomeScreening.requested_at >= start) & (risk.HomeScreening.requested_at < end)
    for visited, number in (
        risk.HomeScreening.select(risk.HomeScreening.visited_on.is_null(False), peewee.fn.COUNT(risk.HomeScreening.id))
        .where(asked)
        .group_by(risk.HomeScreening.visited_on.is_null(False))
        .tuples()
    ):
        counts["home_screenings", "asked"] += number
        counts["home_screenings", "visited" if visited else "not_visited"] += number


def _session_counts(period: Period, counts: dict) -> None:
    """Council terms begun (each plans its briefing), briefings and trainings held in the period (§4.1).
    Invited to a briefing: who attended, and the office holders who did not — the people its form
    offers (models.prevention.office_holders), read from today's accounts: the portal keeps no
    history of who held office when, so one who left since and missed it is no longer counted."""
    first, end = period.first, clock.add_months(period.last, 1)
    Term, Session, Attendance = prevention.CouncilTerm, prevention.PreventionSession, prevention.SessionAttendance
    counts["briefings", "planned"] = Term.select().where((Term.starts_on >= first) & (Term.starts_on < end)).count()
    held = {
        session_id: (kind, held_on)
        for session_id, kind, held_on in Session.select(Session.id, Session.kind, Session.held_on)
        .where((Session.held_on >= first) & (Session.held_on < end))
        .tuples()
    }
    attended: dict[int, set[int]] = {session_id: set() for session_id in held}
    for session_id, user_id in (
        Attendance.select(Attendance.session, Attendance.user).where(Attendance.session.in_(list(held))).tuples()
        if held
        else []
    ):
        attended[session_id].add(user_id)
    briefings = [
        session_id for session_id, (kind, _day) in held.items() if kind == prevention.SessionKind.BRIEFING.value
    ]
    in_office = {user_id for (user_id,) in prevention.office_holders().select(User.id).tuples()} if briefings else set()
    for session_id in briefings:
        absent = in_office - attended[session_id]
        counts["briefings", "held"] += 1
        counts["briefings", "attended"] += len(attended[session_id])
        counts["briefings", "absent"] += len(absent)
        counts["briefings", "invited"] += len(attended[session_id]) + len(absent)
    for session_id, (kind, _day) in held.items():
        if ("trainings", kind) in counts:
            counts["trainings", kind] += 1
            counts["trainings", "held"] += 1
            counts["trainings", "participants"] += len(attended[session_id])


def _meeting_counts(period: Period, counts: dict) -> None:
    """Meetings held in the period with someone who disrupted them (§5), with their orders to leave
    and how often that became trespass (the third order: models.meetings)."""
    start, end = period.utc_bounds()
    Meeting, Disrupter, Order = meetings.Meeting, meetings.Disrupter, meetings.OrderToLeave
    held = (Meeting.held_at >= start) & (Meeting.held_at < end)
    rows = list(
        Meeting.select(
            Meeting.id,
            Meeting.livestream_stopped_at.is_null(False),
            Meeting.police_called_at.is_null(False),
            peewee.fn.COUNT(Disrupter.id),
            peewee.fn.SUM(peewee.Case(None, [(Disrupter.trespass_at.is_null(False), 1)], 0)),
        )
        .join(Disrupter)
        .where(held)
        .group_by(Meeting.id, Meeting.livestream_stopped_at, Meeting.police_called_at)
        .tuples()
    )
    for _meeting, livestream_stopped, police_called, disrupters, trespass in rows:
        counts["meetings", "disrupted"] += 1
        counts["meetings", "disrupters"] += disrupters
        counts["meetings", "trespass"] += trespass or 0
        counts["meetings", "no_trespass"] += disrupters - (trespass or 0)
        counts["meetings", "livestream_stopped"] += 1 if livestream_stopped else 0
        counts["meetings", "police_called"] += 1 if police_called else 0
    counts["meetings", "orders"] = Order.select().join(Disrupter).join(Meeting).where(held).count()


def _statement_counts(period: Period, counts: dict) -> None:
    """Statements and press contacts about incidents made in the period (§7): a count, never their text."""
    Statement = communication.Statement
    made = (
        (Statement.made_on >= period.first)
        & (Statement.made_on < clock.add_months(period.last, 1))
        & (Case.kind == CaseKind.REPORT.value)
    )
    counts["statements", "statements"] = Statement.select().join(Case).where(made).count()
    counts["statements", "incidents"] = Statement.select(Statement.case).join(Case).where(made).distinct().count()


def damages_figures(period: Period, threshold: int) -> dict[str, Figure]:
    """Money booked in the period, from the ledger (models.damages.balances); "outstanding" is what
    is still to be recovered at the end of it. An amount made up of fewer incidents than the
    threshold could be one person's claim: it is not shown ("×"), nor is a small number of incidents."""
    start, end = period.first, clock.add_months(period.last, 1)
    in_period = LedgerEntry.select(LedgerEntry.id).where(
        (LedgerEntry.booked_on >= start) & (LedgerEntry.booked_on < end)
    )
    until_end = LedgerEntry.select(LedgerEntry.id).where(LedgerEntry.booked_on < end)
    flows = damages.balances(entries=in_period)
    amounts = {
        "reimbursed": flows.reimbursed,
        "recovered": flows.recovered,
        "written_off": flows.written_off,
        "outstanding": damages.balances(entries=until_end).outstanding,
    }

    def incidents(entries, kind=None):
        query = LedgerEntry.select(LedgerEntry.case).where(LedgerEntry.id.in_(entries))
        if kind is not None:
            query = query.where(LedgerEntry.kind == kind.value)
        return query.distinct().count()

    behind = {
        "reimbursed": incidents(in_period, damages.EntryKind.REIMBURSED),
        "recovered": incidents(in_period, damages.EntryKind.RECOVERED),
        "written_off": incidents(in_period, damages.EntryKind.WRITTEN_OFF),
        "outstanding": incidents(until_end, damages.EntryKind.TO_RECOVER),
    }
    total = incidents(in_period)
    figures = {"incidents": Figure(None, SMALL) if 0 < total < threshold else Figure(total)}
    for kind, amount in amounts.items():
        figures[kind] = Figure(None, COMPLEMENT) if amount and behind[kind] < threshold else Figure(amount)
    return figures


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    code: str
    label: str  # msgid, translated where it is shown
    current: Figure
    previous: Figure
    previous_code: str  # the same category in the previous period (months and quarters differ)
    unit: str = "count"  # "count", or "cents" for amounts


@dataclass(frozen=True)
class Section:
    spec: SectionSpec
    rows: list[Row]

    @property
    def code(self) -> str:
        return self.spec.code


@dataclass(frozen=True)
class AnnualReport:
    period: Period
    previous_period: Period
    threshold: int
    sections: list[Section] = field(default_factory=list)

    def section(self, code: str) -> Section:
        return next(s for s in self.sections if s.code == code)

    def cells(self):
        """Every published figure: (section, category, period code, Figure, unit) — the CSV's rows."""
        for section in self.sections:
            for row in section.rows:
                yield section.code, row.code, self.period.code, row.current, row.unit
            for row in section.rows:
                if row.previous_code:
                    yield section.code, row.previous_code, self.previous_period.code, row.previous, row.unit


def published_figures(period: Period, threshold: int) -> dict:
    """The figures of one period after suppression: (section, category) → Figure."""
    counts, groups = raw_counts(period)
    figures = suppress_small_cells(counts, groups, threshold)
    figures.update({("damages", k): v for k, v in damages_figures(period, threshold).items()})
    return figures


def build(period: Period) -> AnnualReport:
    threshold = settings.get("report_min_cell")
    previous_period = period.previous()
    current = published_figures(period, threshold)
    before = published_figures(previous_period, threshold)
    cats, cats_before = categories(period), categories(previous_period)
    sections = []
    for spec in SECTIONS:
        codes = list(cats[spec.code])
        codes_before = list(cats_before[spec.code])
        rows = []
        for index, code in enumerate(codes):
            # Months and quarters: compared with the same position in the previous period.
            code_before = code
            if spec.code in ("by_month", "by_quarter"):
                code_before = codes_before[index] if index < len(codes_before) else ""
            # A period across other quarters than the one before may have no quarter to compare with.
            previous = before[spec.code, code_before] if code_before else Figure(None)
            unit = spec.unit if code != "incidents" else "count"
            rows.append(Row(code, cats[spec.code][code], current[spec.code, code], previous, code_before, unit))
        sections.append(Section(spec, rows))
    return AnnualReport(period, previous_period, threshold, sections)


def figure_text(figure: Figure, threshold: int, unit: str = "count") -> str:
    """How a figure reads in every format: "12", "< 5", "×"; amounts as "1234.56"."""
    if figure.suppressed == SMALL:
        return f"< {threshold}"
    if figure.suppressed == COMPLEMENT:
        return "×"
    if figure.value is None:
        return "–"
    if unit == "cents":
        return damages.cents_as_decimal_text(figure.value)
    return str(figure.value)
