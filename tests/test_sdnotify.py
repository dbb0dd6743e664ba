import os
import socket

from firmware.sdnotify import Notifier


def _listener(tmp_path):
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(2)
    return sock, path


def test_ready_and_watchdog_reach_systemd(tmp_path):
    sock, path = _listener(tmp_path)
    env = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}
    n = Notifier(env)
    assert n.enabled and n.watchdog_interval == 15.0
    n.ready("gsm0 ready")
    assert sock.recv(1024) == b"READY=1\nSTATUS=gsm0 ready"
    n.watchdog()
    assert sock.recv(1024) == b"WATCHDOG=1"
    n.stopping()
    assert sock.recv(1024) == b"STOPPING=1"


def test_watchdog_meant_for_another_process_is_ignored():
    n = Notifier({"NOTIFY_SOCKET": "/nonexistent", "WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"})
    assert n.watchdog_interval is None


def test_outside_systemd_nothing_is_sent():
    n = Notifier({})
    assert not n.enabled
    n.ready()  # must not raise
    assert n.watchdog_interval is None


def test_unreachable_socket_only_warns(tmp_path, caplog):
    n = Notifier({"NOTIFY_SOCKET": str(tmp_path / "gone.sock")})
    n.watchdog()
    assert "systemd notification failed" in caplog.text
