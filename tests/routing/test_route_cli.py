"""`switchboard route explain`: with the box stopped, from the stored config and records."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from firmware.cdr.store import CdrStore, records_path
from firmware.cli import main
from firmware.config.store import ConfigStore
from tests.cdr.helpers import end, start
from tests.routing.helpers import SHANGHAI, example_dict


@pytest.fixture
def data(tmp_path: Path) -> Path:
    raw = example_dict()
    raw["lines"]["gsm"].append({"name": "gsm1", "number": "+8613800138001"})
    store = ConfigStore(tmp_path)
    store.replace(raw)
    store.close()
    return tmp_path


def explain(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str]:
    code = main(["route", "explain", "--data", str(data), *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_the_issue_example_as_json(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out = explain(capsys, data, "--line", "gsm0", "--caller", "+8613588888888",
                        "--at", "2026-11-23T09:00", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["route"] == "zhejiang customers" and doc["blocked"] is False
    assert doc["at"] == "2026-11-23T09:00:00+08:00"
    assert doc["targets"] == ["801", "802", "804", "+8613912345678", "+8613512345678",
                              "+8613812345678", "+862161234567"]
    assert [r["name"] for r in doc["rules"]] == ["blocking", "zhejiang customers"]
    assert doc["rules"][1]["matched"] is True and "province 浙江省" in doc["rules"][1]["reason"]


def test_text_names_every_rule_and_the_ring_order(capsys: pytest.CaptureFixture[str],
                                                   data: Path) -> None:
    code, out = explain(capsys, data, "--line", "gsm0", "--caller", "010 6552 9988",
                        "--at", "2026-11-23T09:00")
    assert code == 0
    assert "route: (none matched: default)" in out
    assert "- route zhejiang customers: no: province 北京市 is not 浙江省" in out
    assert "- route hangzhou landlines at night: no: area code 10 is not 571" in out
    assert "ring order: 801, 802, 804, +8613912345678" in out


def test_blocked_caller(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out = explain(capsys, data, "--line", "gsm0", "--caller", "+8616512345678", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["blocked"] is True and doc["targets"] == []
    assert "blacklisted (+86165*)" in doc["rules"][0]["reason"]


def test_caps_are_counted_from_the_records(capsys: pytest.CaptureFixture[str],
                                           data: Path) -> None:
    raw = example_dict()
    raw["lines"]["gsm"].append({"name": "gsm1", "number": "+8613800138001"})
    raw["caps"][0]["limits"][0]["max"] = 2
    store = ConfigStore(data)
    store.replace(raw)
    store.close()
    at = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
    with CdrStore(records_path(data)) as records:
        for i in range(2):
            call_id = records.begin_call(start(at=at - timedelta(days=i), line="gsm0"))
            records.end_call(call_id, end(at - timedelta(days=i) + timedelta(minutes=1)))
    code, out = explain(capsys, data, "--line", "gsm0", "--caller", "+8613800000000",
                        "--at", "2026-11-23T10:00", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["targets"] == [] and doc["blocked"] is False
    assert doc["caps_reached"] == ["gsm0: inbound calls cap reached (2 of 2 calls in 2026-11); "
                                   "reject"]


def test_a_cap_with_the_voicemail_action_explains_the_box(capsys: pytest.CaptureFixture[str],
                                                         data: Path) -> None:
    raw = example_dict()
    raw["lines"]["gsm"].append({"name": "gsm1", "number": "+8613800138001"})
    raw["caps"][0]["limits"][0].update(max=1, action="voicemail")
    raw["caps"][0]["voicemail"] = "801"
    store = ConfigStore(data)
    store.replace(raw)
    store.close()
    at = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
    with CdrStore(records_path(data)) as records:
        call_id = records.begin_call(start(at=at, line="gsm0"))
        records.end_call(call_id, end(at + timedelta(minutes=1)))
    code, out = explain(capsys, data, "--line", "gsm0", "--caller", "+8613800000000",
                        "--at", "2026-11-23T10:00")
    assert code == 0, out
    assert "cap reached: to voicemail for 801 (the line's caps name box 801)" in out
    assert "cap_voicemail: voicemail: cap reached" in out
    assert "if nobody answers: voicemail for 801" in out
    code, out = explain(capsys, data, "--line", "gsm0", "--caller", "+8613800000000",
                        "--at", "2026-11-23T10:00", "--json")
    doc = json.loads(out)
    assert doc["caps_reached"] == ["gsm0: inbound calls cap reached (1 of 1 calls in 2026-11); "
                                   "voicemail"]


@pytest.mark.parametrize(("args", "message"), [
    (("--line", "gsm9"), "--line 'gsm9': the config has lines gsm0, gsm1, fxs0"),
    (("--line", "gsm0", "--at", "monday"), "--at 'monday' is not an ISO time"),
    (("--line", "gsm0", "--lines", "-1"), "--lines -1: a count of lines"),
])
def test_bad_options(capsys: pytest.CaptureFixture[str], data: Path, args: tuple,
                     message: str) -> None:
    code, out = explain(capsys, data, *args)
    assert code == 2 and message in out


def test_with_the_box_running_it_reads_the_boxs_agent_state(
        capsys: pytest.CaptureFixture[str], data: Path) -> None:
    """*62 on 801 in the running box: explain says 801 is not rung, and who rings first;
    the box's rotation is read, never advanced; with no box it says it used a fresh one."""
    from firmware import paths
    from firmware.routing.stats import AgentStats, stats_to_json
    from tests.config.helpers import running_server

    asked: list[dict] = []

    def state(args: dict) -> dict:
        asked.append(args)
        return {"at": args["at"], "stats": stats_to_json(
            AgentStats(unavailable=frozenset({"801"})))}

    ask = ("--line", "gsm0", "--caller", "13588888888", "--at", "2026-11-23T09:00")
    with running_server(paths.control_socket(data), {"agents.state": state}):
        code, out = explain(capsys, data, *ask)
        code_json, out_json = explain(capsys, data, *ask, "--json")
    assert code == code_json == 0
    assert "801 is unavailable (R12), not rung" in out
    assert "ring order: 802, 804," in out and "rings first: 802" in out
    assert "agent state: the running box's, read without changing it (unavailable: 801)" in out
    doc = json.loads(out_json)
    assert doc["agent_state"]["source"] == "box" and doc["targets"][0] == "802"
    assert asked == [{"at": "2026-11-23T09:00:00+08:00"}] * 2
    code, out = explain(capsys, data, *ask)
    assert "agent state: fresh (the box is not running)" in out and "rings first: 801" in out


def test_a_call_on_a_one_analog_line_box(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    """docs/example-config-analog.json: fxo0 is the line; after hours the network forwards."""
    raw = json.loads((Path(__file__).resolve().parents[2] / "docs/example-config-analog.json")
                     .read_text("utf-8"))
    store = ConfigStore(tmp_path)
    store.replace(raw)
    store.close()
    code, out = explain(capsys, tmp_path, "--line", "fxo0", "--caller", "+8613588888888",
                        "--at", "2026-11-23T09:00", "--json")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["route"] == "zhejiang customers" and doc["targets"][:3] == ["801", "802", "804"]
    code, out = explain(capsys, tmp_path, "--line", "fxo0", "--caller", "+8613588888888",
                        "--at", "2026-11-23T23:00", "--json")
    night = json.loads(out)
    assert code == 0 and night["ending"] == "forwarded by the network to +8613912345678"
    assert night["network_forwarding"]["enabled"] is True
    code, out = explain(capsys, tmp_path, "--line", "gsm0", "--at", "2026-11-23T09:00")
    assert code != 0 and "fxo0" in out
