"""Every page in both languages: each key used is in the catalogue, in English and
Chinese, with the same placeholders; the browser's language is honoured."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from web_ui import i18n
from web_ui.messages import MESSAGES

WEB = Path(__file__).resolve().parents[2] / "web_ui"
PREFIXES = {"agent_": ("idle", "in_call", "unavailable", "out_of_service", "mobile", "ringing"),
            "sys_": ("ready", "booting", "offline", "not_answering"),
            "day_": ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
            "col_": ("calls", "answered", "missed", "busy", "abandoned", "blocked", "talk_s",
                     "avg_talk_s"),
            "strategy_": ("sequential", "random", "rotating", "ring_all", "percentage",
                          "longest_idle", "fewest_answered"),
            "result_": ("answered", "missed", "abandoned", "busy", "failed", "blocked",
                        "forwarded", "voicemail", "in_progress", "interrupted"),
            "treatment_": ("busy", "announcement", "hangup"),
            "counter_": ("inbound_calls", "inbound_minutes", "outbound_minutes"),
            "cap_action_": ("reject", "voicemail", "no_mobiles"),
            "rules_match_": ("numbers", "provinces", "cities", "area_codes", "carriers"),
            "rules_": ("deny_regions", "allow_regions"),
            "tr_holidays_": ("closed", "weekly"),
            "rf_to_": ("default", "ring_group", "plan", "duty", "forward_chain", "busy",
                       "announcement", "hangup"),
            "rf_exit_": ("busy", "no_answer", "unavailable"),
            "rf_withheld_": ("any", "only", "never"),
            "rf_m_": ("numbers", "provinces", "cities", "area_codes", "carriers")}


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for tpl in (WEB / "views").glob("*.tpl"):
        keys |= set(re.findall(r"_\('([a-z_]+)'[,)]", tpl.read_text("utf-8")))
    for py in WEB.glob("*.py"):
        keys |= set(re.findall(r'"((?:err|pw|login|setup|rf)_[a-z_]+)"', py.read_text("utf-8")))
    keys |= {"saved", "restored", "password_changed", "error_page", "nav_dashboard"}
    keys |= {p + s for p, suffixes in PREFIXES.items() for s in suffixes}
    return keys


def test_every_key_used_is_in_the_catalogue() -> None:
    missing = sorted(k for k in _used_keys() if k not in MESSAGES)
    assert missing == []


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    en, zh = MESSAGES[key]
    assert en.strip() and zh.strip()
    fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in (en, zh)]
    assert fields[0] == fields[1]


def test_accept_language() -> None:
    assert i18n.choose(None, "en-US,en;q=0.9") == "en"
    assert i18n.choose(None, "zh-TW,zh;q=0.9,en;q=0.8") == "zh-CN"
    assert i18n.choose(None, "fr-FR,en;q=0.5,zh;q=0.4") == "en"
    assert i18n.choose(None, "fr") == "zh-CN"
    assert i18n.choose(None, "en;q=0,zh;q=0.1") == "zh-CN"
    assert i18n.choose("en", "zh-CN") == "en"
    assert i18n.choose("de", "zh-CN") == "zh-CN"


@pytest.mark.parametrize("path", ["/", "/staff", "/schedule", "/rules", "/records", "/reports",
                                  "/system", "/config/settings"])
def test_every_page_in_both_languages(owner, path: str) -> None:
    zh = owner.get(path, headers={"Accept-Language": "zh-CN"})
    en = owner.get(path, headers={"Accept-Language": "en"})
    assert zh.status == en.status == 200
    assert '<html lang="zh-CN">' in zh.text and '<html lang="en">' in en.text
    assert "退出" in zh.text and "Log out" in en.text
    assert "Log out" not in zh.text
