#!/usr/bin/env python3
"""Nobody can lock out someone else, and one slow client cannot stall the server.

Against a real `jifen serve` (no --trust-proxy: addresses are the sockets' own; 127.0.0.x are
different clients on Linux's loopback) over a scratch SQLite database:
1. A guesser at the community room's address sends 10,000 failed sign-ins: 5,000 wrong enrolment
   codes (API and sign-in page) and 5,000 forged tokens naming a signed-in neighbour's credential id,
   each with X-Real-IP / X-Forwarded-For headers of made-up addresses. Afterwards, from the same
   address, the neighbour's credential is served (API and pages), and another neighbour whose phone
   opened the sign-in page earlier signs in with her enrolment code. No guess succeeded; `jifen verify`
   passes and no balance moved.
2. A slow client holds 300 unfinished requests (headers never ended, a byte now and then) from its
   own address while `/health` is timed from another connection: prints the median and max latency
   and fails if any answer took 1 s or more.
Prints its figures and `attack lockout: ok`; exits 1 on a failure.
Usage: python3 scripts/lib/attack/lockout.py --jifen path/to/jifen
"""
import argparse
import http.client
import json
import re
import socket
import statistics
import sys
import threading
import time
import urllib.parse

from _scratch import Scratch
ROOM = "127.0.0.5"        # the community room's router: the guesser and the neighbours
SLOW = "127.0.0.9"        # the slow client
TIMER = "127.0.0.1"       # who times /health


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jifen", required=True)
    args = parser.parse_args()
    scratch = Scratch("lockout", args.jifen)
    check = scratch.check
    jifen = scratch.run

    try:
        for step in (["init", "--community", "玫瑰园社区", "--admin", "李主任"], ["team", "add", "--name", "助老队"],
                     ["team", "add-organizer", "T01", "王队长"],
                     ["volunteer", "add", "--name", "张桂兰", "--phone", "13800001234", "--team", "T01"],
                     ["volunteer", "add", "--name", "李志强", "--phone", "13800005678", "--team", "T01"],
                     ["grant", "V0002", "50", "--reason", "结转", "--key", "seed"]):
            jifen(*step)
        her_token = scratch.json("credential", "issue", "V0002", "--label", "phone")["secret"]
        her_id = her_token.split("_")[1]
        code = scratch.json("credential", "issue", "V0001", "--enrolment")["secret"]
        balances = scratch.json("balance", "V0002")

        _, port = scratch.serve()

        def request(method, path, source, headers=None, body=None):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
            try:
                connection.request(method, path, body=body, headers=headers or {})
                answer = connection.getresponse()
                return answer.status, answer.getheaders(), answer.read().decode("utf-8", "replace")
            finally:
                connection.close()

        def cookie(headers, name):
            for key, value in headers:
                if key.lower() == "set-cookie" and value.startswith(name + "="):
                    return value.split(";", 1)[0].split("=", 1)[1]
            return None

        # The second neighbour's phone opens the sign-in page before the guessing starts.
        status, headers, page = request("GET", "/web/signin", ROOM)
        device = cookie(headers, "jf_pre")
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        check(status == 200 and device and csrf, "the sign-in page gives a device cookie and a form token")
        csrf = csrf.group(1) if csrf else ""

        # 1. 10,000 failed sign-ins from the room's address, 8 at a time, forged forwarding headers;
        # on the sign-in page the guesser takes a fresh device cookie every 10 guesses.
        statuses = {}
        lock = threading.Lock()
        alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

        def own_device():
            _, headers, page = request("GET", "/web/signin", ROOM)
            token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
            return cookie(headers, "jf_pre") or "", token.group(1) if token else ""

        def guesser(worker):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(ROOM, 0))
            mine, mine_csrf = own_device()
            for i in range(worker, 10_000, 8):
                if i % 80 == worker:
                    mine, mine_csrf = own_device()
                made_up = "198.51.100.%d" % (i % 250)
                forged = {"X-Real-IP": made_up, "X-Forwarded-For": made_up}
                guess = "".join(alphabet[(i * 7 + k * 13) % len(alphabet)] for k in range(8))
                if i % 4 == 0:
                    path, method, body = "/web/signin", "POST", urllib.parse.urlencode({"code": guess, "csrf": mine_csrf})
                    forged.update({"Content-Type": "application/x-www-form-urlencoded", "Cookie": "jf_pre=" + mine})
                elif i % 2 == 0:
                    path, method, body = "/v1/enrolments", "POST", json.dumps({"code": guess, "label": ""})
                    forged["Content-Type"] = "application/json"
                else:
                    path, method, body = "/v1/me", "GET", None
                    forged["Authorization"] = "Bearer jf_%s_%s" % (her_id, "A" * 43)
                for attempt in range(3):
                    try:
                        connection.request(method, path, body=body, headers=forged)
                        answer = connection.getresponse()
                        answer.read()
                        break
                    except (http.client.HTTPException, OSError):
                        connection.close()
                        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(ROOM, 0))
                else:
                    with lock:
                        statuses["error"] = statuses.get("error", 0) + 1
                    continue
                with lock:
                    statuses[answer.status] = statuses.get(answer.status, 0) + 1
            connection.close()

        started = time.monotonic()
        threads = [threading.Thread(target=guesser, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.monotonic() - started
        print("failed sign-ins from %s: %d in %.1f s, answers %s" % (ROOM, sum(statuses.values()), took,
              ", ".join("%s: %d" % (k, v) for k, v in sorted(statuses.items(), key=str))))
        check(sum(statuses.values()) == 10_000 and set(statuses) <= {401, 429}, "every guess refused (401 or 429), none accepted")
        check(statuses.get(429, 0) >= 9_000, "the guesser is slowed (429) after the generous limits")

        # The signed-in neighbour, from the same address: served by the API and the pages.
        status, _, body = request("GET", "/v1/me", ROOM, {"Authorization": "Bearer " + her_token})
        check(status == 200, "her API request from the room is answered (%d)" % status)
        status, _, body = request("GET", "/web/me", ROOM, {"Cookie": "jf=" + her_token})
        check(status == 200 and "李志强" in body, "her page from the room is served (%d)" % status)
        # The other neighbour signs in with her code from the phone that opened the page earlier.
        form = urllib.parse.urlencode({"code": code, "csrf": csrf, "next": "/web"})
        status, headers, _ = request("POST", "/web/signin", ROOM, {"Content-Type": "application/x-www-form-urlencoded",
                                                                   "Cookie": "jf_pre=" + device}, form)
        check(status == 303 and cookie(headers, "jf") is not None,
              "the neighbour with a valid code signs in from the room on her own phone (%d)" % status)
        status, _, body = request("GET", "/web/me", ROOM, {"Cookie": "jf=" + (cookie(headers, "jf") or "")})
        check(status == 200 and "张桂兰" in body, "and sees her page (%d)" % status)

        # 2. A slow client holds 300 unfinished requests; /health is timed from another address.
        held, refused = [], 0
        slow_started = time.monotonic()
        for _ in range(300):
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(SLOW, 0))
                connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                held.append(connection)
            except OSError:
                refused += 1
        stop = threading.Event()

        def trickle():
            while not stop.is_set():
                for connection in held:
                    try:
                        connection.send(b"a")
                    except OSError:
                        pass
                stop.wait(1)

        trickler = threading.Thread(target=trickle)
        trickler.start()
        times, health = [], []
        for _ in range(50):
            started = time.monotonic()
            try:
                status, _, _ = request("GET", "/health", TIMER)
            except OSError:
                status = 0
            times.append(time.monotonic() - started)
            health.append(status)
            time.sleep(0.1)
        check(set(health) == {200}, "/health answers every time while the slow client holds its requests (%s)" % sorted(set(health)))
        stop.set()
        trickler.join()
        open_now = 0
        for connection in held:
            connection.settimeout(0.01)
            try:
                open_now += 0 if connection.recv(1) == b"" else 1
            except socket.timeout:
                open_now += 1
            except OSError:
                pass
            connection.close()
        print("slow client: 300 unfinished requests from %s (%d refused at connect, %d kept open by the server after %.0f s); "
              "/health from %s: median %.1f ms, max %.1f ms over %d requests"
              % (SLOW, refused, open_now, time.monotonic() - slow_started, TIMER, statistics.median(times) * 1000, max(times) * 1000, len(times)))
        check(max(times) < 1.0, "/health answers within 1 s (max %.3f s)" % max(times))

        verify = scratch.run("verify", ok=False)
        check(verify.returncode == 0, "jifen verify passes")
        check(scratch.json("balance", "V0002") == balances, "no balance moved")
    finally:
        scratch.close()
    sys.exit(scratch.finish())


if __name__ == "__main__":
    main()
