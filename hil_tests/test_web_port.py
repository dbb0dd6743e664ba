"""The owner's web page's port is taken: the box says so loudly, keeps answering calls,
never prints "switchboard: ready" while the page is down, and brings the page up once
the port is free (firmware/webpage.py)."""

from __future__ import annotations

import re
import socket
import urllib.request

from hil_tests.boxrig import READY_LINE, start_box, wait_gsm_state
from hil_tests.pstn.testing import wait_for


def test_a_taken_web_port_is_said_loudly_and_the_box_is_not_ready_until_the_page_is(
        tmp_path, boxes):
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    try:
        box = start_box(tmp_path / "data", "sim", "--web", f"127.0.0.1:{port}",
                        wait_ready=False)
        boxes.append(box)
        said = box.wait_output(r"switchboard: NO WEB PAGE: (.*)", 30)[1]
        assert f"127.0.0.1:{port} is already in use by another program" in said
        assert "--web" in said and "Calls are still answered" in said
        # the box itself runs: its lines come up and it answers its control socket
        assert wait_gsm_state(box, "ready")["state"] == "ready"
        assert READY_LINE not in box.output()
        assert "owner's web page: http" not in box.output()
    finally:
        holder.close()
    # the port is free again: the box's next try brings the page up, then it is ready
    url = box.wait_output(r"owner's web page: (http://\S+)", 40)[1]
    assert url == f"http://127.0.0.1:{port}"
    box.wait_output(re.escape(READY_LINE), 10)
    page = wait_for(lambda: _get(url + "/login"), 10, what="the login page")
    assert "<form" in page
    assert box.stop() == 0


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.read().decode()
    except OSError:
        return None
