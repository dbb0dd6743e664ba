"""The AT command set of the emulated CX93001 voice modem (hil_tests/pstn/v253modem.py).

Strict as the chip is (Conexant CX930xx / CX81801 command references, ITU-T V.253):
- echo is on after power-up, ATZ and AT&F until ATE0; V1 word results, V0 digits;
- voice commands (+VSM, +VLS, +VTR, +VRX, +VTX, +VGT, +VGR, +VSD, +VIT, +VIP) answer
  ERROR unless +FCLASS=8 is set; ATZ returns to +FCLASS=0;
- +VSM takes only a method and rate from its +VSM=? list (1 and 130 "UNSIGNED PCM",
  129 IMA ADPCM, 140/141 ADPCM; 8000 Hz);
- +VTR / +VRX / +VTX need the line (+VLS=1) and answer CONNECT, then stream;
- ATD and ATA (data calls) are not emulated: ERROR, as for any unknown command; the
  ADPCM methods are accepted by +VSM but the emulator streams only unsigned PCM
  (a stream command with ADPCM selected answers ERROR, unlike the chip).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hil_tests.pstn.atparse import AtCommand, AtError, PlainError, parse_line

VOICE = ("+VSM", "+VLS", "+VTR", "+VRX", "+VTX", "+VGT", "+VGR", "+VSD", "+VIT", "+VIP")
VSM_LIST = (
    (1, "UNSIGNED PCM", 8, (8000,)),
    (129, "IMA ADPCM", 4, (8000,)),
    (130, "UNSIGNED PCM", 8, (8000,)),
    (140, "2 Bit ADPCM", 2, (8000,)),
    (141, "4 Bit ADPCM", 4, (8000,)),
)
FCLASSES = ("0", "1", "1.0", "8")
NUMERIC = {"OK": "0", "CONNECT": "1", "RING": "2", "NO CARRIER": "3", "ERROR": "4"}
STREAMS = {"+VTR": "vtr", "+VRX": "vrx", "+VTX": "vtx"}


@dataclass
class Settings:
    """What ATZ resets."""

    echo: bool = True
    verbose: bool = True
    fclass: str = "0"
    vcid: int = 0
    vsm: tuple[int, int] = (1, 8000)
    vgt: int = 128
    vgr: int = 128
    vsd: tuple[int, int] = (128, 0)
    vit: int = 0


@dataclass
class Outcome:
    """A command line's information lines, final result, and what it changes."""

    lines: list[str] = field(default_factory=list)
    final: str = "OK"
    hook: bool | None = None  # True: go off hook, False: on hook
    stream: str | None = None  # "vtr" | "vrx" | "vtx" after CONNECT
    reset: bool = False


