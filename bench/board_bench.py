"""Board speed under load: requests/s and p50/p99 latency for /board, a category page and a thread
page, anonymous (KB_BOARD_PUBLIC=1) and signed in, against gunicorn with 2 workers on 127.0.0.1.

Fills a fresh SQLite database (or KB_BENCH_DATABASE_URL) with 2,000 threads of 5 posts (about 120
words a post) across the categories, then drives each page with wrk (Debian's package: `apt-get
install wrk`) for a bounded time. The load generator runs on the same 2 cores as the server.

    .venv/bin/python bench/board_bench.py [--threads 2000] [--seconds 10] [--connections 8]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

# This checkout first, then its bench folder: the figures are of this code, whatever the venv installed.
sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]
from pages_bench import BIN, ROOT, free_port, prepared_instance, wait_until_up  # noqa: E402

WORDS = (
    "partnership",
    "council",
    "charity",
    "compact",
    "funding",
    "grant",
    "trust",
    "health",
    "police",
    "community",
    "voluntary",
    "sector",
    "local",
    "strategic",
    "board",
    "meeting",
    "consultation",
    "training",
    "volunteers",
    "commissioning",
    "contract",
    "outcomes",
    "evidence",
    "review",
    "report",
    "infrastructure",
    "capacity",
    "network",
    "lessons",
    "practice",
    "learning",
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "for",
    "is",
    "on",
    "that",
    "by",
    "with",
    "as",
    "are",
    "be",
    "this",
    "from",
    "or",
    "we",
    "our",
    "their",
    "they",
    "not",
    "have",
)


def fill(thread_count: int, posts_per_thread: int) -> dict:
    """Rows written straight through SQLAlchemy Core (no outbox: this bench is about pages)."""
    from sqlalchemy import insert, select

    from kb import create_app
    from kb.auth.models import Role, User
    from kb.auth.service import Profile, create_account
    from kb.auth.sessions import start_session
    from kb.board.models import BoardCategory, BoardPost, BoardThread
    from kb.platform import clock
    from kb.platform.extensions import db
    from kb.platform.markup import render_markdown

    app = create_app()
    rng = random.Random(2026)
    with app.app_context():
        members = [
            create_account(
                f"member{n}@bench.example",
                "bench password 1",
                Profile(f"Member {n}", "Bench Council", "public body", "London"),
            )
            for n in range(50)
        ]
        create_account(
            "reader@bench.example",
            "bench password 1",
            Profile("Reader", "Bench Trust", "public body", "London"),
            role=Role.MEMBER,
        )
        categories = list(db.session.scalars(select(BoardCategory).order_by(BoardCategory.position)))
        start = clock.now() - timedelta(days=400)
        for number in range(thread_count):
            author = rng.choice(members)
            created = start + timedelta(minutes=number * 3)
            title = " ".join(rng.choices(WORDS, k=rng.randint(4, 9))).capitalize() + "?"
            thread_id = db.session.execute(
                insert(BoardThread).values(
                    category_id=categories[number % len(categories)].id,
                    slug=re.sub(r"\W+", "-", title.lower())[:80],
                    title=title,
                    author_id=author.id,
                    approved=True,
                    pinned=number % 97 == 0,
                    locked=False,
                    created_at=created,
                    last_activity_at=created + timedelta(minutes=posts_per_thread),
                    last_poster_id=rng.choice(members).id,
                    visible_posts=posts_per_thread,
                )
            ).inserted_primary_key[0]
            rows = []
            for position in range(posts_per_thread):
                body = "\n\n".join(" ".join(rng.choices(WORDS, k=40)) for _ in range(3))
                moment = created + timedelta(minutes=position)
                rows.append(
                    {
                        "thread_id": thread_id,
                        "author_id": rng.choice(members).id,
                        "body": body,
                        "body_html": render_markdown(body),
                        "state": "visible",
                        "created_at": moment,
                        "visible_since": moment,
                    }
                )
            db.session.execute(insert(BoardPost), rows)
            if number % 200 == 199:
                db.session.commit()
                print(f"  filled {number + 1:,} of {thread_count:,} threads", file=sys.stderr)
        db.session.commit()
        busiest = categories[1]
        thread = db.session.scalar(
            select(BoardThread)
            .where(BoardThread.category_id == busiest.id)
            .order_by(BoardThread.last_activity_at.desc())
        )
        reader = db.session.scalar(select(User).where(User.email == "reader@bench.example"))
        # A signed-in visitor's session cookie, made the way logging in makes it: the secret of a
        # signed-in session (kb.auth.sessions) where Flask-Login keeps the member's id.
        cookie = app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": start_session(reader, "wrk (bench)"), "_fresh": True}
        )
        return {"category": f"/board/{busiest.slug}", "thread": f"/board/t/{thread.id}-{thread.slug}", "cookie": cookie}


def as_a_browser_holds_it(base: str, cookie: str) -> str:
    """The session cookie after a first page: the server adds what it keeps for a signed-in member
    (Flask-Login's session id, the CSRF token), and a browser sends that from then on."""
    request = urllib.request.Request(base + "/board", headers={"Cookie": f"session={cookie}"})
    with urllib.request.urlopen(request) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("session="):
                return header.split(";", 1)[0].removeprefix("session=")
    return cookie


def run_wrk(url: str, seconds: float, connections: int, cookie: str | None) -> tuple[float, float, float, int]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:.0f}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: session={cookie}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)

    def latency(label: str) -> float:
        value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return rate, latency("50"), latency("99"), int(bad.group(1)) if bad else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=5, help="posts per thread")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: install Debian's package with `apt-get install wrk`")

    env = prepared_instance("kb-board-bench-", KB_BOARD_PUBLIC="1")
    print(f"setting up: {args.threads:,} threads of {args.posts} posts", file=sys.stderr)
    os.environ.update(env)
    started = time.perf_counter()
    targets = fill(args.threads, args.posts)
    print(f"  filled in {time.perf_counter() - started:.0f} s", file=sys.stderr)

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
        signed_in = as_a_browser_holds_it(base, targets["cookie"])
        pages = {"/board": "/board", "category page": targets["category"], "thread page": targets["thread"]}
        print(
            f"\n{args.threads:,} threads x {args.posts} posts; gunicorn {args.workers} workers; "
            f"wrk 2 threads, {args.connections} connections, {args.seconds:.0f} s a run, same machine"
        )
        print(f"{'page':16} {'visitor':10} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8}")
        for name, path in pages.items():
            for visitor, cookie in (("anonymous", None), ("signed in", signed_in)):
                run_wrk(base + path, 2, args.connections, cookie)  # warm up
                rate, p50, p99, bad = run_wrk(base + path, args.seconds, args.connections, cookie)
                flag = f"  ({bad} non-2xx!)" if bad else ""
                print(f"{name:16} {visitor:10} {rate:11.0f} {p50:8.1f} {p99:8.1f}{flag}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
