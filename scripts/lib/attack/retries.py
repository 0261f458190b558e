#!/usr/bin/env python3
"""Retries never pay twice (issue 21, items 12-13).

Plays a client that retries: 12 concurrent POST /v1/wishes with one Idempotency-Key and 12
concurrent POST /v1/grants with another, against a real `jifen serve` over a scratch SQLite
database; then restarts the server and sends the same 12 + 12 again. Afterwards the ledger must
hold one wish and one grant (the points moved once), every answer must be the first one (200, the
same wish id; replays marked Idempotent-Replay), the key with another body must be refused (409),
and `jifen verify` must pass. Prints its figures and `attack retries: ok`; exits 1 on a failure.
Usage: python3 scripts/lib/attack/retries.py --jifen path/to/jifen
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

NOW = "2026-12-01 10:00"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jifen", required=True)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="jifen-attack-retries-")
    db = os.path.join(folder, "jifen.sqlite")
    env = dict(os.environ, JIFEN_NOW=NOW, TZ="Asia/Shanghai", HOME=folder, JIFEN_DB=db, JIFEN_ACTOR="李主任")
    env.pop("JIFEN_SERVER", None)
    failures = []
    server = None

    def jifen(*words):
        run = subprocess.run([args.jifen, "--lang", "en"] + list(words), env=env, capture_output=True, text=True)
        if run.returncode != 0:
            raise SystemExit("attack retries: setup failed: jifen %s: %s" % (" ".join(words), run.stderr.strip()))
        return run.stdout

    def start():
        process = subprocess.Popen([args.jifen, "serve", "--listen", "127.0.0.1:0", "--db", db], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in process.stdout:
            if "listening on" in line:
                return process, "http://127.0.0.1:%s" % line.strip().rsplit(":", 1)[1]
        process.kill()
        raise SystemExit("attack retries: jifen serve did not start")

    def stop(process):
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def post(base, path, token, body, key):
        request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST", headers={
            "Authorization": "Bearer " + token, "Content-Type": "application/json", "Idempotency-Key": key})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"{}"), answer.headers.get("Idempotent-Replay")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}"), None

    wish = {"team": "T01", "title": "一个新书包", "beneficiary_kind": "child", "beneficiary_name": "小明",
            "beneficiary_details": "", "points": 80}
    grant = {"account": "V0001", "points": 7, "reason": "结转"}

    def burst(base, organizer, admin):
        answers = []
        lock = threading.Lock()

        def one(i):
            result = (post(base, "/v1/wishes", organizer, wish, "wish-once") if i % 2 == 0
                      else post(base, "/v1/grants", admin, grant, "grant-once"))
            with lock:
                answers.append((i % 2, result))
        threads = [threading.Thread(target=one, args=(i,)) for i in range(24)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answers

    def count_wishes():
        return len(json.loads(jifen("--json", "wish", "list")))

    def balance():
        return json.loads(jifen("--json", "balance", "V0001"))["balance"]

    try:
        jifen("init", "--community", "玫瑰园社区", "--admin", "李主任")
        jifen("team", "add", "--name", "助老队")
        jifen("team", "add-organizer", "T01", "王队长")
        jifen("volunteer", "add", "--name", "张桂兰", "--phone", "13800001234", "--team", "T01")
        admin = json.loads(jifen("--json", "credential", "issue", "李主任"))["secret"]
        organizer = json.loads(jifen("--json", "credential", "issue", "王队长"))["secret"]

        server, base = start()
        first = burst(base, organizer, admin)
        wish_ids = {result[1].get("id") for kind, result in first if kind == 0}
        statuses = sorted({result[0] for _, result in first})
        print("first burst: 12 + 12 concurrent same-key writes: statuses %s, wish ids %s, wishes %d, V0001 balance %d (one grant of 7)"
              % (statuses, sorted(map(str, wish_ids)), count_wishes(), balance()))
        if statuses != [200] or wish_ids != {"W001"} or count_wishes() != 1 or balance() != 7:
            failures.append("the first burst wrote more than once or was refused")

        stop(server)
        server, base = start()
        again = burst(base, organizer, admin)
        replays = sum(1 for kind, result in again if kind == 0 and result[2] == "true")
        statuses = sorted({result[0] for _, result in again})
        wish_ids = {result[1].get("id") for kind, result in again if kind == 0}
        print("after a restart: statuses %s, wish ids %s, %d of 12 wish answers marked Idempotent-Replay, wishes %d, V0001 balance %d"
              % (statuses, sorted(map(str, wish_ids)), replays, count_wishes(), balance()))
        if statuses != [200] or wish_ids != {"W001"} or replays != 12 or count_wishes() != 1 or balance() != 7:
            failures.append("after a restart the same keys wrote again")

        other = post(base, "/v1/wishes", organizer, dict(wish, points=90), "wish-once")
        print("the key with another body: HTTP %d %s" % (other[0], other[1].get("code")))
        if other[0] != 409 or count_wishes() != 1:
            failures.append("a reused key with another body was not refused")
        stop(server)
        server = None

        verify = subprocess.run([args.jifen, "--lang", "en", "verify"], env=env, capture_output=True, text=True)
        print("jifen verify: exit %d" % verify.returncode)
        if verify.returncode != 0:
            failures.append("verify failed: " + verify.stdout + verify.stderr)
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(folder, ignore_errors=True)

    if failures:
        for failure in failures:
            print("attack retries: FAILED: " + failure, file=sys.stderr)
        return 1
    print("attack retries: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
