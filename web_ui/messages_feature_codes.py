"""The Feature codes page's words: key -> (English, Simplified Chinese).

Merged into the catalogue at the end of web_ui/messages.py. A feature code is 功能码;
pickup 代接 (group pickup 组内代接, directed pickup 指定代接); hook flash 拍叉簧.
`fld_<name>` names each code (the refusals' fields: `feature_codes.pickup`), `fc_do_<name>`
says what it does, `fc_use_<name>` how it is keyed.
"""

FEATURE_CODE_MESSAGES: dict[str, tuple[str, str]] = {
    "nav_feature_codes": ("Feature codes", "功能码"),
    "fc_title": ("Feature codes", "功能码"),
    "fc_intro": ("What staff key on a desk phone: codes dialled from dial tone, and codes "
                 "keyed during a call. Change a code if your staff know another "
                 "switchboard's; the change works from the next call. A code is * and "
                 "digits, and no code may be the start of another of its kind.",
                 "员工在座机上按的功能码：在拨号音下拨的，以及通话中按的。员工习惯其他交换机的"
                 "功能码时可以在此修改，下一个电话起生效。功能码为 * 加数字，同一类中任一功能码"
                 "不能是另一个的开头。"),
    "fc_dial_tone": ("From dial tone", "拨号音下拨打"),
    "fc_dial_tone_hint": ("Lift the handset, dial the code.", "拿起话筒，拨功能码。"),
    "fc_in_call": ("During a call", "通话中按键"),
    "fc_in_call_hint": ("On an analog phone, tap the hook (flash, or the phone's R / FLASH key) "
                        "first, then key the code, the number and #. The caller hears hold "
                        "music meanwhile.",
                        "模拟话机先拍一下叉簧（或按话机上的“闪断”键），再按功能码、号码和 #。"
                        "其间来电者听到等待音乐。"),
    "fc_code": ("Code", "功能码"),
    "fc_what": ("What it does", "作用"),
    "fc_how": ("How to key it", "按法"),
    "fc_print": ("A printable list for the desk: print this page (the form is left out).",
                 "可打印本页贴在座机旁（打印时不含修改表单）。"),
    "fc_change": ("Change the codes", "修改功能码"),
    "fc_defaults": ("Defaults: {codes}", "默认：{codes}"),
    "fld_available": ("Available", "示闲（接听组呼）"),
    "fld_unavailable": ("Unavailable", "示忙（不接组呼）"),
    "fld_pickup": ("Pickup", "组内代接"),
    "fld_pickup_extension": ("Directed pickup", "指定代接"),
    "fld_feature_code": ("Voicemail code", "语音信箱功能码"),
    "fld_blind_transfer": ("Blind transfer", "盲转"),
    "fld_attended_transfer": ("Attended transfer", "咨询转接"),
    "fld_threeway": ("Three-way call", "三方通话"),
    "fld_cancel": ("Cancel (back to the caller)", "取消（回到来电者）"),
    "fld_swap": ("Swap", "切换"),
    "fc_do_available": ("This phone's extension takes ring-group calls again.",
                        "本机分机重新接听振铃组来电。"),
    "fc_do_unavailable": ("This phone's extension is passed over by ring-group calls "
                          "(unavailable by choice) until the available code.",
                          "本机分机暂不接振铃组来电（主动示忙），直到拨示闲功能码。"),
    "fc_do_pickup": ("Answer a call ringing at a colleague in one of your ring groups (the "
                     "one ringing longest).",
                     "接听同一振铃组内同事正在响铃的来电（响铃最久的优先）。"),
    "fc_do_pickup_extension": ("Answer the call ringing at that extension, in any group.",
                               "接听指定分机正在响铃的来电（不限振铃组）。"),
    "fc_do_voicemail": ("Listen to this extension's voicemail (the box's PIN first).",
                        "收听本分机的语音留言（先输入信箱密码）。"),
    "fc_do_blind_transfer": ("Transfer the caller to an extension, a colleague's mobile or "
                             "an outside number; you are free at once. If nobody answers, "
                             "the caller comes back to you.",
                             "把来电者转给分机、同事手机或外线号码，您立即空闲；无人接听时来电者"
                             "回到您这里。"),
    "fc_do_attended_transfer": ("Talk to the colleague first while the caller hears music; "
                                "hang up to hand the caller over.",
                                "先与同事通话（来电者听等待音乐），挂机即完成转接。"),
    "fc_do_threeway": ("Add a colleague or an outside number to the call: three talk.",
                       "把同事或外线号码加入通话，三方通话。"),
    "fc_do_cancel": ("During an attended transfer: back to the caller.",
                     "咨询转接中：回到来电者。"),
    "fc_do_swap": ("During an attended transfer: switch between the caller and the "
                   "colleague.", "咨询转接中：在来电者和同事之间切换。"),
    "fc_use_plain": ("{code}", "{code}"),
    "fc_use_extension": ("{code} + extension, e.g. {code}801", "{code} + 分机号，例如 {code}801"),
    "fc_use_target": ("{code} + extension or number + #", "{code} + 分机或号码 + #"),
    "fc_use_voicemail": ("{code}, then the PIN", "{code}，然后输入密码"),
}
