"""The alias files: the shipped ``index/data/aliases.toml`` plus the user's own.

The user file (``user_config_dir("reader")/aliases.toml``) is read after the shipped
one and may add, remove or replace aliases.  A broken user file never stops the
recogniser: it is skipped and the problem is reported as a warning (``reader
entities`` prints it).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from platformdirs import user_config_dir

from .cues import ENTITY_TYPES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ALIAS_FILE = "aliases.toml"


class AliasFileError(ValueError):
    """An alias file that cannot be used, with a message naming the file and the fix."""


@dataclass
class AliasEntry:
    canonical: str
    type: str | None = None
    aliases: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    replace: bool = False
    related: str | None = None


@dataclass
class AliasTable:
    entries: dict[str, AliasEntry] = field(default_factory=dict)
    ignore: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


def shipped_alias_file() -> Path:
    return Path(str(resources.files("index").joinpath("data", ALIAS_FILE)))


def user_alias_file() -> Path:
    return Path(user_config_dir("reader")) / ALIAS_FILE


def _strings(value: object, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AliasFileError(f"{where} must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def parse_alias_text(text: str, source: str = "<aliases>") -> AliasTable:
    """Parse one alias file; raises AliasFileError with a one-line reason."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AliasFileError(f"{source}: not valid TOML ({exc})") from None
    table = AliasTable()
    entities = data.get("entities", {})
    if not isinstance(entities, dict):
        raise AliasFileError(f'{source}: "entities" must be a table of [entities."Name"] tables')
    for name, spec in entities.items():
        where = f'{source}: [entities."{name}"]'
        if not isinstance(spec, dict):
            raise AliasFileError(f"{where} must be a table")
        unknown = set(spec) - {"type", "aliases", "remove", "replace", "related"}
        if unknown:
            raise AliasFileError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        type_ = spec.get("type")
        if type_ is not None and (not isinstance(type_, str) or type_.upper() not in ENTITY_TYPES):
            raise AliasFileError(f"{where}: type must be one of {', '.join(ENTITY_TYPES)}")
        related = spec.get("related")
        if related is not None and not isinstance(related, str):
            raise AliasFileError(f"{where}: related must be a string")
        table.entries[name] = AliasEntry(
            canonical=name,
            type=type_.upper() if type_ else None,
            aliases=_strings(spec.get("aliases", []), f"{where} aliases"),
            remove=_strings(spec.get("remove", []), f"{where} remove"),
            replace=bool(spec.get("replace", False)),
            related=related,
        )
    ignore = data.get("ignore", {})
    if not isinstance(ignore, dict):
        raise AliasFileError(f"{source}: [ignore] must be a table with a forms list")
    table.ignore.update(_strings(ignore.get("forms", []), f"{source}: [ignore] forms"))
    return table


def merge(base: AliasTable, extra: AliasTable) -> AliasTable:
    """``extra`` (read later) extends or overrides ``base``."""
    out = AliasTable(
        entries={k: AliasEntry(**vars(v)) for k, v in base.entries.items()},
        ignore=set(base.ignore) | extra.ignore,
        warnings=[*base.warnings, *extra.warnings],
    )
    for name, entry in extra.entries.items():
        old = out.entries.get(name)
        if old is None or entry.replace:
            out.entries[name] = AliasEntry(**vars(entry))
            continue
        old.type = entry.type or old.type
        old.related = entry.related or old.related
        old.aliases = [a for a in old.aliases if a not in entry.remove]
        old.aliases += [a for a in entry.aliases if a not in old.aliases]
        old.remove = sorted(set(old.remove) | set(entry.remove))
    return out


def load_aliases(user_file: Path | None = None) -> AliasTable:
    """Shipped aliases merged with the user's file (a broken user file becomes a warning)."""
    shipped = shipped_alias_file()
    table = parse_alias_text(shipped.read_text(encoding="utf-8"), str(shipped))
    path = user_file if user_file is not None else user_alias_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return table
    except (OSError, UnicodeError) as exc:
        table.warnings.append(f"{path}: cannot read ({exc}); using the shipped aliases only")
        return table
    try:
        return merge(table, parse_alias_text(text, str(path)))
    except AliasFileError as exc:
        table.warnings.append(f"{exc}; using the shipped aliases only")
        return table
