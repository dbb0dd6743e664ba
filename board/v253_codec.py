"""The bytes of an ITU-T V.253 voice modem: DLE shielding, PCM, caller ID lines.

What crosses the serial line of a voice modem (Conexant CX93001 class) besides
AT commands, written from V.253 and the Conexant voice command references:

- DLE shielding (V.253 4.2): in a voice stream a byte 0x10 (DLE) is sent as
  DLE DLE; DLE followed by another byte is a shielded code. From the modem:
  events (`R` ring, `b` busy, `d` dial tone, `l` loop current interruption,
  `L` polarity reversal, `s`/`q` silence, `u`/`o` buffer under/overrun, DTMF
  digits) and DLE ETX, the end of its stream. From the host: DLE ETX ends a
  transmit stream (+VTX), DLE ! aborts a receive stream (+VRX), DLE ^ ends the
  Conexant voice duplex stream (+VTR), DLE CAN clears the transmit buffer.
  Outside a stream the modem still shields its event reports (DLE d between
  commands); text lines (`OK`, `RING`, `NMBR = ...`) are framed by CR LF.
- PCM: compression method "UNSIGNED PCM" (+VSM=1 or 130 on Conexant modems):
  one unsigned byte per sample, 0x80 the zero line. The box's frames are s16le
  at 8 kHz; 8-bit samples keep the top 8 bits.
- Caller ID (+VCID=1, formatted): `DATE = 0321`, `TIME = 1405`, `NMBR = 13812345678`
  (`P` withheld, `O` unavailable), `NAME = ...`, one per line between the first
  and second RING.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DLE, ETX, CAN = 0x10, 0x03, 0x18
END_DUPLEX = bytes((DLE, ord("^")))  # Conexant: leave +VTR
END_TRANSMIT = bytes((DLE, ETX))  # leave +VTX
ABORT_RECEIVE = bytes((DLE, ord("!")))  # leave +VRX
CLEAR_TRANSMIT = bytes((DLE, CAN))

_XOR_SIGN = bytes(b ^ 0x80 for b in range(256))
_U8_TO_S16 = [((b - 128) << 8).to_bytes(2, "little", signed=True) for b in range(256)]

CID_KEYS = ("DATE", "TIME", "NMBR", "NAME", "MESG", "DDN_NMBR")
_CID_LINE = re.compile(r"^\s*(DATE|TIME|NMBR|NAME|MESG|DDN_NMBR)\s*=\s*(.*?)\s*$")
ABSENT = {"P": "withheld", "O": "unavailable"}


def shield(data: bytes) -> bytes:
    """Voice data as it goes inside a stream: every DLE doubled."""
    return data.replace(b"\x10", b"\x10\x10")


def s16_to_u8(pcm: bytes) -> bytes:
    """s16le samples -> unsigned 8-bit PCM (the top byte, sign flipped)."""
    return pcm[1::2].translate(_XOR_SIGN)


def u8_to_s16(data: bytes) -> bytes:
    """Unsigned 8-bit PCM -> s16le samples."""
    return b"".join(_U8_TO_S16[b] for b in data)


@dataclass(frozen=True)
class Shielded:
    """A DLE-shielded code (the byte after DLE), e.g. "b" busy, "\\x03" end of stream."""

    code: str


class StreamDecoder:
    """Splits what arrives in a voice stream into data bytes and shielded codes.

    `feed(chunk)` returns a list of bytes (voice data, DLE DLE already undone) and
    Shielded items in arrival order; a DLE at the end of a chunk waits for the next.
    DLE ETX ends the stream: it is the last item, and `rest` holds what followed it
    in the chunk (command-state text again).
    """

    def __init__(self) -> None:
        self._dle = False
        self.rest = b""

    def reset(self) -> None:
        self._dle = False
        self.rest = b""

    def feed(self, chunk: bytes) -> list[bytes | Shielded]:
        self.rest = b""
        if not self._dle and DLE not in chunk:
            return [chunk] if chunk else []
        out: list[bytes | Shielded] = []
        data = bytearray()
        for i, b in enumerate(chunk):
            if not self._dle:
                if b == DLE:
                    self._dle = True
                else:
                    data.append(b)
                continue
            self._dle = False
            if b == DLE:
                data.append(DLE)
                continue
            if data:
                out.append(bytes(data))
                data = bytearray()
            out.append(Shielded(chr(b)))
            if b == ETX:
                self.rest = chunk[i + 1:]
                return out
        if data:
            out.append(bytes(data))
        return out


class FrameCutter:
    """Collects s16le bytes and hands out whole frames of `size` bytes."""

    def __init__(self, size: int):
        self.size = size
        self._buf = bytearray()

    def add(self, pcm: bytes) -> list[bytes]:
        self._buf += pcm
        frames = []
        while len(self._buf) >= self.size:
            frames.append(bytes(self._buf[:self.size]))
            del self._buf[:self.size]
        return frames

    def clear(self) -> None:
        self._buf.clear()


def cid_field(line: str) -> tuple[str, str] | None:
    """("NMBR", "13812345678") for a formatted caller ID line, else None."""
    match = _CID_LINE.match(line)
    return (match.group(1), match.group(2)) if match else None


def caller_id_detail(fields: dict[str, str]) -> dict:
    """The "caller_id" event's detail from the collected DATE/TIME/NMBR/NAME fields."""
    number, name = fields.get("NMBR"), fields.get("NAME")
    reason = ABSENT.get(number or "") if number is not None else "unavailable"
    if reason is not None:
        number = None
    elif number is not None and not re.fullmatch(r"\+?[0-9*#]{1,32}", number):
        number, reason = None, "unavailable"  # not a number: say so rather than guess
    if name is not None and (name in ABSENT or not name.strip()):
        name = None
    return {"number": number, "name": name, "reason": reason}


@dataclass(frozen=True)
class Compression:
    """One line of the modem's +VSM=? answer."""

    cml: int
    name: str
    bits: int
    rates: tuple[int, ...]


def parse_vsm_list(lines: list[str]) -> list[Compression]:
    """The +VSM=? answer lines (`1,"UNSIGNED PCM",8,0,(7200,8000),(0),(0)`, with or
    without a `+VSM: ` prefix) as Compression entries; lines that do not parse are skipped."""
    found = []
    pattern = re.compile(r'^(?:\+VSM:\s*)?(\d+)\s*,\s*"([^"]*)"\s*,\s*(\d+)\s*,\s*\d+\s*,\s*'
                         r'\(?([0-9,\s-]*)\)?')
    for line in lines:
        match = pattern.match(line.strip())
        if not match:
            continue
        rates = tuple(int(r) for r in re.findall(r"\d+", match.group(4)))
        found.append(Compression(int(match.group(1)), match.group(2).strip().upper(),
                                 int(match.group(3)), rates))
    return found


def pick_unsigned_pcm(options: list[Compression], rate: int = 8000) -> Compression | None:
    """The 8-bit unsigned PCM method at `rate` the modem offers (Conexant: 1, or 130)."""
    for option in options:
        if option.name == "UNSIGNED PCM" and option.bits == 8 and rate in option.rates:
            return option
    return None
