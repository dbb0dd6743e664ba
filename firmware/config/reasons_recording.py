"""Why a `recording` section was refused (validate_recording.py): catalogue entries
added to reasons.REASONS (their Chinese: web_ui/messages_recording.py)."""

RECORDING_REASONS: dict[str, str] = {
    "not_recording_rule": '"{value}" is not a recording rule: "all", "route:NAME", '
                          '"ring_group:NAME" or "agent:ID"',
    "unknown_recording_target": 'no {kind} "{name}" for this recording rule',
    "too_many_recording_rules": "{n} recording rules: at most {max}",
}
