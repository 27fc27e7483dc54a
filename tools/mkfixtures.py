#!/usr/bin/env python3
"""Writes the committed image fixtures (developer tool; the build and the
tests never run it, they read the files it wrote):

  tests/corrupt/*           small malformed images, one problem each
  tests/corrupt/expected.tsv  file <TAB> status <TAB> substring of the message
  tests/fuzz/corpus/image/* small valid seeds for the fuzzer

Run from the repository root: python3 tools/mkfixtures.py
"""
import os
import struct

CORRUPT = "tests/corrupt"
SEEDS = "tests/fuzz/corpus/image"


def bmp(w, h, bpp, comp=0, hsize=40, offset=None, planes=1, clr_used=0,
        masks=None, palette=None, pixels=b"", masks_after=False):
    """A BMP built field by field, so each corrupt file can break one thing."""
    if hsize == 12:
        dib = struct.pack("<IHHHH", 12, w & 0xFFFF, h & 0xFFFF, planes, bpp)
    else:
        dib = struct.pack("<IiiHHIIiiII", hsize, w, h, planes, bpp, comp,
                          len(pixels), 2835, 2835, clr_used, 0)
        if hsize > 40:
            m = list(masks or [0, 0, 0]) + [0]
            dib += struct.pack("<IIII", *m[:4])
            dib += b"\0" * (hsize - len(dib))
    extra = b""
    if masks_after:
        extra = struct.pack("<III", *masks)
    pal = b""
    for rgb in palette or []:
        pal += bytes([rgb[2], rgb[1], rgb[0]]) + (b"" if hsize == 12 else b"\0")
    if offset is None:
        offset = 14 + len(dib) + len(extra) + len(pal)
    body = dib + extra + pal
    fh = b"BM" + struct.pack("<IHHI", 14 + len(body) + len(pixels), 0, 0, offset)
    return fh + body + pixels


def rows(rowbytes_list):
    """Pads each row to a multiple of 4 bytes."""
    out = b""
    for r in rowbytes_list:
        out += r + b"\0" * (-len(r) % 4)
    return out


GRAY2 = [(0, 0, 0), (255, 255, 255)]

