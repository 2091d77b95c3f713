#!/usr/bin/env python3
"""The latency of one mail-list page from Konvert's cache, next to Dovecot's.

A webmail opens a folder by asking for its newest 50 messages. Against a
running konvert this measures that as one JMAP request, Email/query
(inMailbox INBOX, newest first, limit 50, calculateTotal) plus Email/get of
the 50 ids through a result reference (RFC 8620 §3.7), and, alternating with
it on the same machine, what an IMAP client does for the same page on the
same Dovecot: SELECT INBOX, UID SORT (REVERSE ARRIVAL) UTF-8 ALL (RFC 5256),
and UID FETCH of the first 50 UIDs with the attributes that answer the same
properties (FLAGS for keywords, INTERNALDATE for receivedAt, RFC822.SIZE,
ENVELOPE for from and subject, BODYSTRUCTURE for hasAttachment, and PREVIEW
(RFC 8970) when the server has it, else the first KiB of the text, for
preview). Both clients keep their connection open between repetitions, as
a browser and a desktop client would.

First it waits until konvert's background sync has indexed every folder
(see wait_for_sync) and prints how long that took from the first request,
which is the initial sync as the server runs it, to within a few seconds.

    bench/load/page_latency.py --url https://127.0.0.1:8443/webmail \
        --imap-port 1143 --ca cert.pem --login a@example.test --password p

Python standard library only. Prints median and p95 of both and their ratio;
exits non-zero when a request fails or the two pages disagree in size.
"""

import argparse
import base64
import http.client
import imaplib
import json
import re
import ssl
import statistics
import sys
import time
import urllib.parse

MAIL = "urn:ietf:params:jmap:mail"
USING = ["urn:ietf:params:jmap:core", MAIL]
PAGE = 50
PROPERTIES = ["id", "threadId", "mailboxIds", "keywords", "from", "subject", "receivedAt",
              "size", "preview", "hasAttachment"]
# Folders konvert keeps contacts and calendars in, and shared namespaces,
# are not mailboxes (store/sync/account_sync.h); they are left out of the
# counts compared below.
HIDDEN = ("Contacts", "Calendar")


def fail(message):
    print(f"page_latency: {message}", file=sys.stderr)
    sys.exit(1)


