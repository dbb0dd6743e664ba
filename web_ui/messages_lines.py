"""Why a GSM line is not ready, in the page's languages: `live_reason_<code>` for the
`reason_code` of a line's status (firmware/lines/gsm_events.py GsmStatus). A status
without a code shows its English `reason` as it is."""

from __future__ import annotations

LINE_MESSAGES: dict[str, tuple[str, str]] = {
    "live_reason_sim_absent": ("no SIM card", "没有 SIM 卡"),
    "live_reason_sim_puk": ("SIM locked: its PUK is needed", "SIM 卡已锁定：需要 PUK 码"),
    "live_reason_sim_unusable": ("SIM card not usable", "SIM 卡无法使用"),
    "live_reason_sim_pin_missing": ("the SIM needs its PIN: set it in the GSM line settings",
                                    "SIM 卡需要 PIN 码：请在 GSM 线路设置中填写"),
    "live_reason_sim_pin_refused": (
        "the SIM refused the PIN; it is not sent again (wrong PINs lock the SIM behind its "
        "PUK): set the right PIN",
        "SIM 卡拒绝了此 PIN 码，不会再次发送（多次输错会锁卡，需要 PUK 码）：请填写正确的 PIN 码"),
    "live_reason_stray_call_ending": ("ending a call left up on the modem",
                                      "正在挂断调制解调器上遗留的通话"),
    "live_reason_stray_call_stuck": (
        "a call left up on the modem could not be ended; the line stays out of service and "
        "tries again",
        "调制解调器上遗留的通话无法挂断；线路暂不可用，将继续重试"),
}
