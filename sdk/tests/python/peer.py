"""A device on the SDK, driven by another program: one JSON command per line on standard
input, one JSON answer per line on standard output ({"ok": ...} or {"error": ...}).

The cross-platform test (web/test/browser/crossplatform.test.ts) runs it beside a local
daemon and the web UI in Chromium. Needs the generated Python bindings on PYTHONPATH.

Commands: {"op": "open", "dir": D} (a client in D, its key store a folder of D),
{"op": "pair", "url": U, "code": C}, {"op": "sync"}, {"op": "create_conversation", "title": T},
{"op": "post", "conversation_id": I, "content": X}, {"op": "read", "conversation_id": I},
{"op": "close"}.
"""

import json
import os
import sys

import backend_8825_ffi as sdk


class FolderKeyStore(sdk.KeyStore):
    """One owner-only file per secret, as a test stands in for the platform's key store."""

    def __init__(self, directory):
        self.dir = directory
        os.makedirs(directory, mode=0o700, exist_ok=True)

    def get(self, name):
        try:
            with open(os.path.join(self.dir, name)) as f:
                return f.read()
        except FileNotFoundError:
            return None

    def set(self, name, value):
        fd = os.open(os.path.join(self.dir, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(value)

    def delete(self, name):
        try:
            os.remove(os.path.join(self.dir, name))
        except FileNotFoundError:
            pass


def main():
    client = None
    for line in sys.stdin:
        command = json.loads(line)
        op = command["op"]
        try:
            if op == "open":
                settings = sdk.ClientSettings(
                    data_dir=os.path.join(command["dir"], "data"),
                    automatic_sync=False,
                    sync_interval_secs=3600,
                )
                keys = FolderKeyStore(os.path.join(command["dir"], "keys"))
                client = sdk.BackendSyncClient.with_settings(settings, keys)
                answer = {"backend_id": client.identity().backend_id}
            elif op == "pair":
                paired = client.pair(command["url"], command["code"], None)
                answer = {"peer_id": paired.peer_id}
            elif op == "sync":
                done = client.sync_now()
                answer = [{"pushed": d.summary.pushed, "pulled": d.summary.pulled} for d in done]
            elif op == "create_conversation":
                answer = {"id": client.create_conversation(command["title"]).id}
            elif op == "post":
                message = client.create_message(command["conversation_id"], "user", command["content"])
                answer = {"id": message.id}
            elif op == "read":
                detail = client.get_conversation(command["conversation_id"])
                answer = [
                    {"content": m.content, "source_backend": m.source_backend}
                    for m in detail.messages
                ]
            elif op == "close":
                print(json.dumps({"ok": True}), flush=True)
                return
            else:
                raise ValueError(f"no such command: {op}")
            print(json.dumps({"ok": answer}), flush=True)
        except Exception as err:  # every failure goes back to the driver, typed by its class
            print(json.dumps({"error": f"{type(err).__name__}: {err}"}), flush=True)


if __name__ == "__main__":
    main()
