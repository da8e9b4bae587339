import pytest
from django.core.exceptions import ValidationError

from simedsos.accounts.models import User, nip_validator

pytestmark = pytest.mark.django_db

MESSAGE = "NIP harus terdiri atas tepat 18 angka tanpa spasi atau tanda baca."


def test_eighteen_digits_accepted():
    nip_validator("198208262009012004")


@pytest.mark.parametrize(
    "nip",
    [
        "19820826200901200",  # 17 digits
        "1982082620090120045",  # 19 digits
        "19820826200901200A",  # a letter
        "NIP198208262009012",  # letters in front
        "19820826 200901 2 004",  # spaced as printed on some letters
        " 198208262009012004",  # leading space
        "198208262009012004 ",  # trailing space
        "198208262009012004\n",  # trailing newline (a plain `$` would let it through)
        "19820826.2009012004",  # punctuation
        "१९८२०८२६२००९०१२००४",  # digits of another script
    ],
)
def test_wrong_nip_refused_with_indonesian_message(nip):
    with pytest.raises(ValidationError) as error:
        nip_validator(nip)
    assert error.value.messages == [MESSAGE]


def test_model_validation_names_the_field():
    user = User(username="x", full_name="X", nip="123")
    user.set_password("kata-sandi-uji-123")
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert error.value.message_dict["nip"] == [MESSAGE]
