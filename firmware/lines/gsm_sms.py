"""SMS in text mode (27.005 AT+CMGF=1) over the AT engine: send, read, delete.

Text that fits the part of the GSM 7-bit alphabet that ASCII shares goes as it
is with `AT+CSCS="GSM"` (data coding 0); anything else (Chinese, `@`, `$`,
new lines) goes with `AT+CSCS="UCS2"`, where the number and the text travel as
hex UTF-16 and AT+CSMP sets data coding 8. Messages are read with the UCS2
character set too, so every body arrives hex-encoded and never looks like a
result code. The character set is put back to "GSM" afterwards; the caller
holds a lock so no other string-carrying command runs in between.
"""

from __future__ import annotations

import logging
import re

from firmware.config.schema_base import is_digits
from firmware.lines.at import LONG, MEDIUM, AtEngine, CommandFailed, split_fields

log = logging.getLogger(__name__)

GSM_LIMIT = 160  # characters in one 7-bit message
UCS2_LIMIT = 70  # UTF-16 code units in one UCS2 message
# Printable ASCII whose GSM 7-bit code is the same byte ($, @, _, brackets and
# the like are not: those messages go as UCS2).
_GSM_SAFE = frozenset(" !\"#%&'()*+,-./0123456789:;<=>?"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_NUMBER = re.compile(r"^\+?[0-9*#]{3,20}$")
_HEX = re.compile(r"^(?:[0-9A-Fa-f]{4})+$")
_SMSP_GSM = "AT+CSMP=17,167,0,0"
_SMSP_UCS2 = "AT+CSMP=17,167,0,8"


class SmsError(CommandFailed):
    """An SMS could not be sent or read; the message names the number or index."""


def is_gsm_text(text: str) -> bool:
    """Can `text` go in the GSM 7-bit alphabet as plain text-mode bytes?"""
    return all(ch in _GSM_SAFE for ch in text)


def ucs2_hex(text: str) -> str:
    """'你好' -> '4F60597D' (UTF-16 big endian, hex)."""
    return text.encode("utf-16-be").hex().upper()


def from_ucs2_hex(text: str) -> str:
    """Decode hex UTF-16; text that is not hex is returned as it is."""
    if not _HEX.match(text):
        return text
    try:
        return bytes.fromhex(text).decode("utf-16-be")
    except UnicodeDecodeError:
        return text


def split_text(text: str) -> list[str]:
    """Cut `text` into parts that each fit one message (sent as separate SMS)."""
    if is_gsm_text(text):
        return [text[i:i + GSM_LIMIT] for i in range(0, len(text), GSM_LIMIT)] or [""]
    parts, cur, units = [], "", 0
    for ch in text:
        size = 2 if ord(ch) > 0xFFFF else 1
        if units + size > UCS2_LIMIT:
            parts.append(cur)
            cur, units = "", 0
        cur, units = cur + ch, units + size
    return [*parts, cur]


def check_number(number: str) -> str:
    """The number stripped of spaces and dashes; ValueError if it is not one."""
    cleaned = re.sub(r"[\s\-()]", "", number or "")
    if not _NUMBER.match(cleaned):
        raise ValueError(f"{number!r} is not a phone number")
    return cleaned


async def send_sms(engine: AtEngine, number: str, text: str) -> list[int]:
    """Send `text` to `number`; returns the message reference of each part."""
    number = check_number(number)
    parts = split_text(text)
    gsm = is_gsm_text(text)
    try:
        if not gsm:
            await engine.command('AT+CSCS="UCS2"')
            await engine.command(_SMSP_UCS2)
        return [await _send_part(engine, number, part, gsm) for part in parts]
    finally:
        if not gsm:
            await _restore_charset(engine)


async def _send_part(engine: AtEngine, number: str, text: str, gsm: bool) -> int:
    address = number if gsm else ucs2_hex(number)
    body = text if gsm else ucs2_hex(text)
    try:
        reply = await engine.command(f'AT+CMGS="{address}"', body=body, timeout=LONG)
    except CommandFailed as e:
        raise SmsError(f"{engine.name}: SMS to {number} failed: {e}",
                       e.command, e.result) from e
    mr = reply.value("+CMGS:")
    log.info("%s: SMS to %s sent (%d characters, %s)", engine.name, number, len(text),
             "GSM" if gsm else "UCS2")
    return int(mr) if is_digits(mr) else -1


async def read_sms(engine: AtEngine, index: int, delete: bool = True) -> tuple[str, str]:
    """Read message `index` from the modem's store (and delete it): (sender, text)."""
    try:
        await engine.command('AT+CSCS="UCS2"')
        reply = await engine.command(f"AT+CMGR={index}", freeform=True, timeout=MEDIUM)
        if delete:
            await engine.command(f"AT+CMGD={index}", timeout=MEDIUM)
    finally:
        await _restore_charset(engine)
    return parse_cmgr(list(reply.lines), index)


def parse_cmgr(lines: list[str], index: int) -> tuple[str, str]:
    """(sender, text) from `+CMGR: "REC UNREAD","<hex sender>",,"<date>"` and the body."""
    head = next((ln for ln in lines if ln.upper().startswith("+CMGR:")), None)
    if head is None:
        raise ValueError(f"message {index}: no +CMGR line in the reply")
    fields = split_fields(head.partition(":")[2])
    sender = from_ucs2_hex(fields[1]) if len(fields) > 1 else ""
    body = [from_ucs2_hex(ln) for ln in lines[lines.index(head) + 1:]]
    return sender, "\n".join(body)


async def _restore_charset(engine: AtEngine) -> None:
    try:
        await engine.command('AT+CSCS="GSM"')
        await engine.command(_SMSP_GSM)
    except CommandFailed as e:
        log.warning("%s: could not restore the GSM character set: %s", engine.name, e)
