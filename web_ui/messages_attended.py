"""Words of attended transfer and three-way calls on the page (issue 13,
docs/transfer.md): the dashboard's call state while the agent consults a colleague
(status `state` "consulting"; a three-way call shows as talking, with both names)."""

ATTENDED_MESSAGES: dict[str, tuple[str, str]] = {
    "live_call_consulting": ("on hold: the agent consults a colleague", "保持中：坐席正在咨询同事"),
}