corrupt = [
    # PNM
    ("maxval0.ppm", b"P6\n2 2\n0\n" + b"\0" * 12, "BAD_FORMAT", "bad maxval 0"),
    ("maxval_big.pgm", b"P5\n2 2\n70000\n" + b"\0" * 8, "BAD_FORMAT", "bad maxval 70000"),
    ("garbage_magic.ppm", b"P6x 2 2 255\n" + b"\0" * 12, "BAD_FORMAT", "garbage 'x' after the magic number"),
    ("width0.pgm", b"P5 0 2 255\n", "BAD_FORMAT", "bad width 0"),
    ("width_huge.ppm", b"P6 99999 2 255\n", "LIMIT", "width 99999 exceeds RSE_MAX_DIM"),
    ("width_overflow.ppm", b"P6 99999999999999999999999 2 255\n", "LIMIT", "width 4294967295 exceeds"),
    ("height_letter.ppm", b"P6 2 h 255\n", "BAD_FORMAT", "bad height: expected a number, got 'h'"),
    ("header_trunc.ppm", b"P6\n2 ", "TRUNCATED", "input ends before the height"),
    ("no_raster.ppm", b"P6\n2 2\n255", "TRUNCATED", "input ends before the pixel data"),
    ("data_trunc.ppm", b"P6\n2 2\n255\n" + b"\x80" * 5, "TRUNCATED", "pixel data truncated: need 12 bytes, have 5"),
    ("data16_trunc.pgm", b"P5\n2 1\n65535\n\x01\x02\x03", "TRUNCATED", "need 4 bytes, have 3"),
    ("sample_over.pgm", b"P2\n2 1\n10\n3 11\n", "BAD_FORMAT", "sample 11 exceeds maxval 10 at row 0 column 1"),
    ("bin_sample_over.pgm", b"P5\n2 1\n100\n\x05\xc8", "BAD_FORMAT", "sample 200 exceeds maxval 100"),
    ("ascii_trunc.ppm", b"P3\n2 1\n255\n1 2 3 4 # a comment long enough to pass the size check\n",
     "TRUNCATED", "pixel data truncated: 4 of 6 samples"),
    ("ascii_short.ppm", b"P3 1000 1000 255\n1 2 3\n", "TRUNCATED",
     "3000000 samples need at least 5999999 bytes, have 7"),
    ("ascii_token.ppm", b"P3\n1 1\n255\n1 2a 3\n", "BAD_FORMAT", "bad sample: unexpected 'a' after the number"),
    ("pbm.pbm", b"P4\n8 1\n\xff", "UNSUPPORTED", "PBM"),
    ("empty.ppm", b"", "TRUNCATED", "empty input"),
    ("gif.gif", b"GIF89a\x01\x00\x01\x00", "BAD_FORMAT", "unknown image format"),
    ("png.png", b"\x89PNG\r\n\x1a\n", "TRUNCATED", "PNG IHDR truncated"),
    # BMP
    ("bmp_header_trunc.bmp", bmp(2, 2, 24)[:30], "TRUNCATED", "BMP header truncated"),
    ("bmp_hsize.bmp", b"BM" + struct.pack("<IHHII", 60, 0, 0, 34, 20) + b"\0" * 16, "BAD_FORMAT", "bad BMP header size 20"),
    ("bmp_rle8.bmp", bmp(2, 2, 8, comp=1, palette=GRAY2, pixels=b"\0" * 8), "TRUNCATED",
     "BMP RLE data ends after 0 of 4 pixels without an end-of-bitmap"),
    ("bmp_jpeg.bmp", bmp(2, 2, 24, comp=4, pixels=b"\xff\xd8"), "UNSUPPORTED", "JPEG-compressed BMP"),
    ("bmp_comp9.bmp", bmp(2, 2, 24, comp=9, pixels=b"\0" * 16), "BAD_FORMAT", "unknown BMP compression 9"),
    ("bmp_bpp7.bmp", bmp(2, 2, 7, pixels=b"\0" * 8), "BAD_FORMAT", "bad BMP bits per pixel 7"),
    ("bmp_planes.bmp", bmp(2, 2, 24, planes=2, pixels=b"\0" * 16), "BAD_FORMAT", "bad BMP plane count 2"),
    ("bmp_width_neg.bmp", bmp(-5, 2, 24, pixels=b"\0" * 32), "BAD_FORMAT", "bad width -5"),
    ("bmp_height0.bmp", bmp(2, 0, 24), "BAD_FORMAT", "bad height 0"),
    ("bmp_huge.bmp", bmp(100000, 1, 24), "LIMIT", "width 100000 exceeds RSE_MAX_DIM"),
    ("bmp_offset_small.bmp", bmp(2, 2, 24, offset=10, pixels=b"\0" * 16), "BAD_FORMAT", "bad BMP pixel data offset 10"),
    ("bmp_offset_big.bmp", bmp(2, 2, 24, offset=4000, pixels=b"\0" * 16), "BAD_FORMAT", "beyond the end"),
    ("bmp_pixels_trunc.bmp", bmp(3, 3, 24, pixels=b"\0" * 20), "TRUNCATED", "BMP pixel data truncated: need 36 bytes"),
    ("bmp_zero_mask.bmp", bmp(2, 2, 16, comp=3, masks=[0xF800, 0, 0x1F], masks_after=True, pixels=b"\0" * 8),
     "BAD_FORMAT", "zero green mask"),
    ("bmp_mask_gap.bmp", bmp(1, 1, 32, comp=3, hsize=108, masks=[0xF0F00000, 0xFF00, 0xFF], pixels=b"\0" * 4),
     "BAD_FORMAT", "non-contiguous red mask 0xf0f00000"),
    ("bmp_mask_overlap.bmp", bmp(1, 1, 16, comp=3, hsize=56, masks=[0xF800, 0x0FE0, 0x1F], pixels=b"\0" * 4),
     "BAD_FORMAT", "overlapping BMP colour masks"),
    ("bmp_mask_wide.bmp", bmp(1, 1, 16, comp=3, masks=[0x1F0000, 0x3E0, 0x1F], masks_after=True, pixels=b"\0" * 4),
     "BAD_FORMAT", "red mask 0x1f0000 wider than 16 bits"),
    ("bmp_bitfields_8bit.bmp", bmp(2, 2, 8, comp=3, masks=[1, 2, 4], masks_after=True, pixels=b"\0" * 8),
     "BAD_FORMAT", "bitfields need 16 or 32 bits per pixel, got 8"),
    ("bmp_palette_index.bmp", bmp(2, 1, 8, clr_used=2, palette=GRAY2, pixels=rows([b"\x01\x05"])),
     "BAD_FORMAT", "BMP palette index 5 out of range (2 colours) at row 0 column 1"),
    ("bmp_palette_big.bmp", bmp(2, 1, 4, clr_used=17, palette=GRAY2 * 9, pixels=b"\0" * 4),
     "BAD_FORMAT", "BMP palette of 17 colours exceeds 2^4"),
    ("bmp_palette_overlap.bmp", bmp(2, 1, 8, clr_used=4, palette=GRAY2, pixels=b"\0" * 4),
     "BAD_FORMAT", "BMP palette of 4 colours overlaps the pixel data"),
    ("bmp_os2v2.bmp", b"BM" + struct.pack("<IHHII", 100, 0, 0, 78, 64) + b"\0" * 60, "UNSUPPORTED", "OS/2 2.x"),
]

