"""Dutch first, English complete; each person chooses."""

from babel.messages.pofile import read_po

from models.accounts import Role, User


def test_the_english_catalogue_translates_every_string(tmp_path):
    """Extracted fresh from the source (not the committed .pot), so a new string without English fails."""
    import subprocess
    import sys

    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "N_",
            "-o",
            str(pot),
            "--no-location",
            "--omit-header",
            ".",
        ],
        check=True,
        capture_output=True,
    )
    with open("portal/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalogue = read_po(handle)
    with open(pot, "rb") as handle:
        template = read_po(handle)
    assert len(template) > 1000  # the extraction really read the templates and the code
    missing = [m.id for m in template if m.id and not (catalogue.get(m.id) and catalogue.get(m.id).string)]
    assert missing == []
    assert not [m.id for m in catalogue if m.fuzzy and m.id]


def test_the_login_page_is_dutch_by_default_and_english_on_request(client):
    dutch = client.get("/login").get_data(as_text=True)
    assert '<html lang="nl">' in dutch and "Inloggen" in dutch
    client.post("/taal", data={"lang-language": "en", "next": "/login"})
    english = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in english and "Sign in" in english and "Inloggen" not in english


def test_a_person_s_choice_is_kept_with_their_account(app, client, create_user, login):
    user = create_user(Role.ALDERMAN)
    login(client, user)
    client.post("/taal", data={"lang-language": "en", "next": "/"})
    with app.app_context():
        assert User.get_by_id(user.id).locale == "en"
    assert "Welcome" in client.get("/").get_data(as_text=True)
