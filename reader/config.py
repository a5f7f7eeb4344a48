"""The user's settings (config.toml, hand-edited) and the app's memory (state.json).

``config.toml`` lives in ``platformdirs.user_config_dir("reader")`` and is only read:

    theme = "nord"              # optional starting theme
    [keymap]                    # binding id = "comma,separated,keys"
    "search.sort" = "ctrl+o"
    "reading.next_match" = "n,f3"

``state.json`` sits next to it and is written by the app: the last theme picked, the last
corpus opened.  A broken file never stops the app; its problem is reported as a warning.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

APP_NAME = "reader"
CONFIG_FILE = "config.toml"
STATE_FILE = "state.json"


def default_config_dir() -> Path:
    """Where config.toml and state.json live (honours XDG_CONFIG_HOME on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME))


@dataclass
class Config:
    """Settings read from config.toml plus state remembered from the last run."""

    config_dir: Path
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    last_corpus: list[str] = field(default_factory=list)
    last_index: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def config_path(self) -> Path:
        return self.config_dir / CONFIG_FILE

    @property
    def state_path(self) -> Path:
        return self.config_dir / STATE_FILE

    @classmethod
    def load(cls, config_dir: Path | None = None) -> Config:
        """Read both files; problems become ``warnings`` instead of exceptions."""
        cfg = cls(config_dir=Path(config_dir) if config_dir else default_config_dir())
        settings = cfg._read_toml()
        cfg.keymap = _keymap_table(settings.get("keymap", {}), cfg.warnings)
        if isinstance(settings.get("theme"), str):
            cfg.theme = settings["theme"]
        state = cfg._read_state()
        if isinstance(state.get("theme"), str):
            cfg.theme = state["theme"]
        corpus = state.get("last_corpus")
        if isinstance(corpus, list) and all(isinstance(p, str) for p in corpus):
            cfg.last_corpus = corpus
        if isinstance(state.get("last_index"), str):
            cfg.last_index = state["last_index"]
        return cfg

    def _read_toml(self) -> dict:
        try:
            with self.config_path.open("rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError:
            return {}
        except (OSError, tomllib.TOMLDecodeError) as exc:
            self.warnings.append(f"Ignoring {self.config_path}: {exc}")
            return {}
        return data

    def _read_state(self) -> dict:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            self.warnings.append(f"Ignoring {self.state_path}: {exc}")
            return {}
        return data if isinstance(data, dict) else {}

    def remember(self, **values: object) -> str | None:
        """Merge ``values`` into state.json atomically; returns an error message on failure."""
        state = self._read_state()
        state.update(values)
        for key, value in values.items():
            if hasattr(self, key):
                setattr(self, key, value)
        try:
            self.config_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.state_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.state_path)
        except OSError as exc:
            return f"Could not save settings to {self.state_path}: {exc}"
        return None


def _keymap_table(table: object, warnings: list[str]) -> dict[str, str]:
    """Validate the ``[keymap]`` table: binding id -> comma-separated key names."""
    if not isinstance(table, dict):
        warnings.append('[keymap] must be a table of binding id = "keys"')
        return {}
    keymap: dict[str, str] = {}
    for binding_id, keys in table.items():
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            keys = ",".join(keys)
        if not isinstance(keys, str) or not keys.strip():
            warnings.append(f'[keymap] {binding_id}: expected a key string like "ctrl+o"')
            continue
        keymap[str(binding_id)] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    return keymap
