#!/usr/bin/env python3
"""Attack: a merchant guesses volunteers' pay codes.

A merchant's owner and its counter staff, each with a real credential, guess six-digit codes and
QR secrets at full speed against a real `jifen serve`, in between real redemptions of codes the
volunteers opened, and in a burst of parallel requests. The merchant must be stopped within its
budget (codes.wrong_budget, 10 per codes.wrong_window_hours, 24), the organizers told once, and no
point may move but the real redemptions'. Checked afterwards: every balance, the rows of wrong
codes, the event, `jifen verify`.

The guesses avoid the live codes (the script knows them; a guesser would not): a chance hit is
what the budget makes rare (figures below), and this run checks that nothing else moves.

Usage: python3 scripts/lib/attack/paycodes.py --jifen .build/debug/jifen
"""
import argparse
import concurrent.futures
import json
import random
import sqlite3
import subprocess
import sys
import time

from _scratch import Scratch, post as post_json

VOLUNTEERS = 20
GRANT = 100


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jifen", required=True)
    args = parser.parse_args()
    scratch = Scratch("paycodes", args.jifen)
    failures, check = scratch.failures, scratch.check
    try:
        jifen, db, env = scratch.jifen, scratch.db, scratch.env

        def cli(*argv, ok=True):
            return scratch.run("--json", *argv, ok=ok)

        cli("init", "--community", "玫瑰园社区", "--admin", "李主任")
        volunteers = [f"V{i + 1:04d}" for i in range(VOLUNTEERS)]
        for i in range(VOLUNTEERS):
            cli("volunteer", "add", "--name", f"志愿者{i:02d}", "--phone", f"1380000{i:04d}")
        cli("merchant", "add", "--name", "老街理发店")
        cli("merchant", "add", "--name", "便民超市")
        for v in volunteers:
            cli("grant", v, str(GRANT), "--reason", "开账", "--key", f"open-{v}")

        def token(person, *extra):
            return scratch.own_credential(person, *extra)

        tokens = {v: token(v) for v in volunteers}
        owner, staff, other = token("M001"), token("M001", "--staff"), token("M002")

        server, port = scratch.serve()
        try:
            base = f"http://127.0.0.1:{port}"

            def post(path, tok, body):
                return post_json(base, path, tok, body)[:2]

            live = {}  # volunteer -> its live code (digits)

            def open_code(v):
                status, body = post(f"/v1/accounts/{v}/codes", tokens[v], {})
                if status != 200:
                    sys.exit(f"attack paycodes: {v} could not open a code: {status} {body}")
                live[v] = body["code"]
                return body

            for v in volunteers:
                open_code(v)
            check(all(len(c) == 6 for c in live.values()), f"{VOLUNTEERS} volunteers each hold one live code")

            rng = random.Random(21)

            def guess():
                while True:
                    g = f"{rng.randrange(1_000_000):06d}"
                    if g not in live.values():
                        return g

            answers = {}
            paid = {v: 0 for v in volunteers}
            merchant_points = 0
            sent = 0
            started = time.monotonic()
            # Serial: owner and staff take turns guessing; every third guess, a real redemption.
            for i in range(60):
                who = owner if i % 2 == 0 else staff
                code = guess() if i % 5 else "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(26))
                status, body = post("/v1/redemptions", who, {"merchant": "M001", "code": code, "points": 1, "hold": False})
                sent += 1
                answers[body.get("code", str(status))] = answers.get(body.get("code", str(status)), 0) + 1
                if status == 200:
                    failures.append(f"guess {code} redeemed: {body}")
                if i % 3 == 2:
                    v = volunteers[(i // 3) % VOLUNTEERS]
                    status, body = post("/v1/redemptions", staff, {"merchant": "M001", "code": live[v], "points": 2, "hold": False})
                    if status == 200:
                        paid[v] += 2
                        merchant_points += 2
                    else:
                        answers["real:" + body.get("code", str(status))] = answers.get("real:" + body.get("code", str(status)), 0) + 1
                    open_code(v)
            # A burst: 200 guesses at once from both credentials.
            burst = [guess() for _ in range(200)]
            with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
                results = list(pool.map(lambda ic: post("/v1/redemptions", owner if ic[0] % 2 else staff,
                                                        {"merchant": "M001", "code": ic[1], "points": 1, "hold": False}), enumerate(burst)))
            sent += len(results)
            for status, body in results:
                key = body.get("code", str(status))
                answers[key] = answers.get(key, 0) + 1
                if status == 200:
                    failures.append(f"a burst guess redeemed: {body}")
            elapsed = time.monotonic() - started

            # Another merchant is not stopped; a real code still pays there.
            v = volunteers[-1]
            status, body = post("/v1/redemptions", other, {"merchant": "M002", "code": live[v], "points": 3, "hold": False})
            check(status == 200, f"another merchant still redeems a real code ({status})")
            if status == 200:
                paid[v] += 3
        finally:
            scratch.stop(server)

        wrong = answers.get("code-wrong", 0)
        stopped = answers.get("merchant-locked", 0)
        print(f"  guesses sent: {sent} in {elapsed:.1f} s ({sent / elapsed:.0f}/s); answers: {json.dumps(answers, sort_keys=True)}")
        print(f"  real redemptions paid at M001: {merchant_points // 2} ({merchant_points} points)")
        check(wrong == 10, f"exactly the budget of wrong codes was evaluated ({wrong} code-wrong answers; budget 10)")
        check(stopped == sent - wrong - answers.get("429", 0) - answers.get("rate-limited", 0),
              f"every other guess was refused unevaluated ({stopped} merchant-locked)")

        connection = sqlite3.connect(db)
        rows = dict(connection.execute("SELECT id, balance FROM account"))
        counted = connection.execute("SELECT COUNT(*) FROM code_wrong WHERE merchant = 'M001'").fetchone()[0]
        told = connection.execute("SELECT payload FROM event WHERE type = 'merchant.code_locked'").fetchall()
        connection.close()
        check(counted == 10, f"10 wrong codes recorded against M001 ({counted})")
        check(len(told) == 1 and "老街理发店" in told[0][0], f"the organizers were told once, naming the merchant ({len(told)} event)")
        check(all(rows[v] == GRANT - paid[v] for v in volunteers), "every volunteer's balance is her grant less her real redemptions")
        check(rows["M001"] == merchant_points, f"M001 holds exactly its real redemptions ({rows['M001']} = {merchant_points})")
        verify = subprocess.run([jifen, "--db", db, "verify"], env=env, capture_output=True, text=True)
        check(verify.returncode == 0, "jifen verify passes")

        # The figures (defaults): a typed code is one of 10^6; the budget is what a merchant may try.
        budget, live_peak = 10, VOLUNTEERS
        per_try = live_peak / 1e6
        per_year = 1 - (1 - per_try) ** (budget * 365)
        print(f"  figures: {budget} wrong codes a day per merchant (owner and staff together); with {live_peak} live codes"
              f" (one per volunteer, all open at once) p = {live_peak}/10^6 = {per_try:.0e} a try,"
              f" 1-(1-p)^({budget}*365) = {per_year:.1%} a year; a QR secret is 128 random bits (2^-128 a try)")
    finally:
        scratch.close()
    return scratch.finish()


if __name__ == "__main__":
    sys.exit(main())
