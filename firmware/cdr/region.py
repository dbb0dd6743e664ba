"""Where a phone number is from: moved to `firmware.region` (routing needs it too,
and routing imports nothing from the records store). Kept so `cdr` code and tests
can go on saying `firmware.cdr.region`."""

from firmware.region import (  # noqa: F401
    EXTENSION,
    KINDS,
    LOCALE,
    MUNICIPALITIES,
    UNKNOWN,
    WITHHELD,
    WITHHELD_WORDS,
    Region,
    _phonenumbers,
    describe,
    preload,
    province_name,
    split_region,
)
