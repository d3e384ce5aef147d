"""Logging in that nobody else can block (issue 19 item 1): guesses are limited per account and per
address, but the owner with the right password and a right code always gets in, and is told once an
hour, by a mail without the attacker's details, that someone tried."""

from models import accounts, clock
from models.accounts import LoginFailure, Role

ATTACKER_ADDRESS = "203.0.113.66"
ATTACKER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) GuessBot/4.2"
WRONG = "geraden-wachtwoord-123"


def _client(app, address, agent=None):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    if agent:
        client.environ_base["HTTP_USER_AGENT"] = agent
    return client


def test_the_mayor_logs_in_while_an_attacker_keeps_failing_on_her_address_and_from_the_same_address(
    app, create_user, login, clock_at
):
    mayor = create_user(Role.MAYOR, name="Anna de Vries")
    others = [create_user() for _ in range(3)]
    town_hall = _client(app, ATTACKER_ADDRESS, ATTACKER_AGENT)
    answers = [login(town_hall, mayor, password=WRONG).status_code for _ in range(25)]
    answers += [login(town_hall, person, password=WRONG).status_code for person in others for _ in range(10)]
    assert answers[:25] == [401] * 10 + [429] * 15  # ten guesses an hour on her account
    assert answers[25:] == [401] * 20 + [429] * 10  # thirty guesses an hour from one address

    from_her_phone = _client(app, "198.51.100.7")
    response = login(from_her_phone, mayor)
    assert response.status_code == 302
    assert "Welkom, Anna de Vries" in from_her_phone.get(response.headers["Location"]).get_data(as_text=True)

    for _ in range(5):  # the attacker goes on
        assert login(town_hall, mayor, password=WRONG).status_code == 429
    clock_at(seconds=35)  # her next code
    same_desk = _client(app, ATTACKER_ADDRESS)  # the shared address of the town hall, over its limit
    assert login(same_desk, mayor).status_code == 302
    for person in others:  # everyone else behind that address too
        assert login(_client(app, ATTACKER_ADDRESS), person).status_code == 302


def test_the_per_account_limit_holds_across_thirty_addresses(app, db_session, create_user, login):
    mayor = create_user(Role.MAYOR)
    answers = [login(_client(app, f"192.0.2.{n}"), mayor, password=WRONG).status_code for n in range(1, 31)]
    assert answers == [401] * 10 + [429] * 20  # 10 guesses an hour, however many addresses
    # Over the limit a guess is not even counted, so the attacker's persistence lengthens nothing.
    assert LoginFailure.select().where(LoginFailure.email == mayor.email).count() == 10


def test_over_the_limit_the_right_password_with_a_wrong_code_reads_like_any_guess(app, create_user, login):
    mayor = create_user(Role.MAYOR)
    for n in range(10):
        login(_client(app, f"192.0.2.{n}"), mayor, password=WRONG)
    guess = login(_client(app, "192.0.2.50"), mayor, password=WRONG)
    right_password = login(_client(app, "192.0.2.51"), mayor, code="000000")
    assert guess.status_code == right_password.status_code == 429
    assert _errors(guess) == _errors(right_password)


def _errors(response):
    page = response.get_data(as_text=True)
    start = page.index('id="foutmeldingen"')
    return page[start : page.index("</div>", start)]


def test_guessing_may_go_on_after_an_hour_at_the_same_pace(app, create_user, login, clock_at):
    person = create_user()
    attacker = _client(app, ATTACKER_ADDRESS)
    for _ in range(11):
        login(attacker, person, password=WRONG)
    assert login(attacker, person, password=WRONG).status_code == 429
    clock_at(minutes=61)
    assert login(attacker, person, password=WRONG).status_code == 401


def test_someone_who_knows_the_password_can_try_only_ten_codes_an_hour(app, db_session, create_user, login):
    """Over the guess limit the right pair still works; so wrong codes after the right password are
    limited on their own, or a password thief could try codes without end."""
    person = create_user()
    thief = _client(app, ATTACKER_ADDRESS)
    for _ in range(accounts.CODE_FAILURES_PER_HOUR):
        assert login(thief, person, code="000000").status_code in (401, 429)
    assert login(thief, person).status_code == 429  # even a right code: the codes are locked for an hour
    assert login(_client(app, "198.51.100.7"), person).status_code == 429

    # A new password (here through the admin's reset link) voids what the thief knew.
    token = accounts.issue_token(accounts.User.get_by_id(person.id), accounts.TokenPurpose.RESET_PASSWORD)
    row = accounts.find_token(token)
    assert accounts.complete_token(row, password="een-heel-nieuw-wachtwoord-2026", totp_code=None)
    assert login(_client(app, "198.51.100.7"), person, password="een-heel-nieuw-wachtwoord-2026").status_code == 302


