#!/usr/bin/env python3
"""Tests for generate-mailbox.py: a small generated tree must be a sound Maildir++.

Runs the script twice with one seed and checks the first tree's count,
folders, MIME, threading and attachment names, then that both trees match
byte for byte. Standard library only; about two seconds.

    python3 scripts/test_generate_mailbox.py
"""

import email
import os
import re
import subprocess
import sys
import tempfile
import unittest
import urllib.parse
from email import policy

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generate-mailbox.py")
COUNT = 300
FOLDERS = ("", ".Sent", ".Archive", ".Work", ".Work.Projects", ".Drafts", ".Trash", ".Junk")
NAME = re.compile(r"^\d+\.\d+_\d+\.[\w.-]+,S=(\d+)(:2,([A-Za-z]*))?$")


def generate(root, jobs):
    """Runs the generator into root with a fixed seed and end date; returns its stdout."""
    result = subprocess.run(
        [sys.executable, SCRIPT, "--count", str(COUNT), "--maildir", root, "--seed", "11",
         "--end-date", "2025-06-01", "--jobs", str(jobs)],
        check=True, capture_output=True, text=True)
    return result.stdout


def message_files(root):
    """Every message file under root, as sorted (folder, subdir, name, path)."""
    found = []
    for folder in FOLDERS:
        for sub in ("cur", "new"):
            directory = os.path.join(root, folder, sub)
            for name in os.listdir(directory):
                found.append((folder, sub, name, os.path.join(directory, name)))
    return sorted(found)


def rfc2231_value(raw_header, param):
    """Decodes an RFC 2231 parameter by hand, joining continuations (section 3, 4)."""
    pieces = re.findall(rf"{param}\*(?:(\d+)\*?)?=([^;\s]+)", raw_header)
    joined = "".join(v for _, v in sorted(pieces, key=lambda p: int(p[0] or 0)))
    charset, _, encoded = joined.split("'", 2)
    return urllib.parse.unquote(encoded, encoding=charset)


class GeneratedMailbox(unittest.TestCase):
    """One 300-message tree, plus a second from the same seed for determinism."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="konvert-mailbox-")
        cls.root = os.path.join(cls.tmp.name, "first")
        cls.again = os.path.join(cls.tmp.name, "second")
        cls.summary = generate(cls.root, jobs=2)
        generate(cls.again, jobs=1)
        cls.files = message_files(cls.root)
        cls.messages = {}
        for folder, _, _, path in cls.files:
            with open(path, "rb") as f:
                raw = f.read()
            cls.messages[path] = (folder, raw, email.message_from_bytes(raw, policy=policy.default))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_writes_exact_count(self):
        self.assertEqual(len(self.files), COUNT)
        self.assertIn(f" {COUNT} messages", self.summary)

    def test_creates_every_folder_with_keywords_and_subscriptions(self):
        for folder in FOLDERS:
            for sub in ("cur", "new", "tmp"):
                self.assertTrue(os.path.isdir(os.path.join(self.root, folder, sub)), folder)
            with open(os.path.join(self.root, folder, "dovecot-keywords")) as f:
                self.assertIn("0 $label1\n", f.read())
        with open(os.path.join(self.root, "subscriptions")) as f:
            lines = f.read().split("\n")
        self.assertEqual(lines[0], "V\t2")
        self.assertIn("Work\tProjects", lines)

    def test_every_file_parses_with_decoded_headers(self):
        for path, (_, raw, msg) in self.messages.items():
            size = int(NAME.match(os.path.basename(path)).group(1))
            self.assertEqual(size, len(raw), path)
            self.assertNotRegex(raw, rb"(?<!\r)\n", path)
            for part in msg.walk():
                self.assertEqual(part.defects, [], path)
            for header in ("From", "To", "Subject"):
                value = str(msg[header])
                self.assertTrue(value, f"{path} {header}")
                self.assertNotIn("=?", value, f"{path} {header}")
                self.assertNotIn("\ufffd", value, f"{path} {header}")
            for part in msg.walk():
                if not part.is_multipart():
                    part.get_content()

    def test_file_names_carry_sorted_flags(self):
        for folder, sub, name, _ in self.files:
            match = NAME.match(name)
            self.assertIsNotNone(match, name)
            flags = match.group(3) or ""
            upper = "".join(c for c in flags if c.isupper())
            lower = "".join(c for c in flags if c.islower())
            self.assertEqual(flags, "".join(sorted(upper)) + "".join(sorted(lower)), name)
            self.assertEqual(sub == "new", match.group(2) is None, name)

    def test_some_thread_has_its_reply_in_sent(self):
        folder_of = {msg["Message-ID"]: folder for folder, _, msg in self.messages.values()}
        crossing = [msg for folder, _, msg in self.messages.values()
                    if folder == ".Sent" and folder_of.get(msg["In-Reply-To"], ".Sent") != ".Sent"]
        self.assertTrue(crossing)
        reply = crossing[0]
        self.assertIn(reply["In-Reply-To"], reply["References"])

    def test_some_attachment_has_cyrillic_rfc2231_name(self):
        names = []
        for _, raw, msg in self.messages.values():
            # compat32 keeps header values as sent, so the hand decoder sees the source.
            source = email.message_from_bytes(raw, policy=policy.compat32)
            for part, raw_part in zip(msg.walk(), source.walk()):
                disposition = raw_part.get("Content-Disposition", "")
                if "filename*" not in disposition:
                    continue
                by_hand = rfc2231_value(disposition, "filename")
                self.assertEqual(part.get_filename(), by_hand, disposition)
                if re.search("[А-Яа-яЁё]", by_hand):
                    names.append(by_hand)
        self.assertTrue(names)

    def test_same_seed_gives_identical_tree(self):
        second = message_files(self.again)
        self.assertEqual([f[:3] for f in self.files], [f[:3] for f in second])
        for (_, _, _, a), (_, _, _, b) in zip(self.files, second):
            with open(a, "rb") as fa, open(b, "rb") as fb:
                self.assertEqual(fa.read(), fb.read(), a)


if __name__ == "__main__":
    unittest.main()
