"""Bundling of local path inputs, without a server: the tar's layout and the refusals."""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import unittest
from typing import Any

from orchestration_client import BundleError, PathInputs, bundling, derived_id


def gnu_tar(data: bytes, *args: str) -> str:
    return subprocess.run(["tar", *args, "-f", "-"], input=data, capture_output=True, check=True, env=dict(os.environ, TZ="UTC")).stdout.decode()


class TreeTestCase(unittest.TestCase):
    def setUp(self) -> None:
        self.root = tempfile.mkdtemp(prefix="bundling-")
        self.addCleanup(shutil.rmtree, self.root, True)

    def write(self, relative: str, content: bytes = b"x\n", executable: bool = False, root: str | None = None) -> str:
        path = os.path.join(root or self.root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content)
        os.chmod(path, 0o755 if executable else 0o600)
        return path

    def tree(self, root: str) -> None:
        self.write("repo/z.txt", b"last\n", root=root)
        self.write("repo/a/b/c.txt", b"deep\n", root=root)
        self.write("repo/run.sh", b"#!/bin/sh\n", executable=True, root=root)
        self.write("repo/a/.venv/lib.py", b"excluded\n", root=root)
        self.write("repo/.git/config", b"excluded\n", root=root)
        self.write("repo/A.txt", b"upper\n", root=root)


class TarTests(TreeTestCase):
    def test_tar_SameFilesDifferentTimesAndOrder_SameBytes(self) -> None:
        other = tempfile.mkdtemp(prefix="bundling-other-")
        self.addCleanup(shutil.rmtree, other, True)
        self.tree(self.root)
        self.tree(other)
        past = time.time() - 86400
        os.utime(os.path.join(other, "repo", "z.txt"), (past, past))

        first = bundling.tar_bytes_of(bundling.folder_entries(os.path.join(self.root, "repo")))
        second = bundling.tar_bytes_of(bundling.folder_entries(os.path.join(other, "repo")))

        self.assertEqual(first, second)

    def test_tar_Tree_GnuTarListsSortedEntriesZeroedOwnersAndModes(self) -> None:
        self.tree(self.root)

        data = bundling.tar_bytes_of(bundling.folder_entries(os.path.join(self.root, "repo")))

        # GNU tar, as the runner unpacks bundles (Python's tarfile reads GNU atime/ctime as a ustar prefix).
        listing = gnu_tar(data, "--numeric-owner", "-tv").splitlines()
        self.assertEqual([
            "-rw-r--r-- 0/0 6 1970-01-01 00:00 A.txt",
            "drwxr-xr-x 0/0 0 1970-01-01 00:00 a/",
            "drwxr-xr-x 0/0 0 1970-01-01 00:00 a/b/",
            "-rw-r--r-- 0/0 5 1970-01-01 00:00 a/b/c.txt",
            "-rwxr-xr-x 0/0 10 1970-01-01 00:00 run.sh",
            "-rw-r--r-- 0/0 5 1970-01-01 00:00 z.txt",
        ], [" ".join(line.split()) for line in listing])
        self.assertEqual(0, len(data) % 512)
        self.assertEqual(bytes(1024), data[-1024:], "ends with two zero blocks, no record padding")
        self.assertEqual(b"ustar  \0", data[257:265], "GNU magic and version")
        self.assertEqual(bytes(64), data[265:329], "empty user and group names")

    def test_tar_NameLongerThan100Bytes_GnuLongName(self) -> None:
        long_name = "n" * 130 + ".txt"
        self.write(f"repo/{long_name}", b"long\n")

        data = bundling.tar_bytes_of(bundling.folder_entries(os.path.join(self.root, "repo")))

        self.assertEqual(b"././@LongLink", data[:13])
        self.assertEqual(b"L", data[156:157])
        self.assertEqual(long_name + "\n", gnu_tar(data, "-t"))
        self.assertEqual("long\n", gnu_tar(data, "-xO", long_name))

    def test_buildBundle_Gzip_NamedBySha256OfTheTar(self) -> None:
        self.tree(self.root)
        entries = bundling.folder_entries(os.path.join(self.root, "repo"))

        sha, gzip_path, tar_bytes, gzip_bytes = bundling.build_bundle(entries)
        self.addCleanup(os.remove, gzip_path)

        with gzip.open(gzip_path, "rb") as zipped:
            content = zipped.read()
        self.assertEqual(bundling.tar_bytes_of(entries), content)
        self.assertEqual((hashlib.sha256(content).hexdigest(), len(content), os.path.getsize(gzip_path)), (sha, tar_bytes, gzip_bytes))


