"""No input gives a 500 (issue 19, item 4). Someone not logged in and every role of the demo
municipality walk the portal (tests/crawl.py); what each reaches is then attacked with hostile
values, generated from the app's own URL map and from the forms on the pages, not listed by hand:

1. every route of the URL map the role reached (someone not logged in: every route), each of its
   parameters in turn a real value (read from the links and forms the role saw) and hostile ones:
   the largest database id and one past it, 40 digits, NUL, unicode, empty, very long;
2. every page the role reached, with the query parameters its own links and GET forms use, one by
   one, and a fixed list of common ones (pagina, kind, q, sort, jaar, van, tot, ...) all at once,
   set to out-of-range numbers, impossible dates, NUL, unicode, empty;
3. every form, sent with a valid CSRF token: each hostile value and wrong shape in all its fields
   at once (validation reads every field), which covers NUL and control characters, very long
   text, numbers past any integer type, dates that do not exist, the fields left out, two values
   where one is expected, a file or an image named with a NUL where text is expected, JSON
   instead of a form; then what passes validation and goes on into the rules and the database
   (text with NUL, the first and last date there is, a number past BIGINT, a choice the field does
   not offer) in each field in turn, the others as the page filled them in; then values
   hypothesis draws (derandomize=True: the same cases every run).

Any 5xx answer, or an unhandled error in the log, fails the test, with each case listed. The
forms are sent in the order the pages were seen, after earlier forms changed the cases they were
about: a form is often a stale one, of before someone else's change. A request another role
already sent the same way is not repeated (a clerk's and a deputy clerk's case pages)."""

from __future__ import annotations

import io
import logging
import re
from collections import defaultdict
from urllib.parse import quote, urljoin, urlparse

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, RequestRedirect

from models.accounts import Role
from models.db import db
from tests.conftest import PNG_SCREENSHOT
from tests.crawl import HOST, ROLES, demo_municipality, signed_client, walk  # noqa: F401  (a fixture)

# What an attacker types into an address or a field: numbers past INTEGER and BIGINT, digits past
# any type, what is no number, dates and times that do not exist, NUL and control characters,
# right-to-left and emoji, markup, very long text.
HOSTILE = [
    "",
    "-1",
    str(2**63),
    "9" * 40,
    "1e999",
    "abc",
    "2026-02-30",
    "99999-01-01",
    "2026-13-01T25:61",
    "a\x00\x01\x1b\x7f",
    "\u202eé😀",
    "x" * 20_000,
]
# Into each field in turn, by the kind of field the page shows: what passes a form's validation
# and goes on into the rules and the database (text with NUL, the first and last date and moment
# there are, a number past BIGINT, a choice the field does not offer).
ONE_BY_ONE = {
    "date": ["0001-01-01", "9999-12-31"],
    "datetime-local": ["0001-01-01T00:00", "9999-12-31T23:59"],
    "number": [str(2**63), "-1"],
    "choice": ["nope", "a\x00b", str(2**63)],  # select, radio, checkbox (a number as an id)
    "text": ["a\x00b", str(2**63), "9999-12-31"],  # text, text area, hidden: read as text, number or date
}
# In an address, as they arrive there (NUL and unicode percent-encoded). A number in the address
# (`<int:…>`) reaches the view only as digits: the largest id there is and one past it, else text.
# (Anything else there is no number: the converter answers 404 before any view runs.)
IN_PATH_NUMBER = ["0", str(2**31 - 1), str(2**31), "9" * 40]
IN_PATH_TEXT = [quote(value, safe="") for value in ("", "9" * 40, "\x00", "\u202eé😀", "x" * 300, "VB-2026-0001x")]
# In a query: the fixed values that are short (a long address is refused in front of the portal).
IN_QUERY = [
    "",
    "-1",
    str(2**63),
    "9" * 40,
    "1e999",
    "abc",
    "2026-02-30",
    "99999-01-01",
    "0001-01-01",
    "9999-12-31",
    "\x00",
    "\u202eé😀",
]
# Query parameters every page is tried with, besides the ones its own links and forms use.
COMMON_QUERY = ["pagina", "kind", "q", "sort", "jaar", "van", "tot", "status", "next", "page", "id"]
# Logging out and ending the session in use end the login the rest of the attack needs
# (tests/test_sessions.py sends the latter foreign and unknown ids).
NOT_FUZZED = {"auth.logout", "auth.end_session"}
FORM_EXAMPLES = 6  # values hypothesis draws per form, on top of the fixed ones per field