class Jmap:
    """One keep-alive HTTPS connection to konvert with HTTP Basic auth."""

    def __init__(self, url, login, password, context):
        parts = urllib.parse.urlsplit(url)
        self.base = parts.path.rstrip("/")
        self.connection = http.client.HTTPSConnection(parts.hostname, parts.port,
                                                      context=context, timeout=600)
        token = base64.b64encode(f"{login}:{password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
        session = self.request("GET", self.base + "/.well-known/jmap")
        self.api_path = urllib.parse.urlsplit(session["apiUrl"]).path
        self.account = session["primaryAccounts"][MAIL]

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        self.connection.request(method, path, body=data, headers=self.headers)
        response = self.connection.getresponse()
        payload = response.read()
        if response.status != 200:
            fail(f"{method} {path}: HTTP {response.status}: {payload[:300]!r}")
        return json.loads(payload)

    def call(self, method_calls):
        """The method responses of one API request; fails on any error response."""
        answer = self.request("POST", self.api_path, {"using": USING, "methodCalls": method_calls})
        for name, arguments, call_id in answer["methodResponses"]:
            if name == "error":
                fail(f"call {call_id}: {arguments}")
        return answer["methodResponses"]


def page_request(account, inbox):
    return [
        ["Email/query", {"accountId": account, "filter": {"inMailbox": inbox},
                         "sort": [{"property": "receivedAt", "isAscending": False}],
                         "limit": PAGE, "calculateTotal": True}, "q"],
        ["Email/get", {"accountId": account, "properties": PROPERTIES,
                       "#ids": {"resultOf": "q", "name": "Email/query", "path": "/ids"}}, "g"],
    ]


def imap_connect(port, login, password, context):
    """A logged-in IMAP session over STARTTLS, as konvert's own sessions are."""
    imap = imaplib.IMAP4("127.0.0.1", port, timeout=600)
    imap.starttls(ssl_context=context)
    imap.login(login, password)
    return imap


def imap_counts(imap):
    """Messages per personal mail folder, by IMAP STATUS."""
    _, listed = imap.list()
    _, namespace = imap.namespace()
    # RFC 2342: (personal) (other users') (shared), each a list or NIL.
    groups = re.match(rb"^(\(\(.*?\)\)|NIL) (\(\(.*?\)\)|NIL) (\(\(.*?\)\)|NIL)", namespace[0])
    shared = [p for g in groups.groups()[1:] for p in re.findall(rb'\("([^"]*)"', g)]
    counts = {}
    for line in listed:
        match = re.match(rb'\(([^)]*)\) (?:"(.)"|NIL) "?(.*?)"?$', line)
        flags, delimiter, name = match.group(1).lower(), match.group(2), match.group(3)
        if b"\\noselect" in flags or b"\\nonexistent" in flags:
            continue
        if any(p and (name.startswith(p) or name + (delimiter or b"") == p) for p in shared):
            continue
        top = name.split(delimiter)[0] if delimiter else name
        if top.decode() in HIDDEN:
            continue
        _, status = imap.status(b'"' + name + b'"', "(MESSAGES)")
        counts[name.decode()] = int(re.search(rb"MESSAGES (\d+)", status[0]).group(1))
    return counts


def wait_for_sync(jmap, expected, timeout, quiet=5):
    """Waits until konvert's background sync has indexed every folder.

    Mailbox/get counts cannot tell: a folder still syncing reports the
    server's STATUS counts. So this polls the Email state, which moves with
    every batch the sync adds, until it has stood still for `quiet` seconds,
    and then asks Email/query over all mailboxes, which konvert answers only
    once every folder is complete (api/email/query.cpp), finishing whatever
    is left itself. Returns the seconds until the state last moved (to within
    the one-second polling), the inbox id and the Emails indexed.
    """
    start = last_change = time.monotonic()
    last = None
    while time.monotonic() - last_change < quiet:
        if time.monotonic() - start > timeout:
            fail(f"the Email state still moves after {timeout} s")
        responses = jmap.call([["Email/get", {"accountId": jmap.account, "ids": []}, "e"]])
        if responses[0][1]["state"] != last:
            last, last_change = responses[0][1]["state"], time.monotonic()
        time.sleep(1)

    responses = jmap.call([
        ["Email/query", {"accountId": jmap.account, "limit": 1, "calculateTotal": True}, "q"],
        ["Mailbox/get", {"accountId": jmap.account, "properties": ["role"]}, "m"]])
    indexed = responses[0][1]["total"]
    inbox = next((m["id"] for m in responses[1][1]["list"] if m.get("role") == "inbox"), None)
    if inbox is None:
        fail("no Mailbox has the role inbox")
    if indexed != expected:
        print(f"page_latency: note: {indexed} Emails for {expected} IMAP messages")
    return last_change - start, inbox, indexed


def imap_page(imap, properties):
    """SELECT INBOX, UID SORT newest first, UID FETCH of the first page; returns the page size."""
    typ, data = imap.select("INBOX", readonly=False)
    if typ != "OK":
        fail(f"SELECT INBOX: {data}")
    typ, data = imap.uid("SORT", "(REVERSE ARRIVAL)", "UTF-8", "ALL")
    if typ != "OK":
        fail(f"UID SORT: {data}")
    uids = data[0].split()[:PAGE]
    if not uids:
        return 0, 0
    typ, data = imap.uid("FETCH", b",".join(uids).decode(), properties)
    if typ != "OK":
        fail(f"UID FETCH: {data}")
    # imaplib splits a response at each literal; a message's first piece
    # starts "N (", later ones with a space or ")".
    heads = (item[0] if isinstance(item, tuple) else item for item in data)
    fetched = sum(1 for head in heads if re.match(rb"\d+ \(", head))
    return len(uids), fetched


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="konvert's base URL, e.g. "
                        "https://127.0.0.1:8443/webmail")
    parser.add_argument("--imap-port", type=int, required=True, help="Dovecot's IMAP port")
    parser.add_argument("--ca", required=True, help="certificate trusted for both servers")
    parser.add_argument("--login", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--repeat", type=int, default=50, help="measured pages (default 50)")
    parser.add_argument("--sync-timeout", type=int, default=3600, help="seconds (default 3600)")
    args = parser.parse_args()

    context = ssl.create_default_context(cafile=args.ca)
    imap = imap_connect(args.imap_port, args.login, args.password, context)
    counts = imap_counts(imap)
    expected = sum(counts.values())
    _, capability = imap.capability()
    has_preview = any(c.upper().startswith(b"PREVIEW") for c in capability[0].split())
    preview = "PREVIEW" if has_preview else "BODY.PEEK[TEXT]<0.1024>"
    properties = f"(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE {preview})"

    # The first request starts konvert's background sync of this account.
    jmap = Jmap(args.url, args.login, args.password, context)
    seconds, inbox, indexed = wait_for_sync(jmap, expected, args.sync_timeout)
    print(f"konvert sync (server, first request to the last batch, +-1 s): {indexed} "
          f"Emails in {seconds:.1f} s")

    # Warm both sides once, then alternate so that load from elsewhere on
    # the machine falls on both alike.
    request = page_request(jmap.account, inbox)
    jmap.call(request)
    imap_page(imap, properties)
    jmap_ms, imap_ms = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        responses = jmap.call(request)
        jmap_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        sorted_uids, fetched = imap_page(imap, properties)
        imap_ms.append((time.perf_counter() - start) * 1000)

    query, got = responses[0][1], responses[1][1]
    if query["total"] != counts["INBOX"] or len(got["list"]) != min(PAGE, counts["INBOX"]) or \
            sorted_uids != len(got["list"]) or fetched != sorted_uids:
        fail(f"pages differ: JMAP total {query['total']}, {len(got['list'])} Emails; IMAP INBOX "
             f"{counts['INBOX']}, {sorted_uids} sorted, {fetched} fetched")

    print(f"page of {len(got['list'])} of {query['total']} in INBOX, {args.repeat} repetitions; "
          f"IMAP fetches {properties}")
    for name, samples in (("JMAP Email/query+Email/get", jmap_ms),
                          ("IMAP SELECT+UID SORT+UID FETCH", imap_ms)):
        print(f"{name:32} median {statistics.median(samples):8.2f} ms   "
              f"p95 {percentile(samples, 95):8.2f} ms")
    print(f"{'ratio konvert / dovecot':32} median "
          f"{statistics.median(jmap_ms) / statistics.median(imap_ms):8.2f} x    "
          f"p95 {percentile(jmap_ms, 95) / percentile(imap_ms, 95):8.2f} x")
    imap.logout()
    return 0


if __name__ == "__main__":
    sys.exit(main())
