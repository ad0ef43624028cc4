"""Forms the sidebar posts (Flask-WTF: CSRF on every one). Messages are translated at render time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from sidebar.core import phones
from sidebar.customers.edit import DESCRIPTION_MAX, NOTE_MAX, REMARK_MAX
from sidebar.customers.salutation import MAX as SALUTATION_MAX
from sidebar.models import SkinType

SKIN_TYPES = [
    (SkinType.DRY.value, _l("Dry")),
    (SkinType.OILY.value, _l("Oily")),
    (SkinType.COMBINATION.value, _l("Combination")),
    (SkinType.NORMAL.value, _l("Normal")),
    (SkinType.SENSITIVE.value, _l("Sensitive")),
]
NONE = SelectChoice("", "—")


def choices(pairs: list[tuple[str, object]] | list[str]) -> list[SelectChoice]:
    return [SelectChoice(p, p) if isinstance(p, str) else SelectChoice(p[0], p[1]) for p in pairs]  # type: ignore[arg-type]


SKIN_CONCERNS = ["痘痘", "暗沉", "毛孔粗大", "细纹", "干燥起皮", "泛红", "色斑", "黑眼圈", "出油", "敏感刺痛"]
AGE_RANGES = ["18-24", "25-29", "30-34", "35-39", "40-49", "50+"]
MEMBER_LEVELS = ["普通", "银卡", "金卡", "黑金"]


def readable_phone(form: FlaskForm, field: StringField) -> None:
    """A phone OneID can match by (E.164 once read), or the field's error."""
    if field.data and not phones.normalise(field.data):
        raise ValidationError(_l("Not a phone number we can read, e.g. 138 0013 8000."))


class ProfileForm(FlaskForm):
    salutation = StringField(_l("Salutation"), validators=[Optional(), Length(max=SALUTATION_MAX)])
    skin_type = SelectField(_l("Skin type"), choices=[NONE, *choices(SKIN_TYPES)], validators=[Optional()])
    skin_concerns = SelectMultipleField(
        _l("Skin concerns"),
        choices=choices(SKIN_CONCERNS),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    age_range = SelectField(_l("Age range"), choices=[NONE, *choices(AGE_RANGES)], validators=[Optional()])
    phone = StringField(_l("Mobile"), validators=[Optional(), Length(max=20), readable_phone])
    city = StringField(_l("City"), validators=[Optional(), Length(max=32)])
    birthday = DateField(_l("Birthday"), validators=[Optional()])
    member_level = SelectField(
        _l("Member level"), choices=[NONE, *choices(MEMBER_LEVELS)], validators=[Optional()]
    )
    points = IntegerField(_l("Points"), validators=[Optional(), NumberRange(min=0, max=10_000_000)])


class RemarkForm(FlaskForm):
    remark = StringField(_l("Remark"), validators=[Optional(), Length(max=REMARK_MAX)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=DESCRIPTION_MAX)])


class NoteForm(FlaskForm):
    body = TextAreaField(_l("New note"), validators=[DataRequired(), Length(max=NOTE_MAX)])


class TagForm(FlaskForm):
    tag_id = IntegerField(validators=[DataRequired()])
    action = SelectField(choices=choices(["add", "remove"]))