_DIGITS = st.integers(min_value=-(2**80), max_value=2**80).map(str)
_DATES = st.builds(
    "{:04d}-{:02d}-{:02d}".format,
    st.integers(0, 99999),
    st.integers(0, 13),
    st.integers(0, 32),
)
_TIMES = st.builds("{:02d}:{:02d}".format, st.integers(0, 99), st.integers(0, 99))
_TEXT = st.text(st.characters(codec="utf-8"), max_size=60)  # control characters and NUL included


def _hostile(choices: list[str]):
    options = [_DIGITS, _DATES, _TIMES, _TEXT, st.floats().map(repr)]
    if choices:  # a choice the form does not offer
        options.append(_TEXT.filter(lambda value: value not in choices))
    return st.one_of(options)


class Run:
    """One role's client and every 5xx it met. An address another role already attacked the same
    way (a clerk's and a deputy clerk's case page) is not sent again (`once`)."""

    def __init__(self, client, role, failures, sent):
        self.client, self.role, self.failures, self.sent = client, role, failures, sent
        self.requests = 0
        self.token = None

    def once(self, method, address, what, data=None):
        if (method, address) not in self.sent:
            self.sent.add((method, address))
            self.send(method, address, what, data)

    def send(self, method, address, what, data=None, multipart=False, json=None):
        self.requests += 1
        kwargs = {}
        if json is not None:  # the token where Flask-WTF reads it in a request without form data
            kwargs = {"json": json, "headers": {"X-CSRFToken": self.token}}
        elif data is not None:
            kwargs["data"] = data
            if multipart or any(isinstance(v, tuple) for v in data.values()):
                kwargs["content_type"] = "multipart/form-data"
        response = self.client.open(address, method=method, **kwargs)
        if response.status_code >= 500:
            self.failures.append(f"{self.role}: {method} {address[:120]} {what} -> {response.status_code}")
        return response


def _match(adapter, address, method):
    """(endpoint, arguments) the app routes this address to, or None."""
    try:
        return adapter.match(urlparse(address).path, method=method)
    except (HTTPException, RequestRedirect):
        return None


def _baseline(form) -> dict:
    """What a browser sends for this form as it stands."""
    return {name: list(control.values) for name, control in form.fields.items() if control.values}


def _with(baseline, names, value):
    """The form as filled in, with these fields replaced by `value` (a list of values, a file
    maker, or _MISSING)."""
    data = {key: list(values) for key, values in baseline.items()}
    for name in names:
        if value is _MISSING:
            data.pop(name, None)
        else:
            data[name] = value() if callable(value) else value
    return data


_MISSING = object()


def _shapes():
    """Left out, sent twice with two values, a file in its place, an image with a hostile name."""
    return [
        ("left out", _MISSING),
        ("two values", ["1", "2"]),
        ("a file", lambda: (io.BytesIO(b"MZ\x00\x00" * 64), "rapport.exe")),
        ("an image named with NUL", lambda: (io.BytesIO(PNG_SCREENSHOT), "a\x00\u202egnp.png")),
    ]


def _path_for(rule, values: dict) -> str:
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", lambda _m, v=value: str(v), path)
    return path


