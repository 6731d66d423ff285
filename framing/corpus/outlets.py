"""Outlet ids: field values and inferred profiles matched to the config's outlets."""

from __future__ import annotations

import re

from framing.corpus.profiles import Rules
from framing.records import Outlet

UNKNOWN = "unknown"  # outlet of an `outlet: auto` text that signs as no outlet


class OutletResolver:
    """Outlet ids for field values and inferred profiles, matched to the config's outlets."""

    def __init__(self, outlets: tuple[Outlet, ...], rules: Rules) -> None:
        self.rules = rules
        self.config_ids = {o.id for o in outlets}
        self.by_name: dict[str, str] = {}
        self.profile_to_config: dict[str, str] = {}
        self.config_to_profile: dict[str, str] = {}
        for o in outlets:
            for name in [o.id, o.name, *o.aliases]:
                if name:
                    self.by_name.setdefault(name.strip().lower(), o.id)
                    pid = rules.outlet_for_name(name)
                    if pid:
                        self.profile_to_config.setdefault(pid, o.id)
                        self.config_to_profile.setdefault(o.id, pid)
        self._cache: dict[str, str] = {}

    def from_profile(self, pid: str) -> str:
        """The configured outlet a cleaning profile belongs to, else the profile id itself."""
        return self.profile_to_config.get(pid, pid)

    def profile_of(self, outlet: str) -> str:
        """The cleaning profile of an outlet id (matched by the outlet's names), else the id
        itself."""
        return self.config_to_profile.get(outlet) or self.rules.outlet_for_name(outlet) or outlet

    def from_field(self, value: str) -> str:
        """The outlet id for a row's outlet field: a configured id, name or alias, a profile's
        outlet, else a slug of the value (cached per value)."""
        hit = self._cache.get(value)
        if hit is None:
            hit = self._cache[value] = self._resolve(value)
        return hit

    def _resolve(self, value: str) -> str:
        v = value.strip()
        if v in self.config_ids:
            return v
        if v.lower() in self.by_name:
            return self.by_name[v.lower()]
        pid = self.rules.outlet_for_name(v)
        if pid:
            return self.from_profile(pid)
        return slug(v)


def slug(value: str) -> str:
    """A readable outlet id: ASCII lower case with dashes, or the words joined by dashes."""
    ascii_slug = re.sub(r"[^a-z0-9._-]+", "-", value.lower()).strip("-.")
    if ascii_slug and value.isascii():
        return ascii_slug
    return re.sub(r"[^\w.-]+", "-", value.strip()).strip("-") or UNKNOWN
