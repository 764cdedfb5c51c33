"""A real hosted backend-8825 for the SDK tests: the binary, started on 127.0.0.1 on a free
port, on SQLite or on a fresh Postgres schema, with an account made by its CLI.

As a module: `Hosted(binary, db, workdir)`. As a program (for the Kotlin test):
`python3 hosted.py BINARY sqlite|postgres INFO_FILE` starts one, writes
`{"base": ..., "token": ...}` to INFO_FILE and serves until it gets SIGTERM.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

STARTUP_LIMIT = 60


def databases():
    """SQLite always; Postgres when DATABASE_URL is set (required when
    BACKEND_8825_REQUIRE_POSTGRES is)."""
    dbs = ["sqlite"]
    if os.environ.get("DATABASE_URL"):
        dbs.append("postgres")
    elif os.environ.get("BACKEND_8825_REQUIRE_POSTGRES"):
        raise RuntimeError("BACKEND_8825_REQUIRE_POSTGRES is set but DATABASE_URL is not")
    return dbs


def fresh_postgres_schema():
    """A URL to a new, empty schema of the DATABASE_URL database."""
    base = os.environ["DATABASE_URL"]
    schema = "sdk_" + uuid.uuid4().hex
    subprocess.run(["psql", "-q", base, "-c", f"CREATE SCHEMA {schema}"], check=True)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


class Hosted:
    def __init__(self, binary, db, workdir):
        self.dir = workdir
        data_dir = os.path.join(workdir, "hosted")
        if db == "sqlite":
            url = "sqlite://" + os.path.join(workdir, "hosted.db")
        else:
            url = fresh_postgres_schema()
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": workdir,
            "BACKEND_8825_LOG": "info",
            "DATABASE_URL": url,
        }
        db_args = ["--data-dir", data_dir]
        made = subprocess.run(
            [binary, "account", "create", "alice", *db_args],
            env=env, capture_output=True, text=True, check=True,
        )
        self.token = made.stdout.strip()
        self.process = subprocess.Popen(
            [binary, "serve", "--mode", "hosted", "--bind", "127.0.0.1", "--port", "0",
             *db_args],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        self.base = self._wait_for_address()

    def _wait_for_address(self):
        found = {}
        ready = threading.Event()

        def read():
            for line in self.process.stderr:
                match = re.search(r"listening on (http://[0-9.:]+)", line)
                if match and not ready.is_set():
                    found["base"] = match.group(1)
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(STARTUP_LIMIT) or "base" not in found:
            self.stop()
            raise RuntimeError(f"the hosted daemon did not start (exit {self.process.poll()})")
        return found["base"]

    def request(self, method, path, body=None):
        """(status, JSON body) of a call with the account's token."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read().decode() or "null")

    def pairing_code(self):
        status, body = self.request("POST", "/pairing-codes")
        assert status == 201, body
        return body["code"]

    def key_id(self):
        status, body = self.request("GET", "/identity")
        assert status == 200, body
        return body["key_id"]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stderr.close()


def eventually(what, condition, limit=20.0):
    """Polls `condition` every 50 ms until it holds; fails naming `what` after `limit` s."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit} s waiting for {what}")
        time.sleep(0.05)


def main(binary, db, info_file):
    with tempfile.TemporaryDirectory() as workdir:
        hosted = Hosted(binary, db, workdir)
        stopping = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        try:
            tmp = info_file + ".tmp"
            with open(tmp, "w") as out:
                json.dump({"base": hosted.base, "token": hosted.token}, out)
            os.rename(tmp, info_file)
            stopping.wait()
        finally:
            hosted.stop()


if __name__ == "__main__":
    main(*sys.argv[1:4])
