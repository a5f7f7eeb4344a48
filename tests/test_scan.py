"""The corpus scan: a re-run lists again only the folders whose entries changed, and
finds exactly the files a full walk finds."""

from __future__ import annotations

import json
import os
import random

import pytest

from index import load, scan
from index.load import iter_file_names
from index.manifest import Manifest
from index.model import Skipped


def _full_walk(roots):
    files, skipped = [], []
    for item in iter_file_names(roots):
        if isinstance(item, Skipped):
            skipped.append((item.path, item.reason))
        else:
            files.append(item)
    return files, skipped


class _Tree:
    """A corpus folder changed at random, each change stamping its folder's mtime
    forward (so a change is seen whatever the file system's clock resolution)."""

    def __init__(self, root, rng: random.Random) -> None:
        self.root, self.rng, self.clock, self.n = root, rng, 10**18, 0
        root.mkdir()
        self.folders = [root]

    def touch(self, folder) -> None:
        self.clock += 10**9
        os.utime(folder, ns=(self.clock, self.clock))

    def change(self) -> None:
        rng = self.rng
        folder = rng.choice(self.folders)
        kind = rng.choice(["article", "article", "article", "other", "hidden", "folder", "remove"])
        self.n += 1
        if kind == "folder":
            new = folder / f"d{self.n:03d}"
            new.mkdir()
            self.folders.append(new)
            (new / f"a{self.n:03d}.json").write_text(json.dumps({"text": "x"}))
            self.touch(new)
        elif kind == "remove":
            files = sorted(p for p in folder.iterdir() if p.is_file())
            if not files:
                return
            rng.choice(files).unlink()
        else:
            name = {"article": f"a{self.n:03d}.txt", "other": f"b{self.n:03d}.pdf"}.get(
                kind, f".h{self.n:03d}.json"
            )
            (folder / name).write_text("text")
        self.touch(folder)


def _manifest(tmp_path) -> Manifest:
    (tmp_path / "state").mkdir()
    return Manifest(tmp_path / "state")


@pytest.mark.parametrize("seed", range(4))
def test_a_partial_walk_finds_what_a_full_walk_finds(tmp_path, seed):
    tree = _Tree(tmp_path / "corpus", random.Random(seed))
    roots = [tree.root]
    manifest = _manifest(tmp_path)
    try:
        for _ in range(40):
            tree.change()
            files, skipped, state = scan.corpus_files(roots, manifest)
            scan.remember(manifest, state)
            assert (files, [(s.path, s.reason) for s in skipped]) == _full_walk(roots)
    finally:
        manifest.close()


def test_a_file_added_to_one_folder_lists_only_that_folder_again(tmp_path, monkeypatch):
    root = tmp_path / "corpus"
    for day in range(20):
        folder = root / f"2026-11-{day + 1:02d}"
        folder.mkdir(parents=True)
        for k in range(5):
            (folder / f"{k}.txt").write_text("An article.")
    manifest = _manifest(tmp_path)
    listed = []
    real = load._list_folder
    monkeypatch.setattr(load, "_list_folder", lambda f, *a: listed.append(f) or real(f, *a))
    try:
        files, _, state = scan.corpus_files([root], manifest)
        scan.remember(manifest, state)
        assert len(files) == 100 and len(listed) == 21  # the first walk lists them all
        listed.clear()
        new = root / "2026-11-07" / "late.txt"
        new.write_text("A late article.")
        os.utime(new.parent, ns=(10**18, 10**18))
        files, _, state = scan.corpus_files([root], manifest)
        assert listed == [str(new.parent)]
        assert str(new) in files and files == _full_walk([root])[0]
        scan.remember(manifest, state)
        listed.clear()
        os.symlink(new, root / "2026-11-08" / "link.txt")  # a link: its folder is
        os.utime(root / "2026-11-08", ns=(2 * 10**18, 2 * 10**18))  # never reused
        files, _, state = scan.corpus_files([root], manifest)
        scan.remember(manifest, state)
        assert files == _full_walk([root])[0]  # the link is the same file: counted once
        listed.clear()
        (root / "2026-11-09" / "more.txt").write_text("More.")
        os.utime(root / "2026-11-09", ns=(3 * 10**18, 3 * 10**18))
        files, _, _ = scan.corpus_files([root], manifest)
        assert sorted(listed) == [str(root / "2026-11-08"), str(root / "2026-11-09")]
        assert files == _full_walk([root])[0]
    finally:
        manifest.close()
