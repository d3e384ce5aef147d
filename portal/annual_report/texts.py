"""The yearly report's fixed texts, shared by its page and its PDF."""

from __future__ import annotations

from flask_babel import gettext as _


def intro_text(period_label: str, previous_label: str, threshold: int) -> str:
    return (
        _(
            "Dit verslag geeft een overzicht van de incidenten van normoverschrijdend gedrag tegen politieke "
            "ambtsdragers van de gemeente in %(period)s, met ter vergelijking %(previous)s. Het protocol vraagt om "
            "dit verslag elk jaar te maken en te bespreken. Het verslag is anoniem: er staan geen namen, geen "
            "beschrijvingen, geen nummers van meldingen en geen datums in, alleen aantallen per maand of langer.",
            period=period_label,
            previous=previous_label,
        )
        + " "
        + _(
            "Na de incidenten volgt wat de gemeente deed om incidenten te voorkomen en wat er in het openbaar "
            "gebeurde: voorlichting, trainingen, risicoanalyses, screenings van huizen, verstoorde vergaderingen en "
            "contact met de pers."
        )
    )


def suppression_text(threshold: int) -> str:
    return _(
        "Kleine aantallen tonen we niet, zodat niemand te herkennen is. ‘< %(n)s’ betekent: 1 tot %(n)s. "
        "‘×’ betekent: niet getoond, omdat u anders een klein aantal kunt uitrekenen uit de andere getallen "
        "en het totaal. ‘0’ betekent: geen.",
        n=threshold,
    )
