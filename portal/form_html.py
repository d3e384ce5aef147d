"""Form pieces the NL Design System way, as HTML: label above, help linked by aria-describedby, the
error next to its field, and a summary at the top that links to each field.

Templates use them as before (`{% from "_forms.html" import field, radios %}`); _forms.html hands out
these functions. They were Jinja macros with the same HTML (compared field by field for every form of
the portal, with and without errors, in both languages, when they moved here); a case page renders
some 30 fields and a dozen forms."""

from __future__ import annotations

import wtforms.widgets
import wtforms.widgets.core
from flask import g
from flask_babel import gettext
from markupsafe import Markup, escape

_QUOTE, _QUOT = Markup('"'), Markup("&quot;")
wtforms_html_params = wtforms.widgets.core.html_params  # the original, kept for the test that compares them


def html_params(**kwargs) -> Markup:
    """wtforms' html_params with the same output, built with plain string formatting: wtforms formats each
    attribute with Markup.format, whose escaping formatter is Python-level and cost about 2 ms of a case
    page (every input, option and label). Installed in wtforms' widgets below."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = escape(wtforms.widgets.core.clean_key(key))
        if value is True:
            params.append(key)
        elif value is not False:
            params.append(f'{key}="{escape(value).replace(_QUOTE, _QUOT)}"')
    return Markup(" ".join(params))  # noqa: S704 - every key and value escaped above


wtforms.widgets.core.html_params = wtforms.widgets.html_params = html_params  # Select, TextArea, Option, Label
wtforms.widgets.core.Input.html_params = wtforms.widgets.core.Button.html_params = staticmethod(html_params)


def mark_errors() -> str:
    """Called where a form shows an error: the page's <title> then starts with "Fout:" (base.html
    renders the content before the title; portal.templating.page_shows_errors)."""
    g.page_shows_errors = True
    return ""


_CONTROL_CLASSES = {
    "TextAreaField": "utrecht-textarea utrecht-textarea--html-textarea",
    "SelectField": "utrecht-select utrecht-select--html-select",
    "FileField": "form-file",
    "MultipleFileField": "form-file",
}
_TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"
_INVALID_CONTROL = " utrecht-textbox--invalid utrecht-textarea--invalid utrecht-select--invalid"
_SKIPPED = ("CSRFTokenField", "HiddenField")


def _optional_mark(optional: bool) -> str:
    return f' <span class="form-label__optional">{escape(gettext("(niet verplicht)"))}</span>' if optional else ""


def _help_and_error(f) -> str:
    out = ""
    if f.description:
        out += (
            f'<p class="utrecht-form-field-description form-help" id="{escape(f.id)}-hulp">{escape(f.description)}</p>'
        )
    if f.errors:
        errors = " ".join(str(escape(message)) for message in f.errors)
        out += f'<p class="utrecht-form-field-error-message form-error" id="{escape(f.id)}-fout">{errors}</p>'
    return out


def field(f, optional: bool = False) -> Markup:
    """One field with its label, help and error; a checkbox with its label after it."""
    described = []
    if f.description:
        described.append(f"{f.id}-hulp")
    if f.errors:
        described.append(f"{f.id}-fout")
        mark_errors()
    invalid = " utrecht-form-field--invalid form-field--invalid" if f.errors else ""
    if f.type == "BooleanField":
        attrs = {"class": "utrecht-checkbox utrecht-checkbox--html-input"}
        if described:
            attrs["aria-describedby"] = " ".join(described)
        if f.errors:
            attrs["aria-invalid"] = "true"
        label = f.label(class_="utrecht-form-label utrecht-form-label--checkbox form-label form-label--checkbox")
        return Markup(  # noqa: S704 - the field's texts escaped, its widget and label are wtforms' Markup
            f'<div class="utrecht-form-field utrecht-form-field--checkbox form-field form-field--checkbox{invalid}">'
            f"{f(**attrs)}{label}{_help_and_error(f)}</div>"
        )
    control = _CONTROL_CLASSES.get(f.type, _TEXTBOX)
    attrs = {"class": f"{control} form-input{_INVALID_CONTROL if f.errors else ''}"}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if f.errors:
        attrs["aria-invalid"] = "true"
    if not optional and f.flags.required:
        attrs["required"] = True
    return Markup(  # noqa: S704 - the field's texts escaped, its widget is wtforms' Markup
        f'<div class="utrecht-form-field utrecht-form-field--text form-field{invalid}">'
        f'<label class="utrecht-form-label form-label" for="{escape(f.id)}">{escape(f.label.text)}'
        f"{_optional_mark(optional)}</label>{_help_and_error(f)}{f(**attrs)}</div>"
    )


def _choices(f, optional: bool, kind: str) -> Markup:
    """A group of radio buttons or checkboxes in a fieldset; in error the group and each option say so."""
    if f.errors:
        mark_errors()
    invalid = " utrecht-form-fieldset--invalid form-field--invalid" if f.errors else ""
    described = ""
    if f.description or f.errors:
        ids = (f"{f.id}-hulp" if f.description else "") + (f" {f.id}-fout" if f.errors else "")
        described = f' aria-describedby="{escape(ids)}"'
    option_attrs = {"aria-invalid": "true"} if f.errors else {}
    group_invalid = ' aria-invalid="true"' if f.errors else ""
    if kind == "radio":
        wrapper, control, label = (
            "utrecht-form-field--radio radio",
            "utrecht-radio-button utrecht-radio-button--html-input",
            "utrecht-form-label--radio",
        )
    else:
        wrapper, control, label = (
            "utrecht-form-field--checkbox checkbox",
            "utrecht-checkbox utrecht-checkbox--html-input",
            "utrecht-form-label--checkbox",
        )
    options = "".join(
        f'<div class="utrecht-form-field {wrapper}">{option(class_=control, **option_attrs)} '
        f"{option.label(class_=f'utrecht-form-label {label}')}</div>"
        for option in f
    )
    return Markup(  # noqa: S704 - the field's texts escaped, its options are wtforms' Markup
        f'<fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset form-fieldset{invalid}" '
        f'id="{escape(f.id)}"{described}{group_invalid}>'
        f'<legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend utrecht-form-label form-label">'
        f"{escape(f.label.text)}{_optional_mark(optional)}</legend>{_help_and_error(f)}{options}</fieldset>"
    )


def radios(f, optional: bool = False) -> Markup:
    return _choices(f, optional, "radio")


def checkboxes(f, optional: bool = False) -> Markup:
    """A MultiCheckboxField's options."""
    return _choices(f, optional, "checkbox")


