#!/usr/bin/env python3
"""Writes corpus.jsonl: labelled lines for the redaction test and `bench redact`.

Deterministic (fixed seed): `python3 tests/data/pii/generate.py` rewrites the same file.
Each line is {"text": ..., "entities": [{"type", "start", "end"}]} with offsets in code
points; PII-free lines have no entities. Half the lines or more are hard negatives: numbers
and identifiers that look like PII and must come out unchanged.
"""

import json
import os
import random
import uuid

SEED = 8825
PII_LINES = 8000
NEGATIVE_LINES = 10000

R = random.Random(SEED)


def digits(n):
    return "".join(R.choice("0123456789") for _ in range(n))


def luhn_digit(body):
    total = 0
    for i, c in enumerate(reversed(body)):
        x = int(c)
        if i % 2 == 0:
            x = x * 2 - 9 if x > 4 else x * 2
        total += x
    return str((10 - total % 10) % 10)


def luhn_ok(number):
    return luhn_digit(number[:-1]) == number[-1]


# ---- PII ----------------------------------------------------------------------------------

FIRST = ["jane", "john", "maria", "wei", "yuki", "olivier", "anna", "li", "sam", "priya", "o.k"]
LAST = ["doe", "smith", "garcia", "zhang", "tanaka", "martin", "muller", "kim", "nguyen"]
DOMAINS = ["example.com", "mail.example.org", "corp.example.co.uk", "example.fr", "example.de",
           "example.co.jp", "example.com.au", "example.cn", "sub-domain.example.io", "example.dev"]


def email():
    f, l = R.choice(FIRST), R.choice(LAST)
    local = R.choice([f"{f}.{l}", f"{f}_{l}{R.randint(1, 99)}", f"{f[0]}{l}", f"{f}+{R.choice(['news', 'x1', 'tag'])}",
                      f"{f}.{l}{R.randint(1900, 2010)}", f"{l}-{f}"])
    addr = f"{local}@{R.choice(DOMAINS)}"
    if R.random() < 0.15:
        addr = addr.upper() if R.random() < 0.5 else addr.title()
    return addr


def email_encoded():
    return email().replace("@", R.choice(["%40", "%40"]))


def nanp():
    a = f"{R.randint(2, 9)}{digits(2)}"
    e = f"{R.randint(2, 9)}{digits(2)}"
    s = digits(4)
    return R.choice([f"({a}) {e}-{s}", f"{a}-{e}-{s}", f"{a}.{e}.{s}", f"{a} {e} {s}", f"{a}{e}{s}",
                     f"+1 {a} {e} {s}", f"+1 ({a}) {e}-{s}", f"1-{a}-{e}-{s}", f"+1{a}{e}{s}",
                     f"+1-{a}-{e}-{s}", f"1 ({a}) {e}-{s}"])


def national():
    return R.choice([
        lambda: f"020 {digits(4)} {digits(4)}",                      # UK London
        lambda: f"07{digits(3)} {digits(6)}",                        # UK mobile
        lambda: f"0161 {digits(3)} {digits(4)}",                     # UK Manchester
        lambda: f"07{digits(9)}",
        lambda: "0" + str(R.randint(1, 9)) + "".join(f" {digits(2)}" for _ in range(4)),  # FR
        lambda: "0" + str(R.randint(6, 7)) + "".join(f".{digits(2)}" for _ in range(4)),
        lambda: f"0{R.randint(1, 9)}{digits(8)}",
        lambda: f"030 {digits(8)}",                                  # DE Berlin
        lambda: f"(089) {digits(7)}",
        lambda: f"0151 {digits(8)}",                                 # DE mobile
        lambda: f"0221-{digits(6)}",
        lambda: f"03-{digits(4)}-{digits(4)}",                       # JP Tokyo
        lambda: f"090-{digits(4)}-{digits(4)}",                      # JP mobile
        lambda: f"06-{digits(4)}-{digits(4)}",
        lambda: f"080{digits(8)}",
        lambda: f"02 {digits(4)} {digits(4)}",                       # AU Sydney
        lambda: f"(03) {digits(4)} {digits(4)}",
        lambda: f"04{digits(2)} {digits(3)} {digits(3)}",            # AU mobile
    ])()


