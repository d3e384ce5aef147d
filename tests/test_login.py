"""Logging in with e-mail, password and a code from an authenticator app; sessions that end."""

from models.accounts import LoginSession, Role, User
from tests.conftest import fresh_code


def test_login_with_password_and_code_shows_the_start_page(client, create_user, login):
    user = create_user(Role.MAYOR, name="Anna de Vries")
    response = login(client, user)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Welkom, Anna de Vries" in page.get_data(as_text=True)
    assert "Burgemeester" in page.get_data(as_text=True)


def test_wrong_code_is_refused_with_a_clear_message(client, create_user, login):
    user = create_user()
    response = login(client, user, code="000000")
    assert response.status_code == 401
    assert "E-mailadres, wachtwoord of code klopt niet" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still not logged in


def test_wrong_password_is_refused(client, create_user, login):
    user = create_user()
    response = login(client, user, password="niet-het-goede-wachtwoord")
    assert response.status_code == 401


def test_a_code_is_never_accepted_twice(app, client, create_user, login):
    user = create_user()
    code = None
    with app.app_context():
        code = fresh_code(user)
    assert login(client, user, code=code).status_code == 302
    client.post("/logout")
    again = login(app.test_client(), user, code=code)
    assert again.status_code == 401
    assert "een code kunt u maar één keer gebruiken" in again.get_data(as_text=True)


def test_after_ten_wrong_passwords_every_answer_but_the_right_pair_is_the_same(client, create_user, login):
    """Issue 19: the limit stops guessing (ten guesses an hour per account), not the owner."""
    user = create_user()
    for _ in range(10):
        assert login(client, user, password="fout-fout-fout-fout").status_code == 401
    wrong_password = login(client, user, password="fout-fout-fout-fout")
    right_password_wrong_code = login(client, user, code="000000")
    assert wrong_password.status_code == right_password_wrong_code.status_code == 429
    assert "vaak geprobeerd in te loggen" in wrong_password.get_data(as_text=True)
    assert _form_errors(wrong_password) == _form_errors(right_password_wrong_code)  # the guess learns nothing
    assert login(client, user).status_code == 302  # the right password and a right code still get in


def _form_errors(response):
    page = response.get_data(as_text=True)
    return page[page.index('id="foutmeldingen"') : page.index("</ul>", page.index('id="foutmeldingen"'))]


def test_throttling_holds_across_two_app_instances_sharing_one_database(make_app, create_user, login):
    first, second = make_app(), make_app()  # like two gunicorn workers
    user = create_user()
    for _ in range(5):
        login(first.test_client(), user, password="fout-fout-fout-fout")
    for _ in range(5):
        login(second.test_client(), user, password="fout-fout-fout-fout")
    assert login(first.test_client(), user, password="fout-fout-fout-fout").status_code == 429
    assert login(second.test_client(), user, password="fout-fout-fout-fout").status_code == 429


def test_throttling_per_address_across_accounts(client, create_user, login):
    victims = [create_user() for _ in range(5)]
    for _ in range(6):
        for person in victims:
            login(client, person, password="fout-fout-fout-fout")  # 30 failures from one address
    other = create_user()
    assert login(client, other, password="fout-fout-fout-fout").status_code == 429
    assert login(client, other).status_code == 302  # from the same address, the owner gets in


def test_a_73_byte_password_is_refused_without_an_error_page(client, create_user, login):
    user = create_user()
    response = login(client, user, password="é" * 36 + "x")  # 73 bytes in UTF-8
    assert response.status_code == 401
    assert "klopt niet" in response.get_data(as_text=True)


def test_deactivation_ends_an_open_session_at_once(app, create_user, login):
    person, admin = create_user(), create_user(Role.ADMIN)
    person_client, admin_client = app.test_client(), app.test_client()
    login(person_client, person)
    assert person_client.get("/").status_code == 200
    login(admin_client, admin)
    admin_client.post(f"/beheer/accounts/{person.id}/deactivate")
    response = person_client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with app.app_context():
        assert LoginSession.select().where(LoginSession.user == person.id).count() == 0
        assert User.get_by_id(person.id).is_active is False


def test_role_change_ends_the_sessions_of_that_person(app, create_user, login):
    person, admin = create_user(Role.COUNCIL_MEMBER), create_user(Role.ADMIN)
    person_client, admin_client = app.test_client(), app.test_client()
    login(person_client, person)
    login(admin_client, admin)
    admin_client.post(f"/beheer/accounts/{person.id}", data={"role": "alderman"})
    assert person_client.get("/").status_code == 302


def test_idle_session_expires_after_thirty_minutes(client, create_user, login, clock_at):
    user = create_user()
    login(client, user)
    assert client.get("/").status_code == 200
    clock_at(minutes=31)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_session_ends_after_twelve_hours_even_when_active(client, create_user, login, clock_at):
    user = create_user()
    login(client, user)
    for minutes in range(25, 12 * 60, 25):  # active every 25 minutes
        clock_at(minutes=minutes)
        assert client.get("/").status_code == 200
    clock_at(hours=12, minutes=5)
    assert client.get("/").status_code == 302


def test_logout_is_a_post_and_ends_the_session(app, client, create_user, login):
    user = create_user()
    login(client, user)
    assert client.get("/logout").status_code == 405
    response = client.post("/logout", follow_redirects=True)
    assert "U bent uitgelogd" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    with app.app_context():
        assert LoginSession.select().where(LoginSession.user == user.id).count() == 0


def test_changing_the_password_ends_every_session(app, create_user, login, clock_at):
    user = create_user()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)
    clock_at(seconds=65)  # two codes used; the next one comes a time step later
    with app.app_context():
        code = fresh_code(user)
    response = here.post(
        "/account",
        data={
            "pw-current_password": user.test_password,
            "pw-password": "een-heel-nieuw-wachtwoord-2026",
            "pw-password_repeat": "een-heel-nieuw-wachtwoord-2026",
            "pw-code": code,
        },
    )
    assert response.status_code == 302
    assert elsewhere.get("/").status_code == 302
    assert here.get("/").status_code == 302


def test_login_redirects_only_to_pages_of_this_site(client, create_user, app):
    user = create_user()
    with app.app_context():
        code = fresh_code(user)
    response = client.post(
        "/login?next=//evil.example/x", data={"email": user.email, "password": user.test_password, "code": code}
    )
    assert response.headers["Location"] == "/"


def test_cookie_flags(client, create_user, login):
    user = create_user()
    response = login(client, user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_production_hashes_use_bcrypt_cost_12():
    import models.accounts as accounts_module

    assert "BCRYPT_ROUNDS = 12" in open(accounts_module.__file__).read()