class PathInputTests(TreeTestCase):
    def test_rewrite_FileAndFolder_Base64AndBundle(self) -> None:
        self.tree(self.root)
        self.write("notes.txt", b"alpha\n")
        document: dict[str, Any] = {
            "defaults": {"inputs": {"shared": {"path": "repo"}}},
            "tasks": [{"id": "t", "inputs": {"notes": {"path": "notes.txt"}, "again": {"path": "./repo/"},
                                             "text": {"text": "kept"}, "odd": {"path": "repo", "extra": 1}}}],
        }
        inputs = PathInputs(self.root)
        self.addCleanup(inputs.delete_bundles)

        count = inputs.rewrite(document)

        self.assertEqual(3, count)
        self.assertEqual({"base64": base64.b64encode(b"alpha\n").decode()}, document["tasks"][0]["inputs"]["notes"])
        self.assertEqual(1, len(inputs.bundles), "the same folder twice is one bundle")
        self.assertEqual({"bundle": inputs.bundles[0].sha256}, document["defaults"]["inputs"]["shared"])
        self.assertEqual(document["defaults"]["inputs"]["shared"], document["tasks"][0]["inputs"]["again"])
        self.assertEqual({"text": "kept"}, document["tasks"][0]["inputs"]["text"])
        self.assertEqual({"path": "repo", "extra": 1}, document["tasks"][0]["inputs"]["odd"], "anything but a lone path goes as written")
        self.assertEqual("defaults, input 'shared'", inputs.bundles[0].input)

    def test_rewrite_Refusals(self) -> None:
        self.write("inside/file.txt")
        outside = tempfile.mkdtemp(prefix="outside-")
        self.addCleanup(shutil.rmtree, outside, True)
        os.symlink(outside, os.path.join(self.root, "link"))
        os.makedirs(os.path.join(self.root, "linked"))
        os.symlink(os.path.join(self.root, "inside", "file.txt"), os.path.join(self.root, "linked", "file.txt"))
        cases = {
            "../escape": "outside the batch file's folder",
            "/etc/hostname": "outside the batch file's folder",
            "link": "goes through a link",
            "link/anything": "goes through a link",
            "missing": "does not exist",
            "linked": "links are not bundled",
        }
        for path, message in cases.items():
            with self.subTest(path=path):
                inputs = PathInputs(self.root)
                with self.assertRaises(BundleError) as refused:
                    inputs.rewrite({"tasks": [{"id": "t", "inputs": {"x": {"path": path}}}]})
                inputs.delete_bundles()
                self.assertIn(message, str(refused.exception))


class DerivedIdTests(unittest.TestCase):
    def test_derivedId_AsTheDotnetClient(self) -> None:
        content = b'{"tasks": []}'
        digest = hashlib.sha256(content).hexdigest()[:12]

        self.assertEqual(f"my-batch--v2-{digest}", derived_id("my batch! v2.json", content))
        self.assertEqual(f"batch-{digest}", derived_id(".json", content))
        self.assertEqual(f"a.b-{digest}", derived_id("a.b.json", content))
        self.assertEqual(f"{'x' * 40}-{digest}", derived_id("x" * 50 + ".json", content))
        self.assertEqual(f"run-{digest}", derived_id("__run.json", content))


if __name__ == "__main__":
    unittest.main()
