"""Why a queue step was refused (validate_queue.py): catalogue entries added to
reasons.REASONS (their Chinese: web_ui/messages_queue.py)."""

QUEUE_REASONS: dict[str, str] = {
    "queue_keys_same": 'the leave key and the callback key are both "{key}": give each its '
                       'own key',
    "queue_announce_too_often": "{value} s: announce at most every 10 s (or 0: never)",
}
