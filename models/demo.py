"""A demo municipality to try the portal: one account per role, with known password and TOTP."""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets

from models import accounts, audit, clock
from models.accounts import Role, User
from models.db import write_transaction

DEMO_PEOPLE = [
    (Role.MAYOR, "burgemeester", "Anna de Vries"),
    (Role.ALDERMAN, "wethouder", "Bram Jansen"),
    (Role.COUNCIL_MEMBER, "raadslid", "Chantal Bakker"),
    (Role.GROUP_MEMBER, "fractiemedewerker", "Daan Visser"),
    (Role.CLERK, "griffier", "Eva Smit"),
    (Role.DEPUTY_CLERK, "plv-griffier", "Fatima El Amrani"),
    (Role.MUNICIPAL_SECRETARY, "gemeentesecretaris", "Gerrit Mulder"),
    (Role.SECURITY_OFFICER, "veiligheid", "Hanna de Boer"),
    (Role.FINANCE_OFFICER, "financien", "Ivo Meijer"),
    (Role.ADMIN, "beheer", "Joost Peters"),
]
DEMO_DOMAIN = "demodorp.nl"


def _demo_password() -> str:
    words = ["zonlicht", "fiets", "molen", "tulpen", "gracht", "dijk", "polder", "kaas", "haring", "sluis"]
    return "-".join(secrets.choice(words) for _ in range(3)) + "-" + str(secrets.randbelow(90) + 10)


def create_demo_accounts() -> list[dict]:
    created = []
    with write_transaction():
        for role, local, name in DEMO_PEOPLE:
            email = f"{local}@{DEMO_DOMAIN}"
            password = _demo_password()
            secret = accounts.new_totp_secret()
            user = User.get_or_none(User.email == email)
            if user is None:
                user = User(email=email, name=name, role=role.value)
            user.password_hash = accounts.hash_password(password)
            user.totp_secret = secret
            user.totp_last_counter = 0
            user.is_active = True
            user.activated_at = user.activated_at or user.created_at
            user.save()
            audit.record("demo_account_created", object_type="user", object_id=user.id, detail=f"role={role.value}")
            created.append({"email": email, "password": password, "totp_secret": secret, "role": role.value})
    return created


def create_demo_case() -> str | None:
    """The demo threat case: the demo council member received a threat on social media."""
    import datetime as dt

    from models import clock, registration
    from models.cases import Case, CaseKind, new_draft
    from models.consent import Purpose

    member = User.get_or_none(User.email == f"raadslid@{DEMO_DOMAIN}")
    if member is None or Case.select().where(Case.reporter == member).exists():
        return None
    draft = new_draft(member, CaseKind.REPORT)
    occurred = clock.utcnow() - dt.timedelta(hours=3)
    case = registration.file_case(
        draft.id,
        {
            "behaviours": ["threatening_violence", "insulting"],
            "after_addressed": "not_addressed",
            "recurring": False,
            "target": "self",
            "occurred_at": occurred,
            "occurred_time_known": True,
            "channel": "social_media",
            "narrative": "(Demo) Na de raadsvergadering over het azc stuurde een account op X mij berichten dat ik "
            "'moet oppassen als ik vanavond naar huis fiets' en dat 'ze weten waar ik woon'.",
            "platform": "X",
            "sender_account": "@demo_boze_burger",
            "urls": "https://x.example/demo_boze_burger/status/1",
            "message_at": occurred,
            "reported_to_platform": True,
            "perpetrator_known": True,
            "perpetrator_name": "Demo Veroorzaker",
            "perpetrator_birth_date": "1980-01-01",
            "perpetrator_address": "Dorpsstraat 1, Demodorp",
            "injury_mental": True,
            "property_damage": True,
            "consents": [Purpose.POLICE_REPORT],  # not to inform other office holders
        },
    )
    audit.record("demo_case_created", object_type="case", object_id=case.id)
    return case.reference


# --- a year of demo incidents (for trying the yearly report and the dashboard) -------------------

