"""The analog line's signal processing in one import, for the FXO line driver.

Pure code (docs/analog.md): the driver feeds 20 ms frames of 8 kHz s16le
audio and the board's line events, each with a monotonic timestamp, and
acts on what comes back.

- on hook: `FxoIncoming` (rings by cadence + caller ID -> `Offer`, `Gone`),
  or its parts `RingCadence`, `FskCallerIdReceiver`, `DtmfCallerIdReceiver`;
- dialling out: `CallProgress` (dial tone, ringback, busy, congestion,
  vacant, voice, silence);
- in a call: `Supervisor` (far-end disconnect by busy tone, polarity
  reversal or loop-current drop), `BusyDisconnect` for the busy tone alone;
- the line itself: `LineBattery` (battery lost, out of service, back);
- `profile(name)`: the country profiles ("cn", "us") with their tone tables.
"""

from firmware.lines.analog_profiles import (
    DISCONNECT_METHODS,
    PROFILES,
    AnalogProfile,
    RingSpec,
    ToneSpec,
    profile,
)
from firmware.lines.cid_decode import (
    CallerId,
    CallerIdFormatError,
    DtmfCallerIdReceiver,
    FskCallerIdReceiver,
    parse_message,
)
from firmware.lines.disconnect import BusyDisconnect, Disconnect
from firmware.lines.fxo_incoming import FxoIncoming, Gone, Offer
from firmware.lines.line_battery import LineBattery, LineStatus
from firmware.lines.progress import CallProgress, ProgressEvent
from firmware.lines.ring_cadence import RingCadence, RingEvent
from firmware.lines.supervision import FarEndGone, Supervisor

__all__ = [
    "DISCONNECT_METHODS",
    "PROFILES",
    "AnalogProfile",
    "BusyDisconnect",
    "CallProgress",
    "CallerId",
    "CallerIdFormatError",
    "Disconnect",
    "DtmfCallerIdReceiver",
    "FarEndGone",
    "FskCallerIdReceiver",
    "FxoIncoming",
    "Gone",
    "LineBattery",
    "LineStatus",
    "Offer",
    "ProgressEvent",
    "RingCadence",
    "RingEvent",
    "RingSpec",
    "Supervisor",
    "ToneSpec",
    "parse_message",
    "profile",
]