def _drawn_values(run, address, form, baseline, fuzzed):
    """The form sent FORM_EXAMPLES more times, each time one field holding a value hypothesis draws."""

    @settings(
        derandomize=True,
        max_examples=FORM_EXAMPLES,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def send(data):
        name = data.draw(st.sampled_from(fuzzed))
        value = data.draw(_hostile(form.fields[name].choices))
        run.send("POST", address, f"{name}={value[:30]!r}", _with(baseline, [name], [value]), form.multipart)

    return send


def _attack(role, client, failures, forms_done, sent):
    app = client.application
    adapter = app.url_map.bind("localhost")
    run = Run(client, role, failures, sent)

    pages = {}
    walk(client, lambda address, parser: pages.__setitem__(address, parser))
    token = None
    # What the role reached: addresses per endpoint (links and forms) and the forms themselves.
    reached = defaultdict(list)  # (endpoint, method) -> [(address, arguments)]
    query_keys = defaultdict(set)  # GET endpoint -> query parameters its links and GET forms use
    forms = []  # (endpoint, address, form)
    for address, parser in pages.items():
        for href in parser.links:
            target = urljoin(HOST + address, href)
            if not target.startswith(HOST + "/"):
                continue
            target = target.removeprefix(HOST).split("#")[0]
            matched = _match(adapter, target, "GET")
            if matched:
                reached[(matched[0], "GET")].append((target, matched[1]))
                query_keys[matched[0]].update(k.split("=")[0] for k in urlparse(target).query.split("&") if k)
        for form in parser.forms:
            target = urljoin(HOST + address, form.action or address).removeprefix(HOST).split("#")[0]
            matched = _match(adapter, target, form.method)
            if not matched:
                continue
            reached[(matched[0], form.method)].append((target, matched[1]))
            if form.method == "GET":
                query_keys[matched[0]].update(form.fields)
            else:
                forms.append((matched[0], target, form))
                token = token or (form.fields.get("csrf_token") and form.fields["csrf_token"].values[0])
    assert token, f"{role} saw no form with a CSRF token"
    run.token = token

    # Real values for each parameter name, from any address the role reached.
    real = defaultdict(list)
    for entries in reached.values():
        for _address, arguments in entries:
            for name, value in arguments.items():
                if str(value) not in real[name]:
                    real[name].append(str(value))

    # 1. The URL map: each parameter of each route this role reached, in turn real and hostile
    #    (someone not logged in: of every route, as the login page is all they should get).
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint in NOT_FUZZED or (role != "anonymous" and (rule.endpoint, method) not in reached):
                continue
            known = reached.get((rule.endpoint, method))
            arguments = dict(known[0][1]) if known else {name: "1" for name in rule.arguments}
            data = None
            if method == "POST":
                own = [form for endpoint, _a, form in forms if endpoint == rule.endpoint]
                data = _baseline(own[0]) if own else {"csrf_token": [token]}
            for name in rule.arguments:
                hostile = IN_PATH_NUMBER if isinstance(rule._converters[name], IntegerConverter) else IN_PATH_TEXT
                for value in [*real[name][:2], *hostile]:
                    address = _path_for(rule, {**arguments, name: value})
                    run.once(method, address, f"<{name}>={value[:30]!r}", data=data)

    # 2. Query parameters: those the role's links and GET forms use, one by one, and the common
    #    ones all at once, on one address of each page the role reached.
    for (endpoint, method), entries in reached.items():
        if method != "GET":
            continue
        address = entries[0][0].split("?")[0]
        for value in IN_QUERY:
            everything = "&".join(f"{quote(key)}={quote(value)}" for key in COMMON_QUERY)
            run.once("GET", f"{address}?{everything}", f"?common={value[:30]!r}")
        for key in sorted(query_keys[endpoint]):
            for value in IN_QUERY:
                run.once("GET", f"{address}?{quote(key)}={quote(value)}", f"?{key}={value[:30]!r}")

    # 3. Forms. Validation reads every field, so each hostile value and shape goes into all fields at
    #    once; what passes validation (ONE_BY_ONE) into each field in turn, the others as the page
    #    filled them in; then what hypothesis draws.
    for endpoint, address, form in forms:
        shape = (endpoint, tuple(sorted(form.fields)))
        if endpoint in NOT_FUZZED or shape in forms_done:
            continue
        forms_done.add(shape)
        baseline = _baseline(form)
        fuzzed = [name for name in form.fields if name != "csrf_token"]
        if not fuzzed:
            continue
        for value in HOSTILE:
            run.send("POST", address, f"all fields={value[:30]!r}", _with(baseline, fuzzed, [value]), form.multipart)
        for what, value in _shapes():
            run.send("POST", address, f"all fields: {what}", _with(baseline, fuzzed, value), form.multipart)
        # Wrong types: JSON instead of a form, a list or an object where a form's fields are.
        run.send("POST", address, "JSON list", json=[1, [2]])
        run.send("POST", address, "JSON objects", json={name: {"a": [1]} for name in fuzzed})
        for name in fuzzed:
            control = form.fields[name]
            kind = "choice" if control.choices else control.kind if control.kind in ONE_BY_ONE else "text"
            for value in ONE_BY_ONE[kind]:
                run.send("POST", address, f"{name}={value[:30]!r}", _with(baseline, [name], [value]), form.multipart)
        _drawn_values(run, address, form, baseline, fuzzed)()
    if role != "anonymous":
        still = client.get("/")
        assert still.status_code == 200, f"{role} was logged out by the attack (status {still.status_code})"
    return run.requests


def test_no_input_gives_a_500(demo_municipality, make_app, caplog):  # noqa: F811
    caplog.set_level(logging.ERROR)
    failures, forms_done, sent, counts = [], set(), set(), {}
    anonymous = make_app(WTF_CSRF_ENABLED=True).test_client()
    counts["anonymous"] = _attack("anonymous", anonymous, failures, forms_done, sent)
    for role in ROLES:
        if role in demo_municipality:
            client = signed_client(make_app, demo_municipality[role])
            counts[role] = _attack(role, client, failures, forms_done, sent)
    db.close()
    crashes = [r.getMessage().splitlines()[0] for r in caplog.records if r.getMessage().startswith("Unhandled")]
    print(f"requests per role: {counts}, forms: {len(forms_done)}")
    assert not failures and not crashes, "\n".join(failures[:200] + crashes[:50])


# --- what the generated cases found, as a person meets it --------------------------------------


def test_a_nul_in_a_text_is_refused_in_dutch_with_the_text_kept(app, create_user, signed_in, file_report, db_session):
    """PostgreSQL cannot store a NUL character (a 500): the form says so, and keeps what was typed."""
    clerk, member = create_user(Role.CLERK), create_user(Role.COUNCIL_MEMBER)
    reference = file_report(signed_in(member))
    response = signed_in(clerk).post(f"/zaken/{reference}/notitie", data={"body": "Gebeld met\x00 het raadslid"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422  # the case page again, the note form with its error
    assert "Deze tekst bevat een onzichtbaar teken dat niet kan worden opgeslagen" in page
    assert "Gebeld met" in page and "het raadslid" in page


def test_a_date_in_the_year_1_is_refused_in_dutch(app, create_user, signed_in, file_report, db_session):
    """The year 1 is a valid date, but moving it to UTC overflowed (a 500), also in a check that the
    moment lies ahead: the form refuses it first."""
    member = create_user(Role.COUNCIL_MEMBER)
    reference = file_report(signed_in(member))
    response = signed_in(member).post(
        f"/mijn-meldingen/{reference}", data={"platform": "X", "message_date": "0001-01-01"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Deze datum kan niet kloppen. Vul een datum in tussen 1900 en 2200." in page
    assert 'value="0001-01-01"' in page
    asked = signed_in(member).post(
        "/veiligheid-vooraf/risicoanalyse/aanvragen",
        data={"what": "Raadsvergadering", "location": "Raadhuis", "starts_at": "0001-01-01T00:00"},
    )
    assert "Deze datum kan niet kloppen. Vul een datum in tussen 1900 en 2200." in asked.get_data(as_text=True)


def test_a_file_or_json_where_text_is_expected_is_no_crash(app, create_user, signed_in, file_report, db_session):
    """A file sent as a text field, or a JSON body instead of a form, reached the form as text (a
    500): the form reads only what a browser sends for it, and asks again."""
    clerk, member = create_user(Role.CLERK), create_user(Role.COUNCIL_MEMBER)
    reference = file_report(signed_in(member))
    as_file = signed_in(clerk).post(
        f"/zaken/{reference}/notitie",
        data={"body": (io.BytesIO(b"tekst"), "notitie.txt")},
        content_type="multipart/form-data",
    )
    as_json = signed_in(clerk).post(f"/zaken/{reference}/notitie", json=[1, [2]])
    for response in (as_file, as_json):
        assert response.status_code == 422 and "Schrijf eerst een notitie." in response.get_data(as_text=True)


def test_a_nul_or_an_endless_reference_in_an_address_is_no_such_page(app, create_user, signed_in, db_session):
    clerk = create_user(Role.CLERK)
    for path in ("/zaken/%00", "/zaken/VB-%00/notitie", "/zaken/" + "x" * 201, "/link/%E2%80%AE%C3%A9"):
        response = signed_in(clerk).get(path)
        assert response.status_code == 404, path
    assert signed_in(clerk).get("/financien/export.csv?jaar=-1").status_code in (400, 403)