DEMO_FORMER = ("oud-raadslid", "Karel Oudshoorn")  # a former council member: reports, never logs in
DEMO_PERPETRATORS = [
    "Demo Veroorzaker A",
    "Demo Veroorzaker B",
    "Demo Veroorzaker C",
    "Demo Veroorzaker D",
    "Demo Veroorzaker E",
    "Demo Veroorzaker F",
]
DEMO_BEHAVIOURS = {  # per class, the behaviours a demo incident ticks
    "emotion_policy": ["accusing", "holding_to_account"],
    "verbal_aggression": ["swearing", "insulting"],
    "threat": ["threatening", "intimidation"],
    "physical_violence": ["pulling", "throwing"],
}


@contextlib.contextmanager
def clock_fixed(moment: dt.datetime):
    """Run with the portal's clock standing at `moment` (UTC): for seeding the past from the command
    line or a test, never inside a running web server."""
    original = clock.utcnow
    clock.utcnow = lambda: moment
    try:
        yield
    finally:
        clock.utcnow = original


def file_demo_incident(
    reporter: User,
    when: dt.datetime,
    *,
    behaviours: list[str],
    channel: str = "email",
    target: str = "self",
    perpetrator: str | None = None,
    **values,
):
    """File one incident as the reporter would, with the clock at `when` (UTC), through the same
    functions as the report form (registration.file_case): access, aftercare and deadlines included."""
    from models import perpetrators, registration
    from models.cases import CaseKind, new_draft

    with clock_fixed(when):
        draft = new_draft(reporter, CaseKind.REPORT)
        case = registration.file_case(
            draft.id,
            {
                "behaviours": behaviours,
                "after_addressed": "persisted",
                "target": target,
                "occurred_at": when,
                "occurred_time_known": True,
                "channel": channel,
                "narrative": "(Demo) Verzonnen incident.",
                "perpetrator_known": bool(perpetrator),
                "perpetrator_name": perpetrator,
                **values,
            },
        )
        if perpetrator:
            perpetrators.link_case(case, name=perpetrator)
    return case


def _demo_former_member() -> User:
    local, name = DEMO_FORMER
    user = User.get_or_none(User.email == f"{local}@{DEMO_DOMAIN}")
    if user is None:
        user = User.create(email=f"{local}@{DEMO_DOMAIN}", name=name, role=Role.COUNCIL_MEMBER.value, is_former=True)
    return user


def _demo_damages(case, reporter: User, secretary: User, when: dt.datetime, rng) -> None:
    """A claim for damaged property: assessed, reimbursed, recovered from the perpetrator in part,
    sometimes the rest written off — through the ledger (models.damages)."""
    from models import damages, perpetrators

    amount = rng.choice([4500, 12000, 24950, 60000])
    with clock_fixed(when + dt.timedelta(days=3)):
        item = damages.submit_item(case, damages.Category.PROPERTY, "(Demo) Kapotte ruit", amount, reporter)
        damages.assess(item, damages.Decision.FULL, secretary)
    with clock_fixed(when + dt.timedelta(days=10)):
        day = clock.to_local(clock.utcnow()).date()
        damages.record_reimbursement(case, amount, day, f"DEMO-{case.reference}", secretary)
        perpetrator = perpetrators.linked_perpetrators(case)[0]
        recovery = damages.start_recovery(case, {perpetrator.id: amount}, day + dt.timedelta(days=30), secretary)[0]
    with clock_fixed(when + dt.timedelta(days=35)):
        day = clock.to_local(clock.utcnow()).date()
        paid = amount // 2 if rng.random() < 0.5 else amount
        damages.record_payment(recovery, paid, day, f"DEMO-BET-{case.reference}", secretary)
        if paid < amount and rng.random() < 0.5:
            damages.write_off(recovery, amount - paid, "(Demo) Veroorzaker kan niet betalen.", secretary)


