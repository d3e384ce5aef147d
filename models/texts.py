"""Texts the municipality edits: its name and the letters the portal prints (Dutch templates).

Letters are rendered in a sandbox (the admin writes them), with only the fields they need."""
from __future__ import annotations

import peewee
from jinja2.sandbox import SandboxedEnvironment

from models import clock
from models.base import BaseModel
from models.i18n import N_

BAN_LETTER = """{{ gemeente }}
Aan: {{ naam }}
{{ adres }}

{{ plaats_datum }}

Onderwerp: besluit ontzegging toegang gemeentelijke gebouwen

Geachte heer/mevrouw,

Op {{ datum_incident }} heeft u zich tegenover een politieke ambtsdrager van de gemeente gedragen op een manier die wij niet accepteren.

Ik heb daarom besloten u de toegang tot alle gebouwen van de gemeente te ontzeggen van {{ begindatum }} tot en met {{ einddatum }}.

De reden voor dit besluit:
{{ redenen }}

Komt u in deze periode toch in een gebouw van de gemeente, dan schakelen wij de politie in. Dat is huisvredebreuk of lokaalvredebreuk, een strafbaar feit. Daarvan doen wij aangifte.

Bent u het niet eens met dit besluit? Dan kunt u binnen zes weken na de datum van deze brief bezwaar maken bij de burgemeester. Vermeld in uw bezwaarschrift uw naam en adres, de datum, dit besluit en waarom u het er niet mee eens bent, en onderteken het.

Met vriendelijke groet,

{{ burgemeester }}
burgemeester van {{ gemeente }}
"""

DEFAULTS = {
    "municipality_name": ("Gemeente Demodorp", N_("Naam van de gemeente")),
    "ban_letter": (BAN_LETTER, N_("Brief: ontzegging van de toegang tot gemeentelijke gebouwen")),
}


class EditableText(BaseModel):
    key = peewee.CharField(max_length=64, primary_key=True)
    body = peewee.TextField()
    updated_at = peewee.DateTimeField(default=clock.utcnow)
    updated_by = peewee.IntegerField(null=True)


def get(key: str) -> str:
    row = EditableText.get_or_none(EditableText.key == key)
    return row.body if row else DEFAULTS[key][0]


def change(key: str, body: str, actor_id: int) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    (EditableText.insert(key=key, body=body, updated_at=clock.utcnow(), updated_by=actor_id)
     .on_conflict(conflict_target=[EditableText.key],
                  update={EditableText.body: body, EditableText.updated_at: clock.utcnow(),
                          EditableText.updated_by: actor_id}).execute())


_sandbox = SandboxedEnvironment(autoescape=False, keep_trailing_newline=True)


class TemplateProblem(Exception):
    pass


def render_letter(key: str, fields: dict, body: str | None = None) -> str:
    """Plain text of a letter; the page that shows it escapes it."""
    try:
        return _sandbox.from_string(body if body is not None else get(key)).render(**fields)
    except Exception as error:  # a broken template must not break the case page
        raise TemplateProblem(str(error)) from None
