"""Words of issue 9 §8 (the page in the owner's language): the records search, the
dashboard's signal bars and waiting time, LED words, the network operator's name,
the CSV export's headers, the test-a-call account. key -> (English, Chinese)."""

I18N_MESSAGES: dict[str, tuple[str, str]] = {
    # records search
    "rec_number_or_name": ("Number or name", "号码或姓名"),
    "rec_number_hint": ("8888, 0571 8888, 张伟", "8888、0571 8888、张伟"),
    "rec_region_hint": ("浙江, 杭州", "浙江、杭州"),
}