def international():
    return R.choice([
        lambda: f"+44 20 {digits(4)} {digits(4)}",
        lambda: f"+44 (0)20 {digits(4)} {digits(4)}",
        lambda: f"+44 7{digits(3)} {digits(6)}",
        lambda: f"+447{digits(9)}",
        lambda: f"+33 {R.randint(1, 9)}" + "".join(f" {digits(2)}" for _ in range(4)),
        lambda: f"+33{R.randint(6, 7)}{digits(8)}",
        lambda: f"+49 30 {digits(8)}",
        lambda: f"+49 151 {digits(8)}",
        lambda: f"+49-89-{digits(7)}",
        lambda: f"+81 3-{digits(4)}-{digits(4)}",
        lambda: f"+81 90 {digits(4)} {digits(4)}",
        lambda: f"+61 2 {digits(4)} {digits(4)}",
        lambda: f"+61 4{digits(2)} {digits(3)} {digits(3)}",
        lambda: f"+86 1{R.randint(3, 8)}{digits(1)} {digits(4)} {digits(4)}",
        lambda: f"+91 9{digits(4)} {digits(5)}",
        lambda: f"+55 11 9{digits(4)}-{digits(4)}",
        lambda: f"+34 6{digits(2)} {digits(3)} {digits(3)}",
        lambda: f"+353{digits(9)}",
    ])()


def phone():
    return R.choice([nanp, nanp, national, international])()


def ssn():
    while True:
        area = R.randint(1, 899)
        if area != 666:
            break
    sep = R.choice(["-", "-", " "])
    return f"{area:03d}{sep}{R.randint(1, 99):02d}{sep}{R.randint(1, 9999):04d}"


ISSUERS = [  # (prefixes, lengths, grouping by length)
    (["4"], [16, 13, 19]), (["51", "52", "53", "54", "55"], [16]),
    ([str(p) for p in range(2221, 2721, 37)], [16]), (["34", "37"], [15]),
    (["6011", "644", "645", "649", "65"], [16]), ([str(p) for p in range(3528, 3590, 7)], [16]),
    (["300", "305", "36", "38"], [14]), (["62"], [16, 19]),
]


def card_number():
    prefixes, lengths = R.choice(ISSUERS)
    prefix, n = R.choice(prefixes), R.choice(lengths)
    body = prefix + digits(n - 1 - len(prefix))
    return body + luhn_digit(body)


