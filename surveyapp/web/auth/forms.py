from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from ...services.accounts import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("E-post"), validators=[DataRequired(_l("Skriv din e-postadress."))])
    password = PasswordField(_l("Lösenord"), validators=[DataRequired(_l("Skriv ditt lösenord."))])
    next = HiddenField()


def _new_password_fields():
    new = PasswordField(
        _l("Nytt lösenord"),
        validators=[
            DataRequired(_l("Skriv ett nytt lösenord.")),
            Length(min=MIN_PASSWORD_LENGTH,
                   message=_l("Lösenordet måste ha minst %(n)s tecken.", n=MIN_PASSWORD_LENGTH)),
        ],
    )
    repeat = PasswordField(
        _l("Upprepa det nya lösenordet"),
        validators=[EqualTo("new_password", _l("Lösenorden är inte lika."))],
    )
    return new, repeat


class SetPasswordForm(FlaskForm):
    new_password, repeat = _new_password_fields()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Nuvarande lösenord"),
                                     validators=[DataRequired(_l("Skriv ditt nuvarande lösenord."))])
    new_password, repeat = _new_password_fields()


class PinForm(FlaskForm):
    pin_password = PasswordField(_l("Ditt lösenord"), validators=[DataRequired(_l("Skriv ditt lösenord."))])
    pin = PasswordField(
        _l("Ny PIN-kod för kioskläget"),
        validators=[Regexp(r"^[0-9]{4,8}$", message=_l("PIN-koden ska vara 4–8 siffror."))],
    )


class LanguageForm(FlaskForm):
    # each language named in itself, as on the participants' first screen
    language = SelectField(_l("Språk på sidorna för personal"),
                           choices=[SelectChoice("", _l("Webbläsarens språk")), SelectChoice("sv", "Svenska"),
                                    SelectChoice("en", "English")])
