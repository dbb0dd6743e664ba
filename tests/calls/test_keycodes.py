"""The agent's keys during a call read as feature codes (calls/keycodes.py)."""

from firmware.calls.keycodes import FLASH, Act, CodeCollector

CODES = {"blind_transfer": "*8", "attended_transfer": "*7", "threeway": "*3", "cancel": "*0",
         "swap": "*2"}


def _keys(collector: CodeCollector, keys: str) -> list:
    return [collector.key(k) for k in keys]


def test_code_target_and_hash_make_one_transfer():
    steps = _keys(CodeCollector(CODES), "*8802#")
    assert [s.act for s in steps] == [Act.CODE, Act.HOLD, Act.TARGET, Act.TARGET, Act.TARGET,
                                      Act.DONE]
    assert (steps[-1].name, steps[-1].target) == ("blind_transfer", "802")


def test_the_caller_is_held_from_the_code_on():
    collector = CodeCollector(CODES)
    assert collector.key("*").act is Act.CODE
    assert not collector.held
    assert collector.key("7").act is Act.HOLD
    assert collector.held and collector.timeout_s is not None


def test_digits_that_are_no_code_are_let_go():
    collector = CodeCollector(CODES)
    assert [s.act for s in _keys(collector, "12#5")] == [Act.IDLE] * 4
    assert [s.act for s in _keys(collector, "*5")] == [Act.CODE, Act.IDLE]
    assert not collector.busy and collector.timeout_s is None


def test_a_flash_holds_then_code_target_and_hash():
    collector = CodeCollector(CODES)
    assert collector.key(FLASH).act is Act.HOLD
    steps = _keys(collector, "*8013800000101#")
    assert steps[1].act is Act.CODE  # on hold since the flash already
    assert (steps[-1].act, steps[-1].target) == (Act.DONE, "013800000101")


def test_a_second_flash_gives_up():
    collector = CodeCollector(CODES)
    collector.key(FLASH)
    collector.key("*")
    assert collector.key(FLASH).act is Act.GIVE_UP
    assert not collector.busy


def test_after_a_flash_a_key_that_is_no_code_gives_up():
    collector = CodeCollector(CODES)
    collector.key(FLASH)
    assert collector.key("5").act is Act.GIVE_UP


def test_star_while_keying_a_target_gives_up():
    collector = CodeCollector(CODES)
    _keys(collector, "*880")
    assert collector.key("*").act is Act.GIVE_UP


def test_hash_without_a_target_gives_up():
    collector = CodeCollector(CODES)
    _keys(collector, "*8")
    assert collector.key("#").act is Act.GIVE_UP


def test_a_pause_while_the_caller_is_held_gives_up():
    collector = CodeCollector(CODES, inter_digit_s=3.0)
    _keys(collector, "*880")
    assert collector.timeout_s == 3.0
    assert collector.timeout().act is Act.GIVE_UP
    assert collector.timeout_s is None


def test_a_pause_in_a_half_keyed_code_just_forgets_it():
    collector = CodeCollector(CODES)
    collector.key("*")
    assert collector.timeout().act is Act.IDLE
    assert collector.key("8").act is Act.IDLE  # "8" alone is no code


def test_codes_without_a_target_are_done_as_keyed():
    collector = CodeCollector(CODES)
    steps = _keys(collector, "*0")
    assert (steps[-1].act, steps[-1].name, steps[-1].target) == (Act.DONE, "cancel", "")


def test_the_owner_codes_are_used():
    collector = CodeCollector({**CODES, "blind_transfer": "*91"})
    assert _keys(collector, "*8")[-1].act is Act.IDLE
    assert _keys(collector, "*91803#")[-1].target == "803"


def test_hanging_up_mid_target_ends_it_as_hash_does():
    collector = CodeCollector(CODES)
    _keys(collector, "*8803")
    step = collector.pending()
    assert (step.act, step.name, step.target) == (Act.DONE, "blind_transfer", "803")


def test_hanging_up_with_the_caller_held_and_no_target():
    collector = CodeCollector(CODES)
    collector.key(FLASH)
    assert collector.pending().act is Act.GIVE_UP
    assert CodeCollector(CODES).pending().act is Act.IDLE
