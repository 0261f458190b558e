#!/usr/bin/env python3
"""Retries never pay twice.

Plays a client that retries: 12 concurrent POST /v1/wishes with one Idempotency-Key and 12
concurrent POST /v1/grants with another, against a real `jifen serve` over a scratch SQLite
database; then restarts the server and sends the same 12 + 12 again. Afterwards the ledger must
hold one wish and one grant (the points moved once), every answer must be the first one (200, the
same wish id; replays marked Idempotent-Replay), the key with another body must be refused (409),
and `jifen verify` must pass. Prints its figures and `attack retries: ok`; exits 1 on a failure.
Usage: python3 scripts/lib/attack/retries.py --jifen path/to/jifen
"""
import argparse
import sys
import threading

from _scratch import Scratch, post


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jifen", required=True)
    args = parser.parse_args()
    scratch = Scratch("retries", args.jifen)
    jifen = scratch.run

    def start():
        process, port = scratch.serve()
        return process, "http://127.0.0.1:%d" % port

    wish = {"team": "T01", "title": "一个新书包", "beneficiary_kind": "child", "beneficiary_name": "小明",
            "beneficiary_details": "", "points": 80}
    grant = {"account": "V0001", "points": 7, "reason": "结转"}

    def burst(base, organizer, admin):
        answers = []
        lock = threading.Lock()

        def one(i):
            result = (post(base, "/v1/wishes", organizer, wish, {"Idempotency-Key": "wish-once"}) if i % 2 == 0
                      else post(base, "/v1/grants", admin, grant, {"Idempotency-Key": "grant-once"}))
            with lock:
                answers.append((i % 2, result))
        threads = [threading.Thread(target=one, args=(i,)) for i in range(24)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answers

    def count_wishes():
        return len(scratch.json("wish", "list"))

    def balance():
        return scratch.json("balance", "V0001")["balance"]

    try:
        jifen("init", "--community", "玫瑰园社区", "--admin", "李主任")
        jifen("team", "add", "--name", "助老队")
        jifen("team", "add-organizer", "T01", "王队长")
        jifen("volunteer", "add", "--name", "张桂兰", "--phone", "13800001234", "--team", "T01")
        admin = scratch.json("credential", "issue", "李主任")["secret"]
        organizer = scratch.json("credential", "issue", "王队长")["secret"]

        server, base = start()
        first = burst(base, organizer, admin)
        wish_ids = {result[1].get("id") for kind, result in first if kind == 0}
        statuses = sorted({result[0] for _, result in first})
        print("first burst: 12 + 12 concurrent same-key writes: statuses %s, wish ids %s, wishes %d, V0001 balance %d (one grant of 7)"
              % (statuses, sorted(map(str, wish_ids)), count_wishes(), balance()))
        scratch.check(statuses == [200] and wish_ids == {"W001"} and count_wishes() == 1 and balance() == 7,
                      "the first burst wrote once and was answered")

        scratch.stop(server)
        server, base = start()
        again = burst(base, organizer, admin)
        replays = sum(1 for kind, result in again if kind == 0 and result[2] == "true")
        statuses = sorted({result[0] for _, result in again})
        wish_ids = {result[1].get("id") for kind, result in again if kind == 0}
        print("after a restart: statuses %s, wish ids %s, %d of 12 wish answers marked Idempotent-Replay, wishes %d, V0001 balance %d"
              % (statuses, sorted(map(str, wish_ids)), replays, count_wishes(), balance()))
        scratch.check(statuses == [200] and wish_ids == {"W001"} and replays == 12 and count_wishes() == 1 and balance() == 7,
                      "after a restart the same keys answered the first answer again and wrote nothing")

        other = post(base, "/v1/wishes", organizer, dict(wish, points=90), {"Idempotency-Key": "wish-once"})
        print("the key with another body: HTTP %d %s" % (other[0], other[1].get("code")))
        scratch.check(other[0] == 409 and count_wishes() == 1, "a reused key with another body is refused (409)")
        scratch.stop(server)

        verify = scratch.run("verify", ok=False)
        scratch.check(verify.returncode == 0, "jifen verify passes: " + verify.stdout + verify.stderr)
    finally:
        scratch.close()
    return scratch.finish()


if __name__ == "__main__":
    sys.exit(main())
