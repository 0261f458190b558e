#!/usr/bin/env python3
"""Attack: a volunteer claims service she did not give.

Against a real `jifen serve` on 127.0.0.1 over its own scratch SQLite database, with the volunteers'
own credentials:
  1. backdating: V0001 checks in and out of this morning's patrol, which she did not attend, giving
     times in the past (through her own credential) -- refused; she earns nothing;
  2. guessing: V0002 tries check-in codes at full speed for the patrol running now -- stopped within
     the per-volunteer budget, never checked in, while V0003 with the right code checks in.
Then the ledger is checked (balances, records, `jifen verify`). Prints its figures and
`attack checkin: ok`; exits non-zero on any failure.
Usage: python3 scripts/lib/attack/checkin.py --jifen path/to/jifen
"""
import argparse
import sqlite3
import sys
import time

from _scratch import Scratch, post as post_json

BUDGET = 5  # checkin.wrong_codes_per_volunteer's default
GUESSES = 300


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jifen", required=True)
    args = parser.parse_args()
    scratch = Scratch("checkin", args.jifen)
    try:
        attack(scratch)
    finally:
        scratch.close()
    return scratch.finish()


def attack(scratch):
    run, out, check, db = scratch.run, scratch.json, scratch.check, scratch.db

    run("init", "--community", "玫瑰园社区", "--admin", "李主任")
    run("team", "add", "--name", "平安使者巡逻队", "--organizer", "王队长")
    for name, phone in [("张桂兰", "13800001234"), ("李志强", "13800005678"), ("陈小红", "13800009012")]:
        run("volunteer", "add", "--name", name, "--phone", phone, "--team", "T01")
    morning = out("activity", "post", "--team", "T01", "--title", "早班巡逻", "--start", "2026-12-01 06:00", "--end", "2026-12-01 09:00")
    patrol = out("activity", "post", "--team", "T01", "--title", "巡逻", "--start", "2026-12-01 09:00", "--end", "2026-12-01 12:00")
    tokens = {v: out("credential", "issue", v, "--label", "attack")["secret"] for v in ["V0001", "V0002", "V0003"]}

    server, port = scratch.serve()
    try:
        base = "http://127.0.0.1:%d" % port

        def post(path, token, body):
            return post_json(base, path, token, body)[:2]

        # 1. Backdating: this morning's patrol, with its real code and times of her own.
        m = morning["id"]
        backdated = [post("/v1/activities/%s/checkins" % m, tokens["V0001"],
                          {"volunteer": "V0001", "code": morning["checkin_code"], "at": "2026-12-01 06:00"}),
                     post("/v1/activities/%s/checkouts" % m, tokens["V0001"], {"volunteer": "V0001", "at": "2026-12-01 09:00"})]
        for status, body in backdated:
            check(status == 422 and body.get("code") == "own-time", "a backdated check-in/out is refused as own-time: %s %s" % (status, body))

        # 2. Guessing: every code but the right one, as fast as one client goes.
        p, right = patrol["id"], patrol["checkin_code"]
        seen = {}
        started = time.time()
        guesses = [c for c in ("%06d" % i for i in range(GUESSES + 1)) if c != right][:GUESSES]
        for guess in guesses:
            status, body = post("/v1/activities/%s/checkins" % p, tokens["V0002"], {"volunteer": "V0002", "code": guess})
            key = "ok" if status == 200 else body.get("code", str(status))
            seen[key] = seen.get(key, 0) + 1
        elapsed = time.time() - started
        checked = seen.get("bad-checkin-code", 0)
        check(seen.get("ok", 0) == 0, "no guess checks in: %s" % seen)
        check(checked <= BUDGET, "at most %d guesses are checked: %s" % (BUDGET, seen))
        check(seen.get("checkin-locked", 0) == GUESSES - checked, "every guess past the budget is refused unchecked: %s" % seen)
        status, body = post("/v1/activities/%s/checkins" % p, tokens["V0002"], {"volunteer": "V0002", "code": right})
        check(status == 422 and body.get("code") == "checkin-locked", "the guesser stays stopped, even with the right code: %s %s" % (status, body))
        status, body = post("/v1/activities/%s/checkins" % p, tokens["V0003"], {"volunteer": "V0003", "code": right})
        check(status == 200 and body.get("checkin_millis") == 1796090400000 and body.get("checkin_corrected_by") is None, "another volunteer with the right code checks in: %s %s" % (status, body))
    finally:
        scratch.stop(server)

    # The ledger afterwards: nobody earned, nothing was recorded for the morning, the chain verifies.
    balances = {v: out("balance", v)["balance"] for v in ["V0001", "V0002", "V0003"]}
    check(balances == {"V0001": 0, "V0002": 0, "V0003": 0}, "no points moved: %s" % balances)
    con = sqlite3.connect(db)
    records = con.execute("SELECT count(*) FROM service_record").fetchone()[0]
    morning_rows = con.execute("SELECT count(*) FROM participation WHERE activity = ?", (morning["id"],)).fetchone()[0]
    try:
        counted = con.execute("SELECT count(*) FROM checkin_failure WHERE volunteer = 'V0002'").fetchone()[0]
    except sqlite3.OperationalError:  # a jifen that keeps no count of wrong codes
        counted = -1
    checked_in = [r[0] for r in con.execute("SELECT volunteer FROM participation WHERE activity = ? AND checkin_at IS NOT NULL ORDER BY 1", (patrol["id"],))]
    con.close()
    check(records == 0 and morning_rows == 0, "no record, no participation in the morning's patrol: %d, %d" % (records, morning_rows))
    check(counted == checked, "each checked guess is counted: %d of %d" % (counted, checked))
    check(checked_in == ["V0003"], "only the honest volunteer is checked in: %s" % checked_in)
    verify = run("verify", ok=False)
    check(verify.returncode == 0, "jifen verify: %s" % verify.stdout)

    print("backdated check-in and check-out: %s" % ", ".join("%d %s" % (s, b.get("code")) for s, b in backdated))
    print("guesses: %d in %.1f s (%.0f/s); checked %d (budget %d), refused unchecked %d; chance of a hit at most %d in 1,000,000"
          % (GUESSES, elapsed, GUESSES / max(elapsed, 0.001), checked, BUDGET, seen.get("checkin-locked", 0), checked))
    print("balances after: %s; service records: %d" % (balances, records))


if __name__ == "__main__":
    sys.exit(main())