class CommandSet:
    """Runs one host command line against the modem's settings."""

    def __init__(self, duplex: bool = True):
        self.settings = Settings()
        self.vls = 0
        self.duplex = duplex  # +VTR supported (the CX93001 has it)

    def run(self, text: str) -> Outcome:
        out = Outcome()
        try:
            for cmd in parse_line(text):
                self._one(cmd, out)
                if out.stream is not None:
                    out.final = "CONNECT"
                    break
        except AtError:
            out.final, out.stream = "ERROR", None
        return out

    def result(self, word: str) -> str:
        return word if self.settings.verbose else NUMERIC.get(word, word)

    def _one(self, cmd: AtCommand, out: Outcome) -> None:
        if cmd.name in VOICE and self.settings.fclass != "8":
            raise PlainError(f"{cmd.name} outside voice mode")
        handler = getattr(self, "_" + cmd.name.strip("+&").lower(), None)
        if cmd.name.startswith("&"):
            handler = getattr(self, "_amp_" + cmd.name[1:].lower(), None)
        if handler is None:
            raise PlainError(f"unknown command {cmd.name}")
        handler(cmd, out)

    # --- basic commands -------------------------------------------------------------

    def _z(self, cmd: AtCommand, out: Outcome) -> None:
        self.settings = Settings()
        out.reset = True
        if self.vls:
            self.vls, out.hook = 0, False

    _amp_f = _z

    def _e(self, cmd: AtCommand, out: Outcome) -> None:
        self.settings.echo = _flag(cmd)

    def _v(self, cmd: AtCommand, out: Outcome) -> None:
        self.settings.verbose = _flag(cmd)

    def _q(self, cmd: AtCommand, out: Outcome) -> None:
        if cmd.text not in ("", "0"):
            raise PlainError("quiet mode not emulated")

    def _m(self, cmd: AtCommand, out: Outcome) -> None:
        _flag(cmd, allowed=("", "0", "1", "2", "3"))

    _l = _m

    def _h(self, cmd: AtCommand, out: Outcome) -> None:
        off = _flag(cmd)
        self.vls, out.hook = (1 if off else 0), off

    def _i(self, cmd: AtCommand, out: Outcome) -> None:
        answers = {"": "56000", "0": "56000", "3": "CX93001-EIS_V0.2002-V92"}
        if cmd.text not in answers:
            raise PlainError("no such identity")
        out.lines.append(answers[cmd.text])

    # --- extended commands ---------------------------------------------------------

    def _fclass(self, cmd: AtCommand, out: Outcome) -> None:
        if cmd.op == "=?":
            out.lines.append(",".join(FCLASSES))
        elif cmd.op == "?":
            out.lines.append(self.settings.fclass)
        elif cmd.op == "=" and cmd.text in FCLASSES:
            self.settings.fclass = cmd.text
            if cmd.text != "8" and self.vls:
                self.vls, out.hook = 0, False
        else:
            raise PlainError("bad +FCLASS")

    def _vcid(self, cmd: AtCommand, out: Outcome) -> None:
        self.settings.vcid = self._number(cmd, out, "vcid", 0, 2, "(0-2)")

    def _vsm(self, cmd: AtCommand, out: Outcome) -> None:
        if cmd.op == "=?":
            out.lines += [f'{cml},"{name}",{bits},0,({",".join(map(str, rates))}),(0),(0)'
                          for cml, name, bits, rates in VSM_LIST]
        elif cmd.op == "?":
            out.lines.append(f"{self.settings.vsm[0]},{self.settings.vsm[1]},0,0")
        elif cmd.op == "=":
            cml, rate = cmd.int_arg(0), cmd.int_arg(1, 8000)
            if not any(c == cml and rate in rates for c, _, _, rates in VSM_LIST):
                raise PlainError("method or rate not offered")
            self.settings.vsm = (cml, rate)
        else:
            raise PlainError("bad +VSM")

    def _vls(self, cmd: AtCommand, out: Outcome) -> None:
        if cmd.op == "=?":
            out.lines.append("0,1")
        elif cmd.op == "?":
            out.lines.append(str(self.vls))
        elif cmd.op == "=" and cmd.text in ("0", "1"):
            self.vls = int(cmd.text)
            out.hook = self.vls == 1
        else:
            raise PlainError("bad +VLS")

    def _stream(self, cmd: AtCommand, out: Outcome) -> None:
        if cmd.op != "" or self.vls != 1:
            raise PlainError(f"{cmd.name} needs the line (+VLS=1)")
        if cmd.name == "+VTR" and not self.duplex:
            raise PlainError("no voice duplex")
        if self.settings.vsm[0] not in (1, 130):
            raise PlainError("only unsigned PCM is streamed by the emulator")
        out.stream = STREAMS[cmd.name]

    _vtr = _vrx = _vtx = _stream

    def _vgt(self, cmd: AtCommand, out: Outcome) -> None:
        self.settings.vgt = self._number(cmd, out, "vgt", 0, 255, "(0-255)")

    def _vgr(self, cmd: AtCommand, out: Outcome) -> None:
        self.settings.vgr = self._number(cmd, out, "vgr", 0, 255, "(0-255)")

    def _vit(self, cmd: AtCommand, out: Outcome) -> None:
        self.settings.vit = self._number(cmd, out, "vit", 0, 255, "(0-255)")

    def _vsd(self, cmd: AtCommand, out: Outcome) -> None:
        if cmd.op == "=?":
            out.lines.append("(0-255),(0-255)")
        elif cmd.op == "?":
            out.lines.append("{},{}".format(*self.settings.vsd))
        elif cmd.op == "=":
            self.settings.vsd = (cmd.int_arg(0, 128, 0, 255), cmd.int_arg(1, 0, 0, 255))
        else:
            raise PlainError("bad +VSD")

    def _vip(self, cmd: AtCommand, out: Outcome) -> None:
        if cmd.op != "":
            raise PlainError("bad +VIP")
        keep = self.settings
        self.settings = Settings(echo=keep.echo, verbose=keep.verbose, fclass=keep.fclass,
                                 vcid=keep.vcid)

    def _number(self, cmd: AtCommand, out: Outcome, name: str, lo: int, hi: int,
                test: str) -> int:
        current = getattr(self.settings, name)
        if cmd.op == "=?":
            out.lines.append(test)
            return current
        if cmd.op == "?":
            out.lines.append(str(current))
            return current
        if cmd.op == "=":
            return cmd.int_arg(0, None, lo, hi)
        raise PlainError(f"bad {cmd.name}")


def _flag(cmd: AtCommand, allowed: tuple[str, ...] = ("", "0", "1")) -> bool:
    if cmd.text not in allowed:
        raise PlainError(f"bad value for {cmd.name}")
    return cmd.text == "1"
