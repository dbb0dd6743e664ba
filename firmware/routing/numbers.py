"""Phone numbers for routing: normalising to E.164 and reading digits dialled on a desk phone.

Pure functions over `phonenumbers` metadata. `normalise` turns what people write
("13512345678", "021 6123 4567") into E.164 for the box's country. `classify_dialed`
answers, digit by digit, whether a desk phone has dialled an extension, an outside
number (after the outside-line prefix), a feature code (the config's `feature_codes` and
`voicemail.feature_code`: `feature_codes(config)`; `pickup_extension` is followed by an
extension number), something
that is not finished yet, or something that can never become valid; the call
controller collects digits until the answer is no longer `incomplete`, or until its
inter-digit timer fires, and then asks once more with `final=True`.

"Could more digits follow?" is decided by partial matches (the `regex` module) of the
country's number patterns, per number type, so a complete mobile number (11 digits in
China) is recognised at once while a city number that may be 7 or 8 digits long waits.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import phonenumbers
import regex
from phonenumbers import CountryCodeSource, PhoneMetadata, shortnumberinfo

from firmware.config.feature_codes_schema import FeatureCodes
from firmware.config.schema import Config
from firmware.config.schema_base import is_digits

# The number types `phonenumbers.is_valid_number` accepts, by metadata attribute.
_NUMBER_TYPES = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
                 "personal_number", "voip", "pager", "uan", "voicemail")
_DIGITS = "0123456789"


@functools.lru_cache(maxsize=4096)  # routing resolves the config's numbers on every call
def normalise(number: str, country: str) -> str:
    """`number` as E.164, read as a number of `country`; ValueError says why not.

    >>> normalise("021 6123 4567", "CN")
    '+862161234567'
    """
    try:
        parsed = phonenumbers.parse(number, country)
    except phonenumbers.NumberParseException:
        raise ValueError(f'"{number}" is not a phone number') from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(f'"{number}" is not a valid phone number (country {country})')
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class DialedKind(enum.StrEnum):
    EXTENSION = "extension"
    OUTSIDE = "outside"
    FEATURE = "feature"  # a feature code dialled from dial tone (*61, *62, *40, *41801)
    INCOMPLETE = "incomplete"
    INVALID = "invalid"


class Feature(enum.StrEnum):
    """What a feature code dialled on a desk phone asks for (R12, T7)."""

    AVAILABLE = "available"  # this extension takes ring-group calls again
    UNAVAILABLE = "unavailable"  # this extension's ring-group calls pass it over
    VOICEMAIL = "voicemail"  # listen to this extension's voicemail (config: voicemail.feature_code)
    PICKUP = "pickup"  # answer a call ringing in one of this extension's ring groups
    PICKUP_EXTENSION = "pickup_extension"  # + an extension number: answer the call ringing there


# Codes followed by an extension number (`Dialed.extension`).
WITH_EXTENSION = frozenset({Feature.PICKUP_EXTENSION})
_DEFAULT_CODES = FeatureCodes()
# The defaults, dialled from dial tone (docs/feature-codes.md). *7 and *8 are taken:
# transfer codes during a call. The box reads the config's own (`feature_codes`).
FEATURE_CODES: dict[str, Feature] = {
    **{code: Feature(name) for name, code in _DEFAULT_CODES.dial_tone().items()},
    "*97": Feature.VOICEMAIL}


def feature_codes(config: Config) -> dict[str, Feature]:
    """{code: feature} of the codes dialled from dial tone, as the config has them:
    `feature_codes` (available, unavailable, pickup, pickup_extension) and
    `voicemail.feature_code`; an older config without them: the defaults."""
    section = getattr(config, "feature_codes", None) or _DEFAULT_CODES
    codes = {code: Feature(name) for name, code in section.dial_tone().items()}
    voicemail = getattr(config, "voicemail", None)
    codes[voicemail.feature_code if voicemail is not None else "*97"] = Feature.VOICEMAIL
    return codes


@dataclass(frozen=True)
class Dialed:
    """What dialled digits mean.

    `extension` is the extension number to ring (with `feature` pickup_extension: the
    extension whose ringing call to pick up); `number` the outside number to dial:
    E.164 for a full number, the digits as dialled for a short number (10086, 110).
    While `incomplete`, `extension` or `number` may already say what the digits would
    mean if dialling stopped now (`final=True` turns that into the answer).
    """

    kind: DialedKind
    digits: str
    reason: str
    extension: str | None = None
    number: str | None = None
    feature: Feature | None = None


def classify_dialed(digits: str, config: Config, *, final: bool = False) -> Dialed:
    """Read `digits` dialled on a desk phone; `final` when no more digits will come.

    A trailing "#" ends dialling (same as `final`). With an outside-line prefix, digits
    that start with it are an outside number, all others an extension; with no prefix,
    an extension that matches wins over an outside number.

    >>> classify_dialed("013512345678", config).number
    '+8613512345678'
    """
    if digits.endswith("#"):
        digits, final = digits[:-1], True
    if not digits:
        return _verdict(Dialed(DialedKind.INCOMPLETE, digits, "nothing dialled yet"), final)
    if digits.startswith("*"):
        return _verdict(_feature(digits, feature_codes(config), config), final)
    if not is_digits(digits):
        return Dialed(DialedKind.INVALID, digits, f'"{digits}" is not a string of digits')
    prefix = config.settings.outside_line_prefix
    if prefix and digits.startswith(prefix):
        return _verdict(_outside(digits, prefix, config.settings.country), final)
    if not prefix:
        return _verdict(_either(digits, config), final)
    as_extension = _extension(digits, config)
    if prefix.startswith(digits):  # "9" of a prefix "90": a line or an extension may follow
        return _verdict(Dialed(DialedKind.INCOMPLETE, digits, "the start of the outside-line "
                               f'prefix "{prefix}"', extension=as_extension.extension), final)
    return _verdict(as_extension, final)


def _feature(digits: str, codes: dict[str, Feature], config: Config) -> Dialed:
    feature = codes.get(digits)
    if feature in WITH_EXTENSION:
        return Dialed(DialedKind.INCOMPLETE, digits,
                      f"feature code {digits}: {feature}, waiting for the extension number")
    if feature is not None:
        return Dialed(DialedKind.FEATURE, digits, f"feature code {digits}: {feature}",
                      feature=feature)
    for code, wanted in codes.items():
        if wanted in WITH_EXTENSION and digits.startswith(code):
            return _with_extension(digits, code, wanted, config)
    if any(code.startswith(digits) for code in codes):
        return Dialed(DialedKind.INCOMPLETE, digits, "the start of a feature code")
    return Dialed(DialedKind.INVALID, digits, f'"{digits}" is not a feature code')


def _with_extension(digits: str, code: str, feature: Feature, config: Config) -> Dialed:
    """A code followed by an extension number (*41 + 801: pick up the call ringing there)."""
    rest = digits[len(code):]
    if not is_digits(rest):
        return Dialed(DialedKind.INVALID, digits, f'"{rest}" after {code} is not an extension')
    extension = _extension(rest, config)
    what = f"feature code {code}: {feature}"
    if extension.kind is DialedKind.EXTENSION:
        return Dialed(DialedKind.FEATURE, digits, f"{what} of {extension.reason}",
                      extension=rest, feature=feature)
    if extension.kind is DialedKind.INCOMPLETE:
        return Dialed(DialedKind.INCOMPLETE, digits, f"{what}; {extension.reason}",
                      extension=extension.extension, feature=feature)
    return Dialed(DialedKind.INVALID, digits, f"{what}; {extension.reason}")


def _verdict(dialed: Dialed, final: bool) -> Dialed:
    """With `final`, an incomplete answer becomes what the digits mean now, or invalid."""
    if not final or dialed.kind is not DialedKind.INCOMPLETE:
        return dialed
    if dialed.feature is not None and dialed.extension is not None:
        return Dialed(DialedKind.FEATURE, dialed.digits, dialed.reason + "; dialling ended",
                      extension=dialed.extension, feature=dialed.feature)
    if dialed.feature is not None:
        return Dialed(DialedKind.INVALID, dialed.digits, dialed.reason + "; dialling ended")
    if dialed.extension is not None:
        return Dialed(DialedKind.EXTENSION, dialed.digits, dialed.reason + "; dialling ended",
                      extension=dialed.extension)
    if dialed.number is not None:
        return Dialed(DialedKind.OUTSIDE, dialed.digits, dialed.reason + "; dialling ended",
                      number=dialed.number)
    return Dialed(DialedKind.INVALID, dialed.digits, dialed.reason + "; dialling ended")


def _extension(digits: str, config: Config) -> Dialed:
    numbers = [e.number for e in config.extensions]
    longer = any(n.startswith(digits) and n != digits for n in numbers)
    if digits in numbers:
        name = config.extension(digits).name  # type: ignore[union-attr]
        if longer:
            return Dialed(DialedKind.INCOMPLETE, digits,
                          f"extension {digits} ({name}), or a longer one", extension=digits)
        return Dialed(DialedKind.EXTENSION, digits, f"extension {digits} ({name})",
                      extension=digits)
    if longer:
        return Dialed(DialedKind.INCOMPLETE, digits, "the start of an extension number")
    return Dialed(DialedKind.INVALID, digits, f"no extension {digits}")


def _either(digits: str, config: Config) -> Dialed:
    """No outside-line prefix: an extension if one matches, else an outside number."""
    as_extension = _extension(digits, config)
    if as_extension.kind is not DialedKind.INVALID:
        return as_extension
    return _outside(digits, "", config.settings.country)


def _outside(digits: str, prefix: str, country: str) -> Dialed:
    rest = digits[len(prefix):]
    line = f'outside line ("{prefix}") ' if prefix else ""
    if not rest:
        return Dialed(DialedKind.INCOMPLETE, digits, f"{line}waiting for the number")
    reading = read_number(rest, country)
    if reading.number is not None and not reading.more:
        return Dialed(DialedKind.OUTSIDE, digits, f"{line}{reading.reason}",
                      number=reading.number)
    if reading.more:
        return Dialed(DialedKind.INCOMPLETE, digits, f"{line}{reading.reason}",
                      number=reading.number)
    return Dialed(DialedKind.INVALID, digits, f"{line}{reading.reason}")


@dataclass(frozen=True)
class NumberReading:
    """What dialled digits (without any line prefix) are as a phone number.

    `number`: what to dial if dialling stopped now (None: not a number yet);
    `more`: whether more digits could still make a (longer) valid number.
    """

    number: str | None
    more: bool
    reason: str


def read_number(digits: str, country: str) -> NumberReading:
    """Read digits as a national, international or short number of `country`."""
    if shortnumberinfo.is_emergency_number(digits, country):
        return NumberReading(digits, False, f"emergency number {digits}")
    full = _full_number(digits, country)
    short = _short_number(digits, country)
    # A service number (10086, 95588) is complete unless a longer *short* number starts
    # with it: phonenumbers' loose patterns would otherwise read it as the start of some
    # full number, and the caller would always wait for the inter-digit timeout.
    more = _could_continue(digits, country, short_only=short is not None and full is None)
    longer = " (or a longer one)" if more else ""
    if full is not None:
        return NumberReading(full, more, f"number {full}{longer}")
    if short is not None:
        return NumberReading(short, more, f"short number {short}{longer}")
    if more:
        return NumberReading(None, True, f'"{digits}" is not a whole number yet')
    return NumberReading(None, False, f'"{digits}" is not a phone number in {country}')


def _full_number(digits: str, country: str) -> str | None:
    """The E.164 number, if `digits` dial one the usual way.

    phonenumbers also reads a country code written without "+" or "00" ("86135...")
    and carrier-select prefixes (17951 + number in China); nobody dials those on a desk
    phone, and `_could_match` does not expect them, so they are not numbers here.
    """
    try:
        parsed = phonenumbers.parse(digits, country, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return None
    if parsed.country_code_source == CountryCodeSource.FROM_NUMBER_WITHOUT_PLUS_SIGN:
        return None
    if parsed.preferred_domestic_carrier_code or not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _short_number(digits: str, country: str) -> str | None:
    try:
        parsed = phonenumbers.parse(digits, country)
    except phonenumbers.NumberParseException:
        return None
    if shortnumberinfo.is_valid_short_number_for_region(parsed, country):
        return digits
    return None


def _could_continue(digits: str, country: str, short_only: bool = False) -> bool:
    """Could one more digit (and maybe others after it) still give a valid number?"""
    if short_only:
        return any(_prefix_of(digits + d, _short_patterns(country)) for d in _DIGITS)
    return any(_could_match(digits + d, country) for d in _DIGITS)


def _could_match(digits: str, country: str) -> bool:
    """Is `digits` a whole number or the start of one (national, international or short)?"""
    metadata = PhoneMetadata.metadata_for_region(country)
    if metadata is None:
        return False
    if _prefix_of(digits, _short_patterns(country)):
        return True
    for national in _national_readings(digits, metadata):
        if _prefix_of(national, _type_patterns(country)):
            return True
    return _could_be_international(digits, metadata)


def _national_readings(digits: str, metadata: PhoneMetadata) -> list[str]:
    """The national significant number, dialled with or without the national prefix."""
    readings = [digits]
    trunk = metadata.national_prefix
    if trunk and digits.startswith(trunk):
        readings.append(digits[len(trunk):])
    return [r for r in readings if r]


def _could_be_international(digits: str, metadata: PhoneMetadata) -> bool:
    # The plain prefix ("00" in China), not carrier-select forms like 17951+00 that
    # would make every number starting 12 or 11 look unfinished.
    pattern = metadata.preferred_international_prefix or metadata.international_prefix
    if not pattern:
        return False
    idd = regex.match(pattern, digits)
    if idd is None or idd.end() == len(digits):
        # still dialling the international prefix itself?
        return regex.fullmatch(pattern, digits, partial=True) is not None
    body = digits[idd.end():]
    for length in (1, 2, 3):
        code = body[:length]
        if len(body) <= length:
            if any(str(c).startswith(body) for c in phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
                return True
            continue
        for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(code), ()):
            their = PhoneMetadata.metadata_for_region(region)
            readings = _national_readings(body[length:], their) if their else []
            if any(_prefix_of(r, _type_patterns(region)) for r in readings):
                return True
    return False


def _prefix_of(digits: str, patterns: Iterable[tuple[regex.Pattern, frozenset[int]]]) -> bool:
    """Is `digits` a whole match, or the start of a match, of one of the patterns?"""
    for pattern, lengths in patterns:
        if lengths and len(digits) > max(lengths):
            continue
        if pattern.fullmatch(digits, partial=True) is not None:
            return True
    return False


@cache
def _type_patterns(region: str) -> tuple[tuple[regex.Pattern, frozenset[int]], ...]:
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return ()
    descs = (getattr(metadata, name, None) for name in _NUMBER_TYPES)
    return _compiled(descs, metadata.general_desc.possible_length)


@cache
def _short_patterns(region: str) -> tuple[tuple[regex.Pattern, frozenset[int]], ...]:
    metadata = PhoneMetadata.short_metadata_for_region(region)
    if metadata is None:
        return ()
    return _compiled([metadata.short_code], metadata.general_desc.possible_length)


def _compiled(descs: Iterable, default_lengths: Iterable[int] | None
              ) -> tuple[tuple[regex.Pattern, frozenset[int]], ...]:
    out = []
    for desc in descs:
        if desc is None or not desc.national_number_pattern:
            continue
        lengths = desc.possible_length or default_lengths or ()
        out.append((regex.compile(desc.national_number_pattern), frozenset(lengths)))
    return tuple(out)
