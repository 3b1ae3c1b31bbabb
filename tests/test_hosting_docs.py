"""The hosting docs say what the code does: the nginx and Caddy body limits are the app's, the systemd unit
starts `workshop serve` with options it takes and behind the proxy it names, and every `workshop …` command
in the README's hosted section and docs/hosting.md parses with the real command line."""

from __future__ import annotations

import re
import shlex
import signal
from pathlib import Path

import pytest

from tests.helpers.docs import parse_error, section, workshop_commands
from workshop.cli_parser import build_parser
from workshop.cli_serve import STOP_SIGNALS
from workshop.settings import Settings
from workshop.web.app import MAX_BODY_BYTES

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
HOSTING = ROOT / "docs" / "hosting.md"
NGINX = ROOT / "docs" / "deploy" / "nginx-workshop.conf"
UNIT = ROOT / "docs" / "deploy" / "workshop.service"
SIZE_UNITS = {"": 1, "k": 1024, "m": 1024 * 1024}


def unit_settings() -> dict[str, list[str]]:
    """The unit file's ``Key=value`` lines (comments left out), each key's values in order."""
    found: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def exec_start() -> list[str]:
    """The unit's ExecStart as argv."""
    (line,) = unit_settings()["ExecStart"]
    return shlex.split(line)


def documented_commands() -> list[str]:
    readme = section(README.read_text(encoding="utf-8"), "### Hosted mode")
    both = workshop_commands(readme) + workshop_commands(HOSTING.read_text(encoding="utf-8"))
    return list(dict.fromkeys(both))


def test_nginx_refuses_bodies_over_the_apps_own_limit() -> None:
    sizes = re.findall(r"^\s*client_max_body_size\s+(\d+)([kKmM]?)\s*;", NGINX.read_text(), re.M)
    assert sizes, "the nginx site sets no client_max_body_size (its default, 1 MB, is not the app's limit)"
    assert {int(n) * SIZE_UNITS[unit.lower()] for n, unit in sizes} == {MAX_BODY_BYTES}


def test_caddy_refuses_bodies_over_the_apps_own_limit() -> None:
    found = re.search(r"max_size\s+(\d+)KiB", HOSTING.read_text(encoding="utf-8"))
    assert found, "docs/hosting.md's Caddyfile sets no max_size in KiB"
    assert int(found.group(1)) * 1024 == MAX_BODY_BYTES


def test_the_unit_starts_serve_with_options_it_takes() -> None:
    argv = exec_start()
    assert Path(argv[0]).name == "workshop"
    args = build_parser().parse_args(argv[1:])
    assert args.command == "serve"
    assert not hasattr(args, "db"), "the database URL (and its password) belongs in the EnvironmentFile"


def test_the_unit_takes_the_database_from_a_file_and_stops_serve_in_order() -> None:
    unit = unit_settings()
    assert unit["EnvironmentFile"], "no EnvironmentFile for WORKSHOP_DB"
    assert "WORKSHOP_DB=" in UNIT.read_text(encoding="utf-8")
    assert "db" in Settings.model_fields and Settings.model_config.get("env_prefix") == "WORKSHOP_"
    assert signal.Signals[unit["KillSignal"][0]] in STOP_SIGNALS
    assert unit["Restart"] == ["on-failure"]
    assert int(unit["TimeoutStopSec"][0]) >= 10  # serve's own stop takes up to about 5 s


def test_serve_listens_where_nginx_sends_and_trusts_only_nginx() -> None:
    args = build_parser().parse_args(exec_start()[1:])
    upstream = re.search(r"proxy_pass\s+http://([\d.]+):(\d+)\s*;", NGINX.read_text())
    assert upstream is not None
    host, port = upstream.groups()
    assert getattr(args, "host", "127.0.0.1") == host
    assert getattr(args, "port", 8000) == int(port)
    assert args.trusted_proxy == host  # nginx connects from loopback, the address serve listens on
    assert args.public_url.startswith("https://")
    headers = re.findall(r"proxy_set_header\s+(\S+)\s+\$(\w+)\s*;", NGINX.read_text())
    # The phone's own address replaces whatever it sent: a forged X-Forwarded-For cannot dodge the brake.
    assert ("X-Forwarded-For", "remote_addr") in headers
    assert ("X-Forwarded-Proto", "scheme") in headers


def test_the_docs_show_workshop_commands() -> None:
    commands = documented_commands()
    for needed in (" serve ", " run ", " new ", " token ", " purge ", "--no-server", "--workers"):
        assert any(needed in command for command in commands), needed


@pytest.mark.parametrize("command", documented_commands())
def test_each_documented_command_parses(command: str) -> None:
    assert parse_error(command) is None, f"{command}: {parse_error(command)}"
