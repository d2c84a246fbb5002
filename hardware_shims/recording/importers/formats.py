"""Image formats told by content: magic bytes, the colour model a file stores, a cut-off file.

A data set's file names lie (PNGs saved as `.jpg`, Git LFS pointers named `.png`), so
every decision here reads the bytes, never the extension.
"""

from __future__ import annotations

import struct

# Formats OpenCV decodes, by their first bytes.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
# Netpbm: P1-P6 then whitespace (pbm, pgm, ppm).
_NETPBM = {b"P1", b"P2", b"P3", b"P4", b"P5", b"P6"}
# Not images OpenCV reads, named so the refusal says what the file is.
_OTHER = (
    (b"version https://git-lfs", "a Git LFS pointer (the image itself was never downloaded; "
     "run `git lfs pull` in the data set's clone)"),
    (b"GIF8", "a GIF image, which OpenCV does not read (convert it to PNG)"),
    (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image, which this build does not read "
     "(convert it to PNG)"),
    (b"\xff\x4f\xff\x51", "a JPEG 2000 codestream (convert it to PNG)"),
    (b"PK\x03\x04", "a ZIP archive (unpack it first)"),
    (b"\x1f\x8b", "a gzip archive (unpack it first)"),
    (b"%PDF", "a PDF document"),
    (b"\x93NUMPY", "a NumPy array file (.npy)"),
)
HEAD_BYTES = 32  # enough for every signature above and a PNG's IHDR
_PNG_END = b"IEND\xaeB`\x82"
_JPEG_END = b"\xff\xd9"


def sniff(head: bytes) -> str | None:
    """The image format of a file that starts with `head` ("PNG", "JPEG"...), else None."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if head[:2] in _NETPBM and head[2:3].isspace():
        return "PNM"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def describe(head: bytes) -> str:
    """What a file that is no supported image looks like, in words, for the refusal."""
    if not head:
        return "it is empty (0 bytes)"
    for magic, what in _OTHER:
        if head.startswith(magic):
            return f"its bytes are {what}"
    if head[4:8] == b"ftyp":
        return f"its bytes are an ISO media file ({head[8:12].decode('latin-1')!r}: HEIC, AVIF " \
               "or video), which OpenCV does not read as an image"
    text = head.lstrip()
    if text[:1] == b"<":
        kind = "HTML (a web page saved in its place, often a failed download)" \
            if text[:15].lower().startswith((b"<!doctype html", b"<html")) else "XML or HTML"
        return f"its bytes are {kind}"
    if all(32 <= b < 127 or b in b"\t\r\n" for b in head):
        return f"its bytes are text: {head.decode('ascii').splitlines()[0][:40]!r}"
    return f"its first bytes are {head[:8].hex(' ')}, which is no image format read here"


def stored_colour(data: bytes, fmt: str) -> str:
    """The colour model the file stores: "grey", "palette" or "colour" ("colour" if unsure).

    OpenCV expands grey+alpha and palette files to BGR(A); this is how we take them back.
    """
    if fmt == "PNG" and len(data) >= 26:
        colour_type = data[25]  # IHDR: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
        return {0: "grey", 4: "grey", 3: "palette"}.get(colour_type, "colour")
    if fmt == "TIFF":
        return {0: "grey", 1: "grey", 3: "palette"}.get(tiff_photometric(data), "colour")
    return "colour"


def tiff_photometric(data: bytes) -> int:
    """The first IFD's PhotometricInterpretation (0/1 grey, 2 RGB, 3 palette), -1 if unknown."""
    order = "<" if data[:2] == b"II" else ">"
    try:
        (offset,) = struct.unpack_from(order + "I", data, 4)
        (count,) = struct.unpack_from(order + "H", data, offset)
        for i in range(count):
            tag, _, _, value = struct.unpack_from(order + "HHI4s", data, offset + 2 + 12 * i)
            if tag == 262:  # PhotometricInterpretation, a SHORT stored in the value field
                return struct.unpack_from(order + "H", value)[0]
    except struct.error:
        return -1
    return -1  # no such tag: unknown


def looks_cut_off(data: bytes, fmt: str) -> bool:
    """True when a file lacks the end its format promises (libjpeg pads a cut JPEG with grey)."""
    tail = data[-64:]
    if fmt == "JPEG":
        return _JPEG_END not in tail
    if fmt == "PNG":
        return _PNG_END not in tail
    if fmt == "BMP" and len(data) >= 6:
        return len(data) < struct.unpack_from("<I", data, 2)[0]  # the header's file size
    return False
