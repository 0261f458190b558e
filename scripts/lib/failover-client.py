#!/usr/bin/env python3
"""Clients posting transfers with idempotency keys to `jifen serve`, for scripts/lib/failover-test.sh.

Each client (a thread) pays 1 point from its volunteer to the next, one transfer at a time, each with
a fresh Idempotency-Key. A transfer counts as acknowledged only on a 200 answer. Any other answer (503
with Retry-After, a timeout, a broken connection) leaves it unacknowledged: the client waits
(Retry-After) and posts it again with the SAME key until it is answered 200, so a retried key must be
applied at most once. The clients stop taking new keys when STOP (a file) appears, finish the key in
hand, and write a JSON summary:
  acked: {key: {"id": transfer id, "replayed": bool, "attempts": n}}, retried: [keys],
  failures: [[time, status, code]] (every answer that was not 200), refused: [[key, status, body]].

Usage: failover-client.py URL TOKENS CLIENTS RUN STOP OUT
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse

url, tokens_path, clients, run, stop_path, out_path = sys.argv[1:7]
clients = int(clients)
target = urllib.parse.urlparse(url)
people = [line.split() for line in open(tokens_path) if line.strip()]
lock = threading.Lock()
acked, retried, failures, refused = {}, [], [], []
deadline_after_stop = 90  # seconds a client may go on retrying its last key once told to stop


def stopped():
    try:
        open(stop_path).close()
        return True
    except FileNotFoundError:
        return False


def client(index):
    payer, token = people[index % len(people)]
    payee = people[(index + 1) % len(people)][0]
    connection = None
    n = 0
    stop_seen = None
    while True:
        if stopped():
            break
        n += 1
        key = f"{run}-c{index}-{n}"
        body = json.dumps({"from": payer, "to": payee, "points": 1, "memo": key})
        attempts = 0
        while True:
            attempts += 1
            status, answer, wait = None, b"", 1.0
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
                connection.request("POST", "/v1/transfers", body, {
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json",
                    "Idempotency-Key": key, "Accept-Language": "en"})
                response = connection.getresponse()
                status, answer = response.status, response.read()
                wait = float(response.getheader("Retry-After") or 1)
                replayed = response.getheader("Idempotent-Replay") == "true"
            except Exception as error:  # timeout, reset: the outcome is unknown, retry the key
                status = f"error:{type(error).__name__}"
                if connection is not None:
                    connection.close()
                connection = None
            if status == 200:
                transfer = json.loads(answer)
                with lock:
                    acked[key] = {"id": transfer.get("transfer", {}).get("id"), "replayed": replayed,
                                  "attempts": attempts, "time": time.time()}
                    if attempts > 1:
                        retried.append(key)
                break
            now = time.time()
            try:
                code = json.loads(answer).get("code", "")
            except ValueError:
                code = ""
            with lock:
                failures.append([now, status, code])
            if isinstance(status, int) and status != 503 and 400 <= status < 500:
                with lock:
                    refused.append([key, status, answer.decode(errors="replace")[:300]])
                break
            if stopped():
                stop_seen = stop_seen or now
                if now - stop_seen > deadline_after_stop:
                    with lock:
                        refused.append([key, "gave up", "still unanswered after the stop"])
                    break
            time.sleep(min(max(wait, 0.1), 5))


threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
json.dump({"acked": acked, "retried": retried, "failures": failures, "refused": refused}, open(out_path, "w"))
