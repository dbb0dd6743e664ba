"""Words of transfers on the page (issue 13: docs/transfer.md): the dashboard's "who
holds the caller now, transferred by whom", the records' transfer note and the
report's transfers per agent. live.js reads the `live_*` ones from the words block."""

TRANSFER_MESSAGES: dict[str, tuple[str, str]] = {
    "live_call_held": ("on hold", "保持中"),
    "live_transferred_by": ("transferred by {who}", "由 {who} 转接"),
    "col_transfers": ("Transfers", "转接次数"),
    "sec_transfer": ("Transfers", "转接"),
    "rec_transferred_by": ("transferred by {who}", "由 {who} 转接"),
}
