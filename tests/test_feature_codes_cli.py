"""`switchboard feature-codes`: every code as the config has them, text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from firmware.cli import main
from firmware.service import BoxService


def test_the_cli_lists_the_configured_codes(tmp_path: Path, capsys: pytest.CaptureFixture
                                            ) -> None:
    service = BoxService(tmp_path)
    config = service.config()
    config["feature_codes"] = {**config.get("feature_codes", {}), "pickup": "*88"}
    config["voicemail"] = {**config.get("voicemail", {}), "feature_code": "*98"}
    service.replace_config(config)
    assert main(["feature-codes", "--data", str(tmp_path), "--json"]) == 0
    codes = json.loads(capsys.readouterr().out)
    assert codes["pickup"] == "*88" and codes["voicemail"] == "*98"
    assert codes["available"] == "*61" and codes["blind_transfer"] == "*8"
    assert main(["feature-codes", "--data", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "*88" in text and "*41 + extension" in text and "*8 + target + #" in text
    assert "*40" not in text
