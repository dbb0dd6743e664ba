"""Why a line is not ready, in the page's languages: `live_reason_<code>` for the
`reason_code` of a line's status (firmware/lines/gsm_events.py GsmStatus, the FXO
line's `status_dict()` in firmware/lines/fxo.py, and its forwarding refusals,
firmware/lines/fxo_forward.py). A status without a code shows its English `reason`
as it is."""

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
    # the analog (FXO) line (its "no_battery" and "port_fault" are in messages_analog.py)
    "live_reason_fxo_stopped": ("the analog line driver is stopped", "模拟线路驱动已停止"),
    "live_reason_fxo_forward_busy": (
        "call forwarding not set: a call was on the line; the box tries again",
        "呼叫转移未设置：线路正在通话，稍后将重试"),
    "live_reason_fxo_forward_no_dial_tone": (
        "call forwarding not set: the line gave no dial tone",
        "呼叫转移未设置：线路没有拨号音"),
    "live_reason_fxo_forward_refused": (
        "call forwarding not set: the exchange refused the service code (is the service "
        "subscribed on this line?)",
        "呼叫转移未设置：电信局拒绝了业务代码（这条线路是否已开通呼叫转移业务？）"),
    "live_reason_fxo_forward_unconfirmed": (
        "call forwarding not confirmed: the exchange gave no confirmation tone",
        "呼叫转移未确认：电信局没有给出确认音"),
}