seeds = [
    ("p6_8.ppm", b"P6\n2 2\n255\n" + bytes(range(0, 240, 20))),
    ("p6_16.ppm", b"P6 1 2 65535\n" + bytes(range(12))),
    ("p5_comment.pgm", b"P5 # comment\n3 1\n# another\n255\n\x00\x80\xff"),
    ("p5_16.pgm", b"P5\n2 1\n1000\n\x03\xe8\x01\xf4"),
    ("p3.ppm", b"P3\n# c\n2 1 15\n0 7 15\n15 # mid\n 1 2\n"),
    ("p2.pgm", b"P2 3 1 1 0 1 1\n"),
    ("bmp1.bmp", bmp(9, 2, 1, palette=GRAY2, pixels=rows([b"\xaa\x80", b"\x55\x00"]))),
    ("bmp4.bmp", bmp(3, 1, 4, clr_used=3, palette=[(255, 0, 0), (0, 255, 0), (0, 0, 255)], pixels=rows([b"\x01\x20"]))),
    ("bmp8_core.bmp", bmp(2, 2, 8, hsize=12, palette=[(10, 20, 30), (40, 50, 60)], pixels=rows([b"\x00\x01", b"\x01\x00"]))),
    ("bmp16.bmp", bmp(2, 1, 16, pixels=rows([b"\x1f\x7c\xe0\x03"]))),
    ("bmp16_565.bmp", bmp(2, 1, 16, comp=3, masks=[0xF800, 0x7E0, 0x1F], masks_after=True, pixels=rows([b"\x1f\xf8\xe0\x07"]))),
    ("bmp24_topdown.bmp", bmp(2, -2, 24, pixels=rows([b"\x01\x02\x03\x04\x05\x06", b"\x07\x08\x09\x0a\x0b\x0c"]))),
    ("bmp32.bmp", bmp(1, 2, 32, pixels=b"\x01\x02\x03\xff\x04\x05\x06\xff")),
    ("bmp32_v5.bmp", bmp(1, 1, 32, comp=3, hsize=124, masks=[0xFF, 0xFF00, 0xFF0000], pixels=b"\x01\x02\x03\x00")),
]


def main():
    os.makedirs(CORRUPT, exist_ok=True)
    os.makedirs(SEEDS, exist_ok=True)
    with open(os.path.join(CORRUPT, "expected.tsv"), "w") as tsv:
        tsv.write("# file\tstatus\tsubstring of the message (after 'path: ')\n")
        for name, data, status, msg in corrupt:
            with open(os.path.join(CORRUPT, name), "wb") as f:
                f.write(data)
            tsv.write(f"{name}\t{status}\t{msg}\n")
    for name, data in seeds:
        with open(os.path.join(SEEDS, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
