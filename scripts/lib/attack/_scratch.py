"""What every attack script shares (scripts/lib/attack.sh skips files whose name starts with _).

`Scratch(name, jifen)`: a scratch folder with a SQLite database set up through the real `jifen`
binary (`run`, `json`), `jifen serve` on 127.0.0.1 over it (`serve`, `stop`), the checks' failures
(`check`, `finish`) and the clean-up (`close`: servers stopped, folder removed). `post` sends a JSON
request with a bearer credential. The clock is injected (JIFEN_NOW), never today's date.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

NOW = "2026-12-01 10:00"


class Scratch:
    def __init__(self, name, jifen, now=NOW):
        self.name = name
        self.jifen = os.path.abspath(jifen)
        self.folder = tempfile.mkdtemp(prefix="jifen-attack-%s-" % name)
        self.db = os.path.join(self.folder, "jifen.sqlite")
        self.env = {"PATH": "/usr/bin:/bin", "HOME": self.folder, "TZ": "Asia/Shanghai", "JIFEN_NOW": now,
                    "JIFEN_ACTOR": "李主任"}
        self.servers = []
        self.failures = []

    def run(self, *argv, ok=True, actor=None):
        """Runs `jifen --db DB --lang en ARGV…` as the database's owner acting for `actor` (default the
        admin 李主任); a failing set-up step (ok=True) ends the script."""
        env = dict(self.env, JIFEN_ACTOR=actor) if actor else self.env
        done = subprocess.run([self.jifen, "--db", self.db, "--lang", "en", *argv], env=env, cwd=self.folder,
                              capture_output=True, text=True)
        if ok and done.returncode != 0:
            raise SystemExit("attack %s: setup failed: jifen %s: %s %s" % (self.name, " ".join(argv), done.stdout, done.stderr))
        return done

    def json(self, *argv, actor=None):
        return json.loads(self.run("--json", *argv, actor=actor).stdout)

    def own_credential(self, person, *extra):
        """A device credential for `person` that she then confirms as her own (so it may spend her
        points); returns its secret."""
        issued = self.json("credential", "issue", person, "--label", "attack", *extra)
        self.run("credential", "confirm", issued["credential"]["id"], actor=person)
        return issued["secret"]

    def serve(self, *extra):
        """Starts `jifen serve` on 127.0.0.1 (a free port) over the database; returns (process, port)."""
        log = open(os.path.join(self.folder, "serve-%d.log" % len(self.servers)), "w")
        process = subprocess.Popen([self.jifen, "serve", "--listen", "127.0.0.1:0", "--db", self.db, *extra], env=self.env,
                                   cwd=self.folder, stdout=subprocess.PIPE, stderr=log, text=True)
        self.servers.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            if "listening on" in line:
                return process, int(line.strip().rsplit(":", 1)[1])
        self.stop(process)
        raise SystemExit("attack %s: jifen serve did not start" % self.name)

    def stop(self, process):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def check(self, ok, what):
        print(("  ok   " if ok else "  FAIL ") + what, flush=True)
        if not ok:
            self.failures.append(what)

    def close(self):
        for process in self.servers:
            self.stop(process)
        shutil.rmtree(self.folder, ignore_errors=True)

    def finish(self):
        """Prints the verdict; returns the exit status."""
        if self.failures:
            print("attack %s: FAILED (%d): %s" % (self.name, len(self.failures), "; ".join(self.failures)), file=sys.stderr)
            return 1
        print("attack %s: ok" % self.name)
        return 0


def post(base, path, token, body, headers=None):
    """POSTs JSON with a bearer credential; returns (status, answer JSON, Idempotent-Replay header)."""
    fields = {"Authorization": "Bearer " + token, "Content-Type": "application/json", **(headers or {})}
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST", headers=fields)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"{}"), answer.headers.get("Idempotent-Replay")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), None