def test_the_owner_is_mailed_once_an_hour_without_the_attacker_s_details(app, create_user, login, mailbox, clock_at):
    mayor = create_user(Role.MAYOR, name="Anna de Vries")
    attacker = _client(app, ATTACKER_ADDRESS, ATTACKER_AGENT)
    for _ in range(2):
        login(attacker, mayor, password=WRONG)
    assert mailbox.to(mayor.email) == []  # one or two slips are not "repeated"
    for _ in range(20):
        login(attacker, mayor, password=WRONG)

    mails = mailbox.to(mayor.email)
    assert len(mails) == 1  # not one per failure
    mail = mails[0]
    body = mail.get_content()
    assert mail["Subject"] == "Er is geprobeerd in te loggen op uw account"
    assert "Beste Anna de Vries" in body
    assert "Laatste poging: " + clock.format_local(clock.utcnow(), "d MMMM yyyy", "nl") in body
    assert "http://portal.test/account#inlogpogingen" in body
    for detail in (ATTACKER_ADDRESS, "203.0.113", "GuessBot", WRONG):
        assert detail not in body and detail not in str(mail)

    clock_at(minutes=30)
    login(attacker, mayor, password=WRONG)
    assert len(mailbox.to(mayor.email)) == 1
    clock_at(minutes=61)
    for _ in range(3):
        login(attacker, mayor, password=WRONG)
    assert len(mailbox.to(mayor.email)) == 2  # an hour later, again at most one


def test_no_mail_goes_out_for_an_address_without_an_account(app, create_user, login, mailbox):
    ghost = create_user()
    ghost.email = "niemand@gemeente-test.nl"
    for _ in range(5):
        login(_client(app, ATTACKER_ADDRESS), ghost, password=WRONG)
    assert mailbox.messages == []


def test_the_owner_sees_the_failed_attempts_on_the_account_page(app, create_user, login):
    mayor = create_user(Role.MAYOR)
    attacker = _client(app, ATTACKER_ADDRESS, ATTACKER_AGENT)
    for _ in range(3):
        login(attacker, mayor, password=WRONG)
    login(attacker, mayor, code="000000")

    own = _client(app, "198.51.100.7")
    login(own, mayor)
    page = own.get("/account").get_data(as_text=True)
    section = page[page.index('id="inlogpogingen"') :]
    assert "Mislukte inlogpogingen" in section
    assert "In de laatste 30 dagen is 4 keer geprobeerd in te loggen op uw account zonder succes." in section
    assert section.count("Wachtwoord klopte niet") == 3
    assert "Wachtwoord klopte, de code niet" in section
    assert ATTACKER_ADDRESS not in page and "GuessBot" not in page


def test_logging_in_does_not_hand_the_attacker_fresh_guesses(app, create_user, login, clock_at):
    mayor = create_user(Role.MAYOR)
    attacker = _client(app, ATTACKER_ADDRESS)
    for _ in range(9):
        assert login(attacker, mayor, password=WRONG).status_code == 401
    assert login(_client(app, "198.51.100.7"), mayor).status_code == 302
    assert login(attacker, mayor, password=WRONG).status_code == 401  # the tenth guess
    assert login(attacker, mayor, password=WRONG).status_code == 429


def test_an_ipv6_connection_counts_as_one_address_across_its_64(app, create_user, login):
    people = [create_user() for _ in range(4)]
    answers = [
        login(_client(app, f"2001:db8:1:2::{n:x}"), people[n % 4], password=WRONG).status_code for n in range(1, 36)
    ]
    assert answers == [401] * 30 + [429] * 5  # thirty guesses an hour from one /64, not from each address
    assert accounts.throttle_address("::ffff:192.0.2.7") == "192.0.2.7"
    assert accounts.throttle_address("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
