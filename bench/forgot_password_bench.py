"""Does "Forgotten your password?" take longer for an address with an account? p50/p95 of the request
for known and unknown addresses, interleaved, in one process through the app (no network), on a fresh
migrated and seeded SQLite instance (or KB_BENCH_DATABASE_URL).

Each request asks for a different address from a different client address, so no rate limit turns a
request away early (that would measure the refusal). The mail is sent after the response, as in the
site; only the request is timed.

    .venv/bin/python bench/forgot_password_bench.py [--requests 300]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

# This checkout first, then its bench folder: the figures are of this code, whatever the venv installed.
sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]
from pages_bench import prepared_instance  # noqa: E402


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests for each kind of address")
    args = parser.parse_args()
    os.environ.update(prepared_instance("kb-bench-forgot-"))

    from kb import create_app
    from kb.auth.service import Profile, create_account

    app = create_app()
    with app.app_context():
        for number in range(args.requests):
            create_account(
                f"member{number}@bench.example",
                "bench password 1",
                Profile(f"Member {number}", "Bench Council", "public body", "London"),
            )
            if number % 100 == 99:
                print(f"  made {number + 1} of {args.requests} accounts", file=sys.stderr)

    client = app.test_client()
    page = client.get("/forgot-password").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    for number in range(args.requests):
        for kind, address in (("known", f"member{number}@bench.example"), ("unknown", f"nobody{number}@bench.example")):
            started = time.perf_counter()
            response = client.post(
                "/forgot-password",
                data={"email": address, "csrf_token": token},
                environ_base={"REMOTE_ADDR": f"10.{kind == 'known'}.{number // 250}.{number % 250}"},
            )
            timings[kind].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            response.close()  # the mail goes out here, after the timed part, as after a real response
        if number % 100 == 99:
            print(f"  {number + 1} of {args.requests} pairs", file=sys.stderr)

    print(f"forgot-password, {args.requests} requests each, interleaved (ms):")
    for kind, samples in timings.items():
        print(f"  {kind:8} p50 {statistics.median(samples):6.2f}   p95 {percentile(samples, 0.95):6.2f}")
    gap = statistics.median(timings["known"]) - statistics.median(timings["unknown"])
    print(f"  p50 gap (known - unknown): {gap:+.2f} ms")


if __name__ == "__main__":
    main()
