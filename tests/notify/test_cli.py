"""`switchboard notifications` with no box running: the outbox listed with why each
message waits, a retry marks it due for the box's next start, a test e-mail cannot go."""

from __future__ import annotations

import json
import time
from pathlib import Path

from firmware.cli import main
from firmware.notify.outbox import read_state
from tests.notify.helpers import Rig, finished, run, until


def _pending_sms(data: Path) -> None:
    async def scenario() -> None:
        rig = Rig(data, {"sms_numbers": ["+8613800000999"], "missed_calls": {"sms": True},
                         "batch_seconds": 0})
        notifier = await rig.start()
        rig.sms.down = RuntimeError("+CMS ERROR: 500")
        notifier.on_call_finished(finished("missed"))
        await until(lambda: rig.state()["pending"] and rig.state()["pending"][0]["error"],
                    "failed once")
        await rig.stop()

    run(scenario)


def test_list_retry_and_test_without_a_box(tmp_path: Path, capsys) -> None:
    _pending_sms(tmp_path)
    assert main(["notifications", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("pending 1, given up 0")
    assert "missed_calls by sms to +8613800000999, tries 1" in out and "+CMS ERROR: 500" in out
    assert main(["notifications", "--json", "--data", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["pending"][0]["tries"] == 1
    assert main(["notifications", "retry", "--data", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("1 message(s)")
    due = read_state(tmp_path / "notifications.sqlite3")["pending"][0]["due_ts"]
    assert abs(due - time.time()) < 60  # due now, by this host's clock
    assert main(["notifications", "test", "--data", str(tmp_path)]) == 1
    assert "the box is not running" in capsys.readouterr().err
    assert main(["notifications", "test", "--to", "nobody", "--data", str(tmp_path)]) == 2