def seed_demo_year(year: int) -> int:
    """A year of varied demo incidents — reporters of every group, every class, channels, months — with
    aftercare outcomes, measures, police reports and repeat perpetrators, all through the portal's
    own functions. The same year gives the same incidents (a fixed random seed). Returns how many."""
    import random

    from models import aftercare, casework, consent, measures, police
    from models.consent import Purpose

    people = {role: User.get_or_none(User.email == f"{local}@{DEMO_DOMAIN}") for role, local, _n in DEMO_PEOPLE}
    if any(
        people[role] is None
        for role in (
            Role.MAYOR,
            Role.ALDERMAN,
            Role.COUNCIL_MEMBER,
            Role.GROUP_MEMBER,
            Role.MUNICIPAL_SECRETARY,
            Role.CLERK,
        )
    ):
        create_demo_accounts()
        people = {role: User.get(User.email == f"{local}@{DEMO_DOMAIN}") for role, local, _n in DEMO_PEOPLE}
    reporters = (
        [people[Role.COUNCIL_MEMBER]] * 10
        + [people[Role.GROUP_MEMBER]] * 3
        + [people[Role.ALDERMAN]] * 4
        + [people[Role.MAYOR]] * 2
        + [_demo_former_member()] * 1
    )
    classes = ["emotion_policy"] * 2 + ["verbal_aggression"] * 8 + ["threat"] * 6 + ["physical_violence"] * 1
    channels = (
        ["social_media"] * 7
        + ["email"] * 4
        + ["face_to_face"] * 3
        + ["phone"] * 2
        + ["meeting"] * 2
        + ["letter", "at_home"]
    )
    targets = ["self"] * 8 + ["environment"] * 1 + ["both"] * 1
    rng = random.Random(year)  # noqa: S311 - a repeatable demo year, not a secret
    secretary, mayor = people[Role.MUNICIPAL_SECRETARY], people[Role.MAYOR]
    filed = 0
    now = clock.utcnow()
    for month in range(1, 13):
        for _n in range(rng.choice([2, 3, 4, 5, 6])):
            local = dt.datetime(year, month, rng.randint(1, 28), rng.randint(8, 22), rng.choice([0, 15, 30, 45]))
            when = clock.to_utc(local)
            if when > now:
                continue
            behaviour_class = rng.choice(classes)
            reporter = rng.choice(reporters)
            case = file_demo_incident(
                reporter,
                when,
                behaviours=DEMO_BEHAVIOURS[behaviour_class],
                channel=rng.choice(channels),
                target=rng.choice(targets),
                perpetrator=(perpetrator_name := rng.choice(DEMO_PERPETRATORS) if rng.random() < 0.6 else None),
                consents=[Purpose.POLICE_REPORT]
                if behaviour_class in ("threat", "physical_violence") and rng.random() < 0.7
                else [],
            )
            filed += 1
            for conversation in aftercare.Conversation.select().where(aftercare.Conversation.case == case.id):
                roll = rng.random()
                if roll < 0.12:
                    outcome, held = aftercare.Outcome.DECLINED, None
                elif roll < 0.85:
                    late = rng.random() < 0.15
                    held = (
                        conversation.due_at + dt.timedelta(hours=6)
                        if late
                        else conversation.due_at - dt.timedelta(hours=2)
                    )
                    outcome = aftercare.Outcome.HELD
                else:
                    continue
                if (held or conversation.due_from) > now:
                    continue
                with clock_fixed(held or conversation.due_from):
                    aftercare.record_outcome(conversation, outcome, secretary, held, None)
            decider = secretary if reporter.role != Role.MUNICIPAL_SECRETARY.value else mayor
            later = when + dt.timedelta(days=2)
            if behaviour_class in ("threat", "physical_violence") and later < now:
                with clock_fixed(later):
                    measure_type = rng.choice(
                        [
                            measures.MeasureType.WARNING_WRITTEN,
                            measures.MeasureType.STOP_CONVERSATION,
                            measures.MeasureType.BUILDING_BAN,
                        ]
                    )
                    if measure_type == measures.MeasureType.BUILDING_BAN and reporter.id != mayor.id:
                        start = clock.to_local(later).date()
                        measure = measures.propose(
                            case,
                            measure_type,
                            decider,
                            reasons="(Demo) Ernstige bedreiging.",
                            starts_on=start,
                            ends_on=start + dt.timedelta(days=90),
                        )
                        if perpetrator_name:  # hoor en wederhoor (§2) before the decision
                            measures.record_hearing(
                                measure,
                                decider,
                                outcome=measures.HearingOutcome.DECLINED,
                                held_on=start,
                                heard_by=decider.name,
                            )
                        measures.decide(measure, mayor, reasons="(Demo) U heeft een ambtsdrager ernstig bedreigd.")
                    else:
                        measure_type = (
                            measures.MeasureType.WARNING_WRITTEN
                            if measure_type == measures.MeasureType.BUILDING_BAN
                            else measure_type
                        )
                        measure = measures.propose(case, measure_type, decider, reasons="(Demo) Grens gesteld.")
                        if perpetrator_name:  # hoor en wederhoor (§2) before the decision
                            measures.record_hearing(
                                measure,
                                decider,
                                outcome=measures.HearingOutcome.DECLINED,
                                held_on=clock.to_local(later).date(),
                                heard_by=decider.name,
                            )
                        measures.decide(measure, decider, reasons="(Demo) U bent over de grens gegaan.")
                    if consent.in_force(case, Purpose.POLICE_REPORT):
                        report = police.file(
                            case,
                            decider,
                            filed_on=clock.to_local(later).date(),
                            registration_number=f"DEMO-{year}-{case.number:04d}",
                        )
                        police.update_status(report, rng.choice(list(police.InvestigationStatus)), decider)
            if (
                perpetrator_name
                and behaviour_class in ("threat", "physical_violence")
                and when + dt.timedelta(days=40) < now
            ):
                _demo_damages(case, reporter, secretary, when, rng)
            closing = when + dt.timedelta(days=60)
            if closing < now:
                with clock_fixed(closing):
                    casework.close(case, decider, reason="Afgehandeld; de melder is geholpen.")
    audit.record("demo_year_seeded", detail=f"year={year} incidents={filed}")
    return filed


