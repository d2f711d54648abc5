"""Real app servers for the scale-out tests: gunicorn processes, each with its own instance folder and
search folder, all on one PostgreSQL schema and one secret key, as several machines behind a load
balancer would run; and a small browser that talks to any of them over real HTTP."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# The site's public name, which the balancer passes on in the Host header whichever machine it picks.
PUBLIC_HOST = "commonground.example.org"


@dataclass
class Server:
    name: str
    port: int
    folder: Path
    process: subprocess.Popen | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.folder / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(server: Server, database_url: str, secret_key: str, settings: dict[str, str]) -> dict:
    """What one machine is given: the shared database and key, its own folders, the shared settings."""
    inherited = {name: value for name, value in os.environ.items() if not name.startswith("KB_")}
    return {
        **inherited,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
        "KB_DATABASE_URL": database_url,
        "KB_SECRET_KEY": secret_key,
        "KB_INSTANCE_DIR": str(server.folder),
        "KB_SEARCH_DIR": str(server.folder / "search"),
        "KB_MAIL_URL": f"file://{server.folder / 'mail'}",
        "KB_LOG_LEVEL": "WARNING",
        **settings,
    }


def run_cli(environment: dict, *arguments: str) -> None:
    """`flask kb ...` on one machine, failing the test with the command's own output."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *arguments],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"flask {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}"


def start(server: Server, environment: dict) -> None:
    with server.log.open("w") as log:
        server.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{server.port}",
                "--no-control-socket",
                "--graceful-timeout",
                "2",
                "wsgi:app",
            ],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # its own process group: stopping it stops its worker too


def wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    last = "no answer"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"server {server.name} exited ({server.process.returncode}):\n{server.log_tail()}")
        try:
            answer = Browser("127.0.0.1").get(server, "/healthz")
            if answer.status == 200:
                return
            last = f"{answer.status} {answer.text[:500]}"
        except (URLError, ConnectionError) as error:
            last = str(error)
        time.sleep(0.2)
    raise AssertionError(f"server {server.name} not healthy after {STARTUP_SECONDS} s ({last}):\n{server.log_tail()}")


def stop(server: Server) -> None:
    process = server.process
    if process is None or process.poll() is not None:
        return
    group = os.getpgid(process.pid)
    os.killpg(group, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(group, signal.SIGKILL)
        process.wait(timeout=10)


def unique(word: str) -> str:
    return f"{word}{uuid.uuid4().hex[:6]}"


@dataclass
class Answer:
    status: int
    text: str
    headers: dict

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer the test reads, as the test client gives it


class Browser:
    """One visitor's browser. Its cookies go to every server, as behind a load balancer (a cookie
    belongs to a host, not a port), and each request arrives as the balancer forwards it: with the
    site's public name as its Host and the visitor's own address in X-Forwarded-For (the servers
    trust one proxy, KB_TRUSTED_PROXIES=1)."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies), _NoRedirects)

    def copy(self) -> Browser:
        """Another browser holding this one's cookies as they are now (a copied session cookie)."""
        other = Browser(self.address)
        for cookie in self.cookies:
            other.cookies.set_cookie(cookie)
        return other

    def get(self, server: Server, path: str, headers: dict | None = None) -> Answer:
        return self._send(Request(server.url + path, headers=headers or {}))

    def post(self, server: Server, path: str, data: dict) -> Answer:
        return self._send(Request(server.url + path, data=urlencode(data, doseq=True).encode(), method="POST"))

    def form_token(self, server: Server, path: str) -> str:
        page = self.get(server, path)
        match = CSRF.search(page.text)
        assert page.status == 200 and match, f"no form at {path} on {server.name}: {page.status}"
        return match.group(1)

    def _send(self, request: Request) -> Answer:
        request.add_header("Host", PUBLIC_HOST)
        request.add_header("X-Forwarded-For", self.address)
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, response.read().decode(), dict(response.headers))
        except HTTPError as error:
            with error:
                return Answer(error.code, error.read().decode(errors="replace"), dict(error.headers))
