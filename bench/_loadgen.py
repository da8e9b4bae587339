"""Load generator, run as its own process: `python -m bench._loadgen < plan.json`.

Logs real users in over HTTP (CSRF token, login form), then for each page: one client for
latency (median, p95, SQL queries per request from the X-Query-Count header), then a few
concurrent clients for throughput (requests per second). Prints JSON.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import threading
import time

import httpx

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def login(base: str, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    if not username:
        return client
    page = client.get("/akun/masuk/")
    token = CSRF.search(page.text)
    response = client.post(
        "/akun/masuk/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        headers={"Referer": f"{base}/akun/masuk/"},
    )
    if response.status_code != 302:
        raise SystemExit(f"login as {username} failed: HTTP {response.status_code}")
    return client


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(plan: dict, page: dict, clients: dict[str, list[httpx.Client]]) -> dict:
    pool = clients[page["user"]]
    first = pool[0].get(page["path"])
    result: dict = {"path": page["path"], "user": page["user"] or None}
    if first.status_code == 404:
        return {**result, "available": False, "note": "HTTP 404: halaman belum ada di build ini"}
    if first.status_code != 200:
        return {**result, "available": False, "note": f"HTTP {first.status_code}"}
    result["available"] = True
    result["bytes"] = len(first.content)
    for _ in range(plan["warmup"]):
        pool[0].get(page["path"])

    latencies, queries = [], []
    deadline = time.perf_counter() + plan["latency_seconds"]
    while (time.perf_counter() < deadline or len(latencies) < plan["min_requests"]) and len(
        latencies
    ) < plan["max_requests"]:
        start = time.perf_counter()
        response = pool[0].get(page["path"])
        latencies.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{page['path']}: HTTP {response.status_code} during the run")
        if "X-Query-Count" in response.headers:
            queries.append(int(response.headers["X-Query-Count"]))
    result.update(
        {
            "requests_latency": len(latencies),
            "median_ms": round(statistics.median(latencies) * 1000, 2),
            "p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
            "queries": round(statistics.median(queries)) if queries else None,
            "queries_max": max(queries) if queries else None,
        }
    )

    counts = [0] * len(pool)
    stop = threading.Event()

    def hammer(index: int) -> None:
        client = pool[index]
        while not stop.is_set():
            if client.get(page["path"]).status_code == 200:
                counts[index] += 1

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(len(pool))]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(plan["throughput_seconds"])
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    result["clients_throughput"] = len(pool)
    result["rps"] = round(sum(counts) / elapsed, 1)
    return result


def main() -> int:
    plan = json.load(sys.stdin)
    users = {page["user"] for page in plan["pages"]}
    clients = {
        user: [
            login(plan["base"], user, plan["password"]) for _ in range(plan["throughput_clients"])
        ]
        for user in users
    }
    results = {}
    for page in plan["pages"]:
        results[page["name"]] = measure(plan, page, clients)
        print(f"    {page['name']}: {results[page['name']]}", file=sys.stderr, flush=True)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
