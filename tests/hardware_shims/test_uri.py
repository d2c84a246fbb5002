import pytest

from hardware_shims.errors import MalformedURIError
from hardware_shims.uri import ResourceURI, parse_uri


def test_parses_scheme_path_and_params():
    uri = parse_uri("replay://orientation/sample?loop=1&start=3")
    assert (uri.scheme, uri.path, uri.params) == (
        "replay", "orientation/sample", {"loop": "1", "start": "3"}
    )


def test_triple_slash_keeps_absolute_path():
    assert parse_uri("replay:///data/run.mcap").path == "/data/run.mcap"


def test_empty_path_is_allowed():
    assert parse_uri("genicam://") == ResourceURI("genicam", "", {})


def test_auto_is_accepted():
    assert parse_uri("auto").is_auto


def test_scheme_is_lowercased():
    assert parse_uri("USB://0").scheme == "usb"


def test_percent_escapes_are_decoded():
    assert parse_uri("file:///my%20shots/*.png").path == "/my shots/*.png"


def test_str_round_trips():
    text = "replay://orientation/sample?loop=1&start=3"
    assert str(parse_uri(text)) == text


@pytest.mark.parametrize("text", ["orientation/sample", "usb:0", ""])
def test_missing_separator_is_malformed(text):
    with pytest.raises(MalformedURIError, match="://"):
        parse_uri(text)


def test_empty_scheme_is_malformed():
    with pytest.raises(MalformedURIError, match="scheme"):
        parse_uri("://orientation/sample")


def test_scheme_starting_with_digit_is_malformed():
    with pytest.raises(MalformedURIError, match="scheme"):
        parse_uri("3d://cam")


def test_duplicate_key_is_malformed():
    with pytest.raises(MalformedURIError, match="'loop' appears twice"):
        parse_uri("replay://x?loop=1&loop=0")


def test_query_item_without_equals_is_malformed():
    with pytest.raises(MalformedURIError, match="key=value"):
        parse_uri("replay://x?loop")


def test_non_string_is_malformed():
    with pytest.raises(MalformedURIError):
        parse_uri(0)


def test_param_int_rejects_text():
    with pytest.raises(MalformedURIError, match="start"):
        parse_uri("replay://x?start=two").param_int("start", 0)


def test_param_int_rejects_negative():
    with pytest.raises(MalformedURIError, match=">= 0"):
        parse_uri("replay://x?start=-1").param_int("start", 0)


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("0", False), ("yes", True)])
def test_param_bool_accepts_common_spellings(raw, value):
    assert parse_uri(f"replay://x?loop={raw}").param_bool("loop", False) is value


def test_param_bool_rejects_other_text():
    with pytest.raises(MalformedURIError, match="0 or 1"):
        parse_uri("replay://x?loop=maybe").param_bool("loop", False)


def test_check_params_names_the_unknown_key():
    with pytest.raises(MalformedURIError, match="lop.*accepts: loop, start"):
        parse_uri("replay://x?lop=1").check_params({"loop", "start"})
