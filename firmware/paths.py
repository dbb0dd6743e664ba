"""Where the box keeps its data.

On the box: /var/lib/switchboard (the writable data partition; the root file
system is read-only). From a checkout: ./var/ at the top of the checkout.
"""

from __future__ import annotations

from pathlib import Path

BOX_DATA_DIR = Path("/var/lib/switchboard")
CHECKOUT_ROOT = Path(__file__).resolve().parent.parent


def running_from_checkout() -> bool:
    return (CHECKOUT_ROOT / "pyproject.toml").exists() and (CHECKOUT_ROOT / ".git").exists()


def default_data_dir() -> Path:
    return CHECKOUT_ROOT / "var" if running_from_checkout() else BOX_DATA_DIR


def control_socket(data_dir: Path) -> Path:
    """The running box's local control socket (config import, status)."""
    return Path(data_dir) / "run" / "control.sock"


def add_data_option(parser) -> None:
    """The `--data DIR` option every `switchboard` command takes (argparse parser)."""
    parser.add_argument("--data", type=Path, default=None,
                        help="data directory (default: ./var in a checkout, "
                             "/var/lib/switchboard on the box)")