# --- prevention and what happened in public (§4, §5, §7) -----------------------------------------


def create_demo_public() -> bool:
    """What a new user finds of §4, §5 and §7, dated from today: the council term that ended
    yesterday with its briefing held (the group member missed it) and a training; a risk analysis
    decided and one waiting; a home screening done; a council meeting last month disrupted to the
    third order (trespass), its case filed by the mayor who chaired it, and a press statement she
    agreed to. Always the same, all through the portal's own functions. False when there is a term already."""
    from models import aftercare, communication, consent, evaluation, meetings, prevention, risk
    from models.consent import How, Purpose

    if prevention.CouncilTerm.select().exists():
        return False
    people = {role: User.get_or_none(User.email == f"{local}@{DEMO_DOMAIN}") for role, local, _n in DEMO_PEOPLE}
    if any(person is None for person in people.values()):
        return False
    mayor, alderman, member = people[Role.MAYOR], people[Role.ALDERMAN], people[Role.COUNCIL_MEMBER]
    clerk, security, secretary = people[Role.CLERK], people[Role.SECURITY_OFFICER], people[Role.MUNICIPAL_SECRETARY]
    now = clock.utcnow()
    today = clock.to_local(now).date()

    def at(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        return clock.to_utc(dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour, minute)))

    # The term that ended yesterday: its briefing six weeks in, a training last month and a half.
    ends_on = today - dt.timedelta(days=1)
    starts_on = dt.date(ends_on.year - 4, ends_on.month, min(ends_on.day, 28)) + dt.timedelta(days=1)
    with clock_fixed(clock.to_utc(dt.datetime.combine(starts_on, dt.time(9)))):
        term = prevention.start_term(starts_on, ends_on, clerk)
    briefing_day = starts_on + dt.timedelta(days=42)
    with clock_fixed(clock.to_utc(dt.datetime.combine(briefing_day, dt.time(22)))):
        prevention.record_session(
            term, prevention.SessionKind.BRIEFING, briefing_day, [mayor.id, alderman.id, member.id], clerk
        )
    with clock_fixed(at(44, 17)):
        prevention.record_session(
            term,
            prevention.SessionKind.DEESCALATION,
            today - dt.timedelta(days=45),
            [alderman.id, member.id, people[Role.GROUP_MEMBER].id],
            clerk,
        )

    # A group meeting last month, assessed and decided in time; an information evening still waiting.
    with clock_fixed(at(30, 10)):
        decided = risk.ask_risk_analysis(
            member,
            kind=risk.MeetingKind.GROUP_MEETING,
            what="(Demo) Fractiebijeenkomst over de opvang van asielzoekers",
            location="Dorpshuis De Linde",
            starts_at=at(14, 20),
        )
    with clock_fixed(at(20, 11)):
        risk.decide_risk_analysis(
            decided,
            security,
            expected_tension=risk.Tension.MEDIUM,
            location_chosen="Dorpshuis De Linde, de grote zaal met twee uitgangen",
            organisational_measures="(Demo) Toegang alleen met aanmelding; een gastvrouw bij de deur.",
            security_present=True,
            decision=risk.RiskDecision.GO_WITH_MEASURES,
        )
    with clock_fixed(at(2, 9)):
        risk.ask_risk_analysis(
            alderman,
            kind=risk.MeetingKind.INFORMATION_EVENING,
            what="(Demo) Informatieavond over de windmolens bij de Oude Polder",
            location="Gemeentehuis, raadszaal",
            starts_at=at(-12, 19, 30),
        )

    # A home screening the council member asked for, the house visited and the advice followed.
    with clock_fixed(at(60, 9)):
        screening = risk.ask_home_screening(member, reason="(Demo) Ik wil weten of mijn huis veilig genoeg is.")
    with clock_fixed(at(50, 15)):
        risk.record_home_screening(
            screening,
            security,
            visited_on=today - dt.timedelta(days=50),
            advice="(Demo) Buitenlamp met bewegingsmelder; naam van de voordeur.",
            measures_taken="(Demo) Lamp geplaatst.",
            cost_cents=14950,
        )

    # The council meeting three weeks ago: a visitor ordered out three times (trespass), the
    # livestream stopped, the police called, a police report decided; the mayor chaired and files.
    held = at(21, 19, 30)
    with clock_fixed(held):
        meeting = meetings.start(mayor, "(Demo) Raadsvergadering over de begroting", held, mayor)
    with clock_fixed(at(21, 20, 5)):
        disrupter = meetings.add_disrupter(
            meeting, mayor, "(Demo) Man met een groene pet op de publieke tribune", None, ["obstruction", "swearing"]
        )
    for number, minute in enumerate((8, 11, 15), start=1):
        with clock_fixed(at(21, 20, minute)):
            meetings.record_order(disrupter, mayor, f"demo-order-{number}")
    with clock_fixed(at(21, 20, 16)):
        meetings.stop_livestream(meeting, mayor)
        meetings.call_police(meeting, mayor)
    with clock_fixed(at(21, 21, 30)):
        meetings.decide_police_report(meeting, mayor, meetings.PoliceReportDecision.FILE, clerk, security)
        case = meetings.close(meeting, mayor)[0]
    for conversation in aftercare.Conversation.select().where(aftercare.Conversation.case == case.id):
        if conversation.number < 3:  # the first two held on time; the third is weeks away
            held_at = conversation.due_at - dt.timedelta(hours=2)
            with clock_fixed(held_at):
                aftercare.record_outcome(conversation, aftercare.Outcome.HELD, secretary, held_at, None)
    with clock_fixed(at(20, 9)):
        consent.give(case, Purpose.PUBLIC_STATEMENT, mayor, how=How.PORTAL)
    with clock_fixed(at(20, 11)):
        communication.record_statement(
            case,
            secretary,
            made_on=today - dt.timedelta(days=20),
            medium=communication.Medium.PRESS_RELEASE,
            made_by="Burgemeester Anna de Vries",
            text="(Demo) Tijdens de raadsvergadering is een bezoeker na drie waarschuwingen uit de zaal gezet. "
            "De gemeente accepteert geen intimidatie van haar bestuurders.",
        )
    # Last year's evaluation of the protocol, held, and this year's informal meeting on impact planned.
    with clock_fixed(at(60, 16)):
        evaluation.save(
            today.year - 1,
            by=clerk,
            held_on=today - dt.timedelta(days=60),
            lessons="(Demo) Meldingen kwamen sneller binnen. De terugkoppeling over aangiftes kwam vaak laat.",
            agreements="(Demo) De griffie belt de melder binnen een werkdag terug.",
            organisation_invited=True,
        )
    evaluation.save(today.year, by=clerk, informal_meeting_on=today + dt.timedelta(days=30))
    audit.record("demo_public_created", object_type="case", object_id=case.id)
    return True
