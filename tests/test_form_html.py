"""The form pieces in Python (portal/form_html.py) give the HTML wtforms gives: the attribute writer
that replaces wtforms' own is compared with it on generated attributes, and a rendered field keeps
its label, help, error and ARIA links."""

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms import Form, RadioField, StringField
from wtforms.validators import InputRequired

from portal import form_html

KEYS = st.sampled_from(["id", "name", "class_", "for_", "type", "value", "data_x_y", "aria_describedby", "required"])
VALUES = st.one_of(
    st.booleans(),
    st.text(),
    st.text().map(Markup),
    st.integers(),
    st.just('a "quoted" <b>&amp;</b>'),
    st.just(Markup('<i class="x">"</i>')),
)


@settings(deadline=None)  # the first example imports and warms up; the machine may be busy
@given(st.dictionaries(KEYS, VALUES))
def test_the_attribute_writer_gives_what_wtforms_gives(attributes):
    assert form_html.html_params(**attributes) == form_html.wtforms_html_params(**attributes)


def test_wtforms_widgets_use_it_and_a_field_keeps_its_label_help_and_error(app):
    class Question(Form):
        name = StringField("Naam <b>", validators=[InputRequired("Vul uw naam in.")], description="Zoals op uw pas")
        outcome = RadioField("Hoe staat het?", choices=[("held", 'Gevoerd "nu"'), ("planned", "Gepland")])

    with app.test_request_context("/"):
        form = Question()
        form.validate()
        html = form_html.field(form.name)
        radios = form_html.radios(form.outcome, optional=True)
    assert '<label class="utrecht-form-label form-label" for="name">Naam &lt;b&gt;</label>' in html
    assert 'aria-describedby="name-hulp name-fout"' in html and 'aria-invalid="true"' in html
    assert '<p class="utrecht-form-field-error-message form-error" id="name-fout">Vul uw naam in.</p>' in html
    assert "required" in html
    assert 'value="held"' in radios and "Gevoerd &#34;nu&#34;" in radios and "(niet verplicht)" in radios
