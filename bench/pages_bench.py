"""Page speed under gunicorn, as in production: p50/p95 latency per page and throughput.

Starts the real app (migrated, seeded) with gunicorn on 127.0.0.1 on a free port, on a temporary
SQLite database (or KB_BENCH_DATABASE_URL), sends a bounded number of requests, prints a table and
stops the server. A static file is measured too, as the reference: these machines are noisy, so
compare ratios between runs rather than raw milliseconds.

    .venv/bin/python bench/pages_bench.py [--requests 300] [--concurrency 8] [--workers 4]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAGES = [
    "/static/css/site.css",
    "/",
    "/themes",
    "/themes/funding-it-better",
    "/about",
    "/login",
    "/register",
    "/healthz",
    "/case-studies",
    "/case-studies?theme=funding-it-better&sector=public+body",
    "/case-studies/5-effective-funding-arrangements",
    "/lessons",
    # How the knowledge leaves the site: feeds, the API, a download, a pack, the sitemap, and search's
    # answer to a practitioner's question from the checklist.
    "/feeds/latest.atom",
    "/api/v1/case-studies",
    "/api/v1/themes/funding-it-better",
    "/case-studies.csv",
    "/themes/funding-it-better/pack",
    "/sitemap.xml",
    "/search?q=how+do+we+avoid+reinventing+the+wheel",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
    return (time.perf_counter() - started) * 1000


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            fetch(base + "/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not come up in time")


def prepared_instance(prefix: str, **settings: str) -> dict:
    """A fresh instance folder (or KB_BENCH_DATABASE_URL), migrated, seeded and indexed; its environment."""
    env = {
        **os.environ,
        "KB_INSTANCE_DIR": tempfile.mkdtemp(prefix=prefix),
        "KB_LOG_LEVEL": "WARNING",
        # One client sends every request: the API's per-address limit would measure its refusals.
        "KB_API_RATE_PER_MINUTE": "1000000",
        **settings,
    }
    if os.environ.get("KB_BENCH_DATABASE_URL"):
        env["KB_DATABASE_URL"] = os.environ["KB_BENCH_DATABASE_URL"]
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    for step in (["db", "upgrade"], ["kb", "seed"], ["kb", "index", "init"]):
        print(f"setting up: flask {' '.join(step)}", file=sys.stderr)
        subprocess.run(flask + step, cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per page (latency, one at a time)")
    parser.add_argument("--concurrency", type=int, default=8, help="clients at once for the throughput run")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the throughput run")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--items", type=int, default=300, help="published case studies and lessons to generate")
    args = parser.parse_args()

    env = prepared_instance("kb-bench-")
    print(f"setting up: {args.items} published case studies and lessons", file=sys.stderr)
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "populate.py"), str(args.items)], cwd=ROOT, env=env, check=True
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--preload",
            "--no-control-socket",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(base, server)
        for page in PAGES:  # warm every worker's caches before measuring
            for _ in range(args.workers * 2):
                fetch(base + page)

        print(f"\nLatency, {args.requests} sequential requests per page, gunicorn with {args.workers} workers")
        print(f"{'page':58} {'p50 ms':>8} {'p95 ms':>8} {'p95 / css':>10}")
        reference_p95 = None
        for page in PAGES:
            samples = [fetch(base + page) for _ in range(args.requests)]
            p50, p95 = statistics.median(samples), percentile(samples, 0.95)
            reference_p95 = reference_p95 or p95
            print(f"{page:58} {p50:8.2f} {p95:8.2f} {p95 / reference_p95:10.1f}")

        print(f"\nThroughput, {args.concurrency} concurrent clients for {args.seconds:.0f} s on a mix of pages")
        deadline = time.monotonic() + args.seconds

        def client(number: int) -> list[float]:
            timings, index = [], number
            while time.monotonic() < deadline:
                timings.append(fetch(base + PAGES[1 + index % (len(PAGES) - 1)]))
                index += 1
            return timings

        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            results = [t for timings in pool.map(client, range(args.concurrency)) for t in timings]
        elapsed = time.perf_counter() - started
        print(
            f"{len(results)} requests in {elapsed:.1f} s: {len(results) / elapsed:.0f} requests/s, "
            f"p50 {statistics.median(results):.1f} ms, p95 {percentile(results, 0.95):.1f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
