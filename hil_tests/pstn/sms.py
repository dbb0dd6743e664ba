"""SMS encodings a modem speaks: GSM 7-bit, UCS2 hex, and 3GPP 23.040 PDUs.

Text mode (`AT+CMGF=1`) carries the number and text in the `AT+CSCS` character
set ("IRA", "GSM", or "UCS2" = hex of UTF-16BE). PDU mode (`AT+CMGF=0`)
carries a hex SMS-SUBMIT from the host and an SMS-DELIVER to it. Bad input
raises ValueError naming what is wrong; the AT handlers turn that into
`+CMS ERROR: 304/305`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXT = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[", 0x3D: "~",
            0x3E: "]", 0x40: "|", 0x65: "€"}
_BASIC_INDEX = {ch: i for i, ch in enumerate(GSM7_BASIC)}
_EXT_INDEX = {ch: code for code, ch in GSM7_EXT.items()}
MAX_GSM7 = 160
MAX_UCS2 = 70
CHARSETS = ("IRA", "GSM", "UCS2")


def gsm7_septets(text: str) -> list[int] | None:
    """The septets for `text`, or None when it has a character outside the GSM alphabet."""
    out: list[int] = []
    for ch in text:
        if ch in _BASIC_INDEX and ch != "\x1b":
            out.append(_BASIC_INDEX[ch])
        elif ch in _EXT_INDEX:
            out += [0x1B, _EXT_INDEX[ch]]
        else:
            return None
    return out


def gsm7_text(septets: list[int]) -> str:
    out, escape = [], False
    for s in septets:
        if escape:
            out.append(GSM7_EXT.get(s, " "))
            escape = False
        elif s == 0x1B:
            escape = True
        else:
            out.append(GSM7_BASIC[s])
    return "".join(out)


def pack7(septets: list[int], fill_bits: int = 0) -> bytes:
    acc, nbits, out = 0, fill_bits, bytearray()
    for s in septets:
        acc |= (s & 0x7F) << nbits
        nbits += 7
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits > 0:
        out.append(acc & 0xFF)
    return bytes(out)


def unpack7(data: bytes, count: int, fill_bits: int = 0) -> list[int]:
    bits = int.from_bytes(data, "little")
    return [(bits >> (fill_bits + 7 * i)) & 0x7F for i in range(count)]


def ucs2_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def from_ucs2_hex(hexstr: str, what: str = "text") -> str:
    try:
        raw = bytes.fromhex(hexstr)
    except ValueError:
        raise ValueError(f"{what} is not UCS2 hex: {hexstr[:40]!r}") from None
    if len(raw) % 2:
        raise ValueError(f"{what} has an odd number of UCS2 bytes")
    try:
        return raw.decode("utf-16-be")
    except UnicodeDecodeError:
        raise ValueError(f"{what} is not valid UTF-16 (lone surrogate)") from None


def from_charset(raw: str, cscs: str, what: str = "text") -> str:
    """Host text (as received, latin-1 decoded) in character set `cscs` -> str."""
    if cscs == "UCS2":
        return from_ucs2_hex(raw, what)
    if cscs == "GSM":
        return gsm7_text([ord(c) & 0x7F for c in raw])
    return raw


def to_charset(text: str, cscs: str) -> str:
    """str -> how the modem writes it in character set `cscs` (latin-1 line text)."""
    if cscs == "UCS2":
        return ucs2_hex(text)
    if cscs == "GSM":
        return "".join(chr(s) for s in (gsm7_septets(text) or []))
    return "".join(c if ord(c) < 128 else "?" for c in text)


def check_length(text: str) -> str:
    """The encoding one SMS of `text` needs ("gsm7"/"ucs2"); ValueError if it does not fit."""
    septets = gsm7_septets(text)
    if septets is not None:
        if len(septets) > MAX_GSM7:
            raise ValueError(f"text is {len(septets)} GSM septets, one SMS holds {MAX_GSM7}")
        return "gsm7"
    if len(text.encode("utf-16-be")) > 2 * MAX_UCS2:
        raise ValueError(f"text needs UCS2 and is longer than {MAX_UCS2} characters")
    return "ucs2"


# --- PDUs -----------------------------------------------------------------


def _semi_octets(digits: str) -> bytes:
    if len(digits) % 2:
        digits += "F"
    return bytes.fromhex("".join(digits[i + 1] + digits[i] for i in range(0, len(digits), 2)))


def _digits(data: bytes, count: int) -> str:
    out = "".join(f"{b:02X}"[::-1] for b in data)
    return out[:count].replace("A", "*").replace("B", "#")


def encode_address(number: str) -> bytes:
    """TP address: digit count, type (0x91 international / 0x81 unknown), semi-octets."""
    intl = number.startswith("+")
    digits = number.lstrip("+")
    if not digits.isdigit():
        raise ValueError(f"number {number!r} is not digits")
    return bytes([len(digits), 0x91 if intl else 0x81]) + _semi_octets(digits)


def encode_smsc(number: str) -> bytes:
    body = bytes([0x91 if number.startswith("+") else 0x81]) + _semi_octets(number.lstrip("+"))
    return bytes([len(body)]) + body


@dataclass
class Submit:
    """An SMS-SUBMIT the host sent in PDU mode."""

    to: str
    text: str
    dcs: int
    mr: int
    part: dict | None = None


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ValueError("PDU is shorter than its fields say")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]


def decode_submit(hexpdu: str, tpdu_len: int) -> Submit:
    """Parse the host's hex SMS-SUBMIT (with its SMSC prefix); `tpdu_len` is AT+CMGS's length."""
    try:
        data = bytes.fromhex(hexpdu.strip())
    except ValueError:
        raise ValueError("PDU is not hex") from None
    r = _Reader(data)
    sca_len = r.byte()
    r.take(sca_len)
    if len(data) - 1 - sca_len != tpdu_len:
        raise ValueError(f"PDU is {len(data) - 1 - sca_len} octets, AT+CMGS said {tpdu_len}")
    first = r.byte()
    if first & 0x03 != 0x01:
        raise ValueError("PDU is not an SMS-SUBMIT")
    mr = r.byte()
    to = _read_address(r)
    r.byte()  # PID
    dcs = r.byte()
    r.take({0: 0, 2: 1}.get((first >> 3) & 0x03, 7))
    text, part = _read_user_data(r, dcs, bool(first & 0x40))
    return Submit(to=to, text=text, dcs=dcs, mr=mr, part=part)


def _read_address(r: _Reader) -> str:
    ndigits, kind = r.byte(), r.byte()
    raw = r.take((ndigits + 1) // 2)
    if kind & 0x70 == 0x50:
        return gsm7_text(unpack7(raw, ndigits * 4 // 7))
    return ("+" if kind & 0x70 == 0x10 else "") + _digits(raw, ndigits)


def _alphabet(dcs: int) -> str:
    if dcs & 0xC0 == 0:
        return ("gsm7", "8bit", "ucs2", "gsm7")[(dcs >> 2) & 0x03]
    if dcs & 0xF0 == 0xF0:
        return "8bit" if dcs & 0x04 else "gsm7"
    return "ucs2" if dcs & 0xF0 == 0xE0 else "gsm7"


def _read_user_data(r: _Reader, dcs: int, udhi: bool) -> tuple[str, dict | None]:
    udl = r.byte()
    alphabet = _alphabet(dcs)
    rest = r.data[r.pos:]
    header, part = b"", None
    if udhi:
        header = rest[:1 + rest[0]]
        part = _concat_info(header[1:])
    if alphabet == "gsm7":
        skip_bits = len(header) * 8
        fill = (7 - skip_bits % 7) % 7
        count = udl - (skip_bits + fill) // 7
        septets = unpack7(rest[len(header):], count, fill)
        return gsm7_text(septets), part
    body = rest[len(header):udl]
    if alphabet == "ucs2":
        return body.decode("utf-16-be", "replace"), part
    return body.decode("latin-1"), part


def _concat_info(ies: bytes) -> dict | None:
    i = 0
    while i + 1 < len(ies):
        iei, length = ies[i], ies[i + 1]
        value = ies[i + 2:i + 2 + length]
        if iei == 0x00 and length == 3:
            return {"ref": value[0], "total": value[1], "seq": value[2]}
        if iei == 0x08 and length == 4:
            return {"ref": value[0] << 8 | value[1], "total": value[2], "seq": value[3]}
        i += 2 + length
    return None


def _timestamp(t: float, tz_quarters: int = 32) -> bytes:
    lt = time.gmtime(t + tz_quarters * 900)
    digits = "".join(f"{v:02d}" for v in (lt.tm_year % 100, lt.tm_mon, lt.tm_mday,
                                           lt.tm_hour, lt.tm_min, lt.tm_sec, tz_quarters))
    return _semi_octets(digits)


def scts_text(t: float, tz_quarters: int = 32) -> str:
    """Text-mode service centre time stamp, e.g. 24/05/01,12:00:00+32 (China = +32)."""
    lt = time.gmtime(t + tz_quarters * 900)
    return time.strftime("%y/%m/%d,%H:%M:%S", lt) + f"+{tz_quarters:02d}"


def encode_deliver(sender: str, text: str, smsc: str, t: float) -> tuple[str, int]:
    """An SMS-DELIVER as the modem shows it in PDU mode: (hex, TPDU length)."""
    septets = gsm7_septets(text)
    if septets is not None:
        dcs, udl, ud = 0x00, len(septets), pack7(septets)
    else:
        ud = text.encode("utf-16-be")
        dcs, udl = 0x08, len(ud)
    if sender.lstrip("+").isdigit():
        oa = encode_address(sender)
    else:
        packed = pack7(gsm7_septets(sender) or [])
        oa = bytes([len(packed) * 2, 0xD0]) + packed
    tpdu = bytes([0x04]) + oa + bytes([0x00, dcs]) + _timestamp(t) + bytes([udl]) + ud
    return (encode_smsc(smsc) + tpdu).hex().upper(), len(tpdu)
