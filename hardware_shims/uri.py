"""Camera URIs: `scheme://path?key=value&...`, plus the bare word `auto`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from .errors import MalformedURIError

# RFC 3986 scheme syntax, so `foxglove+ws` or `gige.v2` style names stay possible.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class ResourceURI:
    """A parsed camera URI. `params` values stay strings; use the typed getters."""

    scheme: str
    path: str = ""
    params: dict[str, str] = field(default_factory=dict)

    @property
    def is_auto(self) -> bool:
        return self.scheme == "auto"

    def __str__(self) -> str:
        if self.is_auto:
            return "auto"
        text = f"{self.scheme}://{self.path}"
        if self.params:
            text += "?" + "&".join(
                f"{quote(k, safe='')}={quote(v, safe='/:')}"
                for k, v in self.params.items()
            )
        return text

    def param_int(self, key: str, default: int, minimum: int = 0) -> int:
        """Integer parameter, e.g. `start=3`; bad values name the key and the URI."""
        raw = self.params.get(key)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise MalformedURIError(
                f"parameter {key}={raw!r} in {self} must be an integer"
            ) from None
        if value < minimum:
            raise MalformedURIError(
                f"parameter {key}={value} in {self} must be >= {minimum}"
            )
        return value

    def param_float(self, key: str, default: float, minimum: float, maximum: float) -> float:
        """Real parameter in [minimum, maximum]; an error gives the valid range."""
        raw = self.params.get(key)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise MalformedURIError(f"parameter {key}={raw!r} in {self} must be a number "
                                    f"from {minimum:g} to {maximum:g}") from None
        if not minimum <= value <= maximum:
            raise MalformedURIError(f"parameter {key}={value:g} in {self} is out of range; "
                                    f"valid: {minimum:g} to {maximum:g}")
        return value

    def param_bool(self, key: str, default: bool) -> bool:
        """Boolean parameter, e.g. `loop=1`; accepts 0/1, true/false, yes/no, on/off."""
        raw = self.params.get(key)
        if raw is None:
            return default
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise MalformedURIError(f"parameter {key}={raw!r} in {self} must be 0 or 1")

    def check_params(self, allowed: set[str] | frozenset[str]) -> None:
        """Reject parameters a backend does not know, so a typo is never ignored."""
        unknown = sorted(set(self.params) - set(allowed))
        if unknown:
            valid = ", ".join(sorted(allowed)) or "none"
            raise MalformedURIError(
                f"unknown parameter(s) {', '.join(unknown)} in {self}; "
                f"{self.scheme}:// accepts: {valid}"
            )


def parse_uri(text: str | ResourceURI) -> ResourceURI:
    """Parse `scheme://path?k=v&...` (or `auto`) into a ResourceURI."""
    if isinstance(text, ResourceURI):
        return text
    if not isinstance(text, str):
        raise MalformedURIError(
            f"camera URI must be a string like 'replay://orientation/sample', "
            f"got {type(text).__name__}"
        )
    stripped = text.strip()
    if stripped == "auto":
        return ResourceURI("auto")
    scheme, sep, rest = stripped.partition("://")
    if not sep:
        raise MalformedURIError(
            f"camera URI {text!r} has no '://'; write it as scheme://path, "
            "e.g. 'replay://orientation/sample', 'usb://0', or use 'auto'"
        )
    if not _SCHEME.match(scheme):
        raise MalformedURIError(
            f"camera URI {text!r} has an empty or invalid scheme {scheme!r}; "
            "a scheme starts with a letter, e.g. 'replay', 'file', 'usb'"
        )
    path, _, query = rest.partition("?")
    return ResourceURI(scheme.lower(), unquote(path), _parse_query(query, text))


def _parse_query(query: str, text: str) -> dict[str, str]:
    params: dict[str, str] = {}
    if not query:
        return params
    for item in query.split("&"):
        key, sep, value = item.partition("=")
        key = unquote(key)
        if not sep or not key:
            raise MalformedURIError(
                f"query item {item!r} in {text!r} is not key=value"
            )
        if key in params:
            # Two values for one key is ambiguous; picking one would hide a mistake.
            raise MalformedURIError(f"parameter {key!r} appears twice in {text!r}")
        params[key] = unquote(value)
    return params
