"""IO naming: channels `DO0..DO7` / `DI0..DI7` and the aliases a cell wires to them.

Programs say `arm.set_output("vacuum", True)`; the alias table says which
channel that is on this cell, so moving the vacuum valve to DO3 is a one-word
URI change (`sim://xarm6?vacuum=DO3`), not a code change.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from .errors import ArmNameError

OUTPUTS: tuple[str, ...] = tuple(f"DO{i}" for i in range(8))
INPUTS: tuple[str, ...] = tuple(f"DI{i}" for i in range(8))
DEFAULT_ALIASES: dict[str, str] = {
    "vacuum": "DO0",  # suction cup valve
    "gripper": "DO1",  # pneumatic gripper close
    "part_present": "DI0",  # vacuum switch / cup sensor: a part is at the TCP
}
_ALIAS = re.compile(r"^[a-z][a-z0-9_]*$")


class IOMap:
    """Resolves an IO name (channel or alias, any case) to its channel."""

    def __init__(self, outputs: Iterable[str], inputs: Iterable[str],
                 aliases: Mapping[str, str], where: str) -> None:
        self.outputs = tuple(outputs)
        self.inputs = tuple(inputs)
        self.where = where
        self.aliases: dict[str, str] = {}
        for alias, channel in aliases.items():
            self.wire(alias, channel)

    def wire(self, alias: str, channel: str) -> None:
        """Point `alias` at `channel` (an output alias for DO*, an input alias for DI*)."""
        if not _ALIAS.match(alias) or alias.upper() in self.outputs + self.inputs:
            raise ArmNameError(
                f"IO alias {alias!r} on {self.where} must be lowercase words like "
                "'vacuum' or 'part_present', not a channel name"
            )
        wanted = str(channel).upper()
        if wanted not in self.outputs + self.inputs:
            raise ArmNameError(
                f"IO alias {alias}={channel!r} on {self.where} names no channel; "
                f"channels: {', '.join(self.outputs + self.inputs)}"
            )
        self.aliases[alias] = wanted

    def output(self, name: str) -> str:
        return self._resolve(name, self.outputs, "output")

    def input(self, name: str) -> str:
        return self._resolve(name, self.inputs, "input")

    def names(self, channels: tuple[str, ...]) -> list[str]:
        """Channels plus the aliases wired to them, for error messages and listings."""
        return list(channels) + [a for a, c in self.aliases.items() if c in channels]

    def _resolve(self, name: str, channels: tuple[str, ...], kind: str) -> str:
        if not isinstance(name, str):
            raise ArmNameError(f"IO name must be a string like 'DO0' or 'vacuum', got {name!r}")
        channel = self.aliases.get(name.lower(), name.upper())
        if channel in channels:
            return channel
        other = self.inputs if kind == "output" else self.outputs
        if channel in other:
            raise ArmNameError(
                f"{name!r} is an {'input' if kind == 'output' else 'output'} on {self.where}; "
                f"use {'get_input' if kind == 'output' else 'set_output'}({name!r})"
            )
        valid = self.names(channels)
        hint = difflib.get_close_matches(name, valid, n=1)
        maybe = f" Did you mean {hint[0]!r}?" if hint else ""
        raise ArmNameError(
            f"unknown {kind} {name!r} on {self.where}; valid: {', '.join(valid)}.{maybe}"
        )
