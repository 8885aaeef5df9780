from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField
from wtforms.validators import DataRequired


class StartForm(FlaskForm):
    round = SelectField(_l("Enkät och mättillfälle"), coerce=int)
    organisation = SelectField(_l("Organisation"), coerce=int)
    assisted = BooleanField(_l("Personal eller tolk hjälper deltagarna att svara"))


class PinForm(FlaskForm):
    pin = PasswordField(_l("PIN-kod"), validators=[DataRequired(_l("Skriv PIN-koden."))])