def group(number, sep):
    n = len(number)
    sizes = {15: [4, 6, 5], 14: [4, 6, 4], 13: [4, 4, 5], 19: [4, 4, 4, 4, 3]}.get(n, [4] * (n // 4))
    parts, at = [], 0
    for s in sizes:
        parts.append(number[at:at + s])
        at += s
    return sep.join(parts)


def card():
    number = card_number()
    return R.choice([number, group(number, " "), group(number, "-"), group(number, " ")])


KINDS = [("EMAIL", email, 3), ("EMAIL", email_encoded, 1), ("PHONE", phone, 4), ("SSN", ssn, 2),
         ("CREDIT_CARD", card, 3)]


# ---- hard negatives ----------------------------------------------------------------------


def hexs(n):
    return "".join(R.choice("0123456789abcdef") for _ in range(n))


def ts_iso():
    return f"2026-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}.{digits(3)}Z"


def ipv4():
    return ".".join(str(R.randint(0, 255)) for _ in range(4))


def ipv6():
    return R.choice([f"2001:db8::{hexs(4)}:{hexs(4)}", f"fe80::{R.randint(1, 9999)}",
                     ":".join(hexs(4) for _ in range(8)), f"::ffff:{ipv4()}"])


def mac():
    sep = R.choice([":", "-"])
    return sep.join(hexs(2).upper() if R.random() < 0.5 else hexs(2) for _ in range(6))


def imei():
    body = R.choice(["35", "86", "01", "49", "99"]) + digits(12)
    return body + luhn_digit(body)


def luhn_invalid():
    number = card_number()
    bad = number[:-1] + str((int(number[-1]) + R.randint(1, 9)) % 10)
    return R.choice([bad, group(bad, " "), group(bad, "-")])


def isbn():
    return R.choice([f"978-{R.randint(0, 9)}-{digits(2)}-{digits(6)}-{R.randint(0, 9)}",
                     f"978{digits(10)}", f"0-{digits(3)}-{digits(5)}-{R.randint(0, 9)}",
                     f"979-{R.randint(8, 9)}-{digits(4)}-{digits(4)}-{R.randint(0, 9)}"])


NEGATIVES = [
    lambda: f"request {uuid.UUID(int=R.getrandbits(128), version=4)} done in {R.randint(1, 999)} ms",
    lambda: f"conversation {uuid.UUID(int=R.getrandbits(128), version=4)} synced",
    lambda: f"{ts_iso()} INFO sync finished, {R.randint(0, 500)} versions",
    lambda: f"{ts_iso()[:10]} {ts_iso()[11:19]} WARN retry in {R.randint(1, 60)} s",
    lambda: f"ts={R.randint(1_700_000_000, 1_799_999_999)} elapsed={R.randint(1, 9999)}ms",
    lambda: f'{{"ts_ms": {R.randint(1_700_000_000_000, 1_799_999_999_999)}, "level": "info"}}',
    lambda: f"created_at {R.randint(1_700_000_000, 1_799_999_999)}",
    lambda: f"upgraded to {R.randint(0, 20)}.{R.randint(0, 40)}.{R.randint(0, 300)} from v{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}",
    lambda: f"version {digits(15)}-{digits(6)}-{hexs(32)} applied",
    lambda: f"hlc {R.randint(10**14, 10**15 - 1):015d}-{R.randint(0, 999):06d}-{hexs(32)}",
    lambda: f"peer at {ipv4()}:{R.randint(1024, 65535)} connected",
    lambda: f"GET http://{ipv4()}:8080/health 200",
    lambda: f"listening on [{ipv6()}]:{R.choice([80, 443, 8825, 8080])}",
    lambda: f"iface eth0 mac {mac()} addr {ipv4()}",
    lambda: f"bind 0.0.0.0:{R.randint(1, 65535)} and :{R.randint(1000, 9999)}",
    lambda: f"sha256 {hexs(64)}",
    lambda: f"commit {hexs(40)} (short {hexs(7)})",
    lambda: f"etag \"{hexs(32)}\"",
    lambda: f"Order #{digits(R.choice([8, 10, 12]))} shipped",
    lambda: f"order {digits(3)}-{digits(7)}-{digits(7)} confirmed",
    lambda: f'{{"order_id": {R.randint(10**9, 10**10 - 1)}, "status": "paid"}}',
    lambda: f"tracking number 1Z{hexs(6).upper()}{digits(10)}",
    lambda: f"tracking {digits(4)} {digits(4)} {digits(4)} {digits(4)} {digits(4)} {digits(2)}",
    lambda: f"FedEx tracking {digits(12)}",
    lambda: f"invoice {digits(10)} due",
    lambda: f"test number {luhn_invalid()} rejected",
    lambda: f"value {luhn_invalid()}",
    lambda: f"IMEI {imei()}",
    lambda: f"device {imei()} registered",
    lambda: f"zip {digits(5)}, or {digits(5)}-{digits(4)}",
    lambda: f"San Francisco, CA {R.randint(90000, 96199)}",
    lambda: f"ISBN {isbn()}",
    lambda: f"isbn {R.randint(0, 1)}{digits(9)}",
    lambda: f"total ${R.randint(1, 9)},{digits(3)}.{digits(2)} (tax {R.randint(1, 99)}.{digits(2)})",
    lambda: f"price: {R.randint(1, 99999)}.{digits(2)} EUR",
    lambda: f"on {R.randint(1, 28):02d}/{R.randint(1, 12):02d}/{R.randint(1990, 2030)} and {R.randint(1, 28):02d}.{R.randint(1, 12):02d}.{R.randint(1990, 2030)}",
    lambda: f"due {R.randint(1990, 2030)}-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}",
    lambda: f"thanks @{R.choice(FIRST).replace('.', '')}_{R.choice(LAST)} and @{R.choice(LAST)}",
    lambda: f"npm i {R.choice(['lodash', 'react', 'axios', '@types/node'])}@{R.randint(0, 20)}.{R.randint(0, 30)}.{R.randint(0, 30)}",
    lambda: f"image app@sha256:{hexs(64)}",
    lambda: f"{R.randint(1, 999)} items, {R.randint(1, 99)}% done, {R.randint(1000, 99999)} bytes",
    lambda: f"日本語のメッセージ {R.randint(1, 99)} 件、{ts_iso()}",
    lambda: f"同步完成 {R.randint(1, 9999)} 条记录 v{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}",
    lambda: f"port {R.randint(1, 65535)} open; pid {R.randint(100, 4_000_000)}",
]


# ---- lines -------------------------------------------------------------------------------

LABELS = {"EMAIL": ["email", "mail", "contact", "reply to"], "PHONE": ["phone", "tel", "call", "mobile"],
          "SSN": ["SSN", "ssn", "social security"], "CREDIT_CARD": ["card", "visa", "cc"]}
TEMPLATES = [
    "{ts} INFO signup {label}={x} ip={ip}",
    "{ts} WARN {label} {x} could not be verified",
    "hey, my {label} is {x}, thanks!",
    "{x}",
    "please use {x} from now on",
    '{{"user": "u{n}", "{label}": "{x}", "ts": {epoch}}}',
    "Re: your {label} ({x}) was updated at {ts}",
    "请联系{x}谢谢",
    "電話番号・連絡先：{x}です",
    "연락처: {x} 입니다",
    "{label}:{x};",
    "- {label}: {x}",
    "| {n} | {x} | active |",
]


def fill(template, kind, value):
    label = R.choice(LABELS[kind])
    pre, post = template.split("{x}")
    fmt = dict(ts=ts_iso(), label=label, ip=ipv4(), n=R.randint(1, 9999), epoch=R.randint(1_700_000_000, 1_799_999_999))
    return pre.format(**fmt).replace("{{", "{").replace("}}", "}"), post.format(**fmt).replace("{{", "{").replace("}}", "}")


def pii_line():
    weights = [w for _, _, w in KINDS]
    parts, entities, text = [], [], ""
    for i in range(R.choice([1, 1, 1, 2])):
        kind, make, _ = R.choices(KINDS, weights)[0]
        value = make()
        if kind == "EMAIL" and "%40" in value:
            pre, post = "GET /api/users?" + R.choice(["email", "e", "to"]) + "=", R.choice(["&page=2 HTTP/1.1", "", "&ref=home"])
        else:
            pre, post = fill(R.choice(TEMPLATES), kind, value)
        if i:
            text += R.choice([" ", " | ", "; "])
        text += pre
        entities.append({"type": kind, "start": len(text), "end": len(text) + len(value)})
        text += value + post
    return {"text": text, "entities": entities}


def negative_line():
    text = R.choice(NEGATIVES)()
    if R.random() < 0.3:
        text += " " + R.choice(NEGATIVES)()
    return {"text": text, "entities": []}


def main():
    lines = [pii_line() for _ in range(PII_LINES)] + [negative_line() for _ in range(NEGATIVE_LINES)]
    R.shuffle(lines)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus.jsonl")
    with open(out, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