def csrf(form) -> Markup:
    """A form's CSRF token, without an id: a page holds many forms, and a hidden input needs no label."""
    token = getattr(form, "csrf_token", None)
    return token(id=False) if token is not None else Markup("")


def error_summary(forms) -> Markup:
    """The errors of these forms at the top, each linking to its field. A message that several fields
    share ("Kies ja of nee.") says which question it is about."""
    items = []
    for form in forms:
        items += [(None, message) for message in form.form_errors]
        for f in form:
            if f.errors and f.type not in _SKIPPED:
                items += [(f, message) for message in f.errors]
    if not items:
        return Markup("")
    mark_errors()
    messages = [str(message) for _f, message in items]
    rows = []
    for f, message in items:
        if f is None:
            rows.append(f"<li>{escape(message)}</li>")
            continue
        question = f"{escape(f.label.text)}: " if messages.count(str(message)) > 1 else ""
        rows.append(f'<li><a href="#{escape(f.id)}">{question}{escape(message)}</a></li>')
    title = escape(gettext("Er is iets niet goed ingevuld"))
    return Markup(  # noqa: S704 - every label and message escaped above
        '<div class="error-summary utrecht-alert utrecht-alert--error" role="alert" tabindex="-1" id="foutmeldingen" '
        f'aria-labelledby="foutmeldingen-titel"><h2 class="utrecht-heading-2" id="foutmeldingen-titel">{title}</h2>'
        f"<ul>{''.join(rows)}</ul></div>"
    )
