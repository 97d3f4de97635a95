"""Where the index's sources stand now: present, deleted, or out of reach.

A source file that is gone is one of two things, and they must be told apart before anything is
removed from the index:

- **deleted**: its folder is there and holds other files, so someone removed the file. Its
  document goes only on request (``--prune``).
- **unreachable**: its folder is missing or empty, or cannot be read: a network share or a disk
  that is not mounted (an unmounted mount point is an empty folder), a permission problem. Its
  document is never removed by accident; a later reindex brings the file back.

``prune_plan`` decides what a ``--prune`` may remove: never more than half of the index without
``--force`` (a missing folder that still holds an empty mount point's siblings looks like
deletions), and unreachable sources only with ``--force``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SourceStates:
    present: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unreachable: dict[str, list[str]] = field(default_factory=dict)  # folder -> sources in it

    @property
    def unreachable_sources(self) -> list[str]:
        return [s for sources in self.unreachable.values() for s in sources]


def folder_state(folder: Path) -> str:
    """``ok``, ``missing``, ``empty`` or ``unreadable``."""
    try:
        with os.scandir(folder) as entries:
            return "ok" if next(entries, None) is not None else "empty"
    except FileNotFoundError:
        return "missing"
    except NotADirectoryError:
        return "missing"
    except OSError:
        return "unreadable"


def classify(sources: list[str]) -> SourceStates:
    """Sort ``sources`` (absolute paths) into present, deleted and unreachable."""
    states = SourceStates()
    folders: dict[Path, str] = {}
    for source in sorted(sources):
        path = Path(source)
        try:
            if path.is_file():
                states.present.append(source)
                continue
        except OSError:  # a stale network mount answers with an error, not "no such file"
            pass
        folder = path.parent
        state = folders.get(folder)
        if state is None:
            state = folders[folder] = folder_state(folder)
        if state == "ok":
            states.deleted.append(source)
        else:
            states.unreachable.setdefault(_reach_root(folder), []).append(source)
    return states


def _reach_root(folder: Path) -> str:
    """The folder to name for an unreachable source: the highest missing or empty one below an
    existing folder (the mount point, say), so one missing share is one line, not one per file."""
    top = folder
    for parent in folder.parents:
        if folder_state(parent) == "ok":
            break
        top = parent
    return str(top)


@dataclass
class PrunePlan:
    remove: list[str] = field(default_factory=list)  # source paths whose documents go
    refused: str | None = None                       # why nothing is removed


def prune_plan(states: SourceStates, indexed: int, *, prune: bool, force: bool) -> PrunePlan:
    """What ``--prune`` (and ``--force``) may remove of an index of ``indexed`` documents."""
    if not prune:
        return PrunePlan()
    remove = list(states.deleted) + (states.unreachable_sources if force else [])
    if not force and remove and len(remove) * 2 > indexed:
        return PrunePlan(refused=(
            f"refusing to remove {len(remove)} of the {indexed} documents (more than half the index) "
            "whose source files are gone: check that no folder or share is missing, then run again "
            "with --force to remove them"))
    return PrunePlan(remove=remove)
