#!/usr/bin/python3
"""Writes the BMP RLE8 / RLE4 fixtures of tests/test_image.c.

    /usr/bin/python3 tools/make_bmp_rle_fixtures.py      (from the repo root)

tests/fixtures/bmp/NAME.bmp, written byte by byte here, each with NAME.txt:
a first line "W H", then the decoded image as 8-bit samples, planar (R, G, B
planes, row by row). The C test requires rsedit's floats to equal sample/255.

The expected pixels come from Pillow (Image.open(..).convert("RGB")) where
Pillow 9.4 decodes the file as the format means it. `ref_decode` below is
Pillow 9.4's BmpRleDecoder loop with its two slips fixed (a delta reads two
bytes more than it uses; an RLE4 absolute run of odd length reads one byte
too few); every fixture is decoded by it, and the ones marked "pillow" must
give exactly Pillow's pixels too. The three marked "ref" are where Pillow
9.4 differs: a delta (its bug), an odd RLE4 absolute run (its bug), and an
end of bitmap before the image is full (Pillow raises "not enough image
data"; rsedit and the format leave the rest index 0).

tests/corrupt/bmp_rle*.bmp: hostile streams, listed in
tests/corrupt/expected.tsv (the rows are printed here, appended by hand).
"""
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mkfixtures import bmp  # noqa: E402

from PIL import Image  # noqa: E402

OUT = "tests/fixtures/bmp"
CORRUPT = "tests/corrupt"

PAL16 = [(i * 16, 255 - i * 16, (i * 37) % 256) for i in range(16)]
PAL8 = [((i * 29) % 256, (i * 53) % 256, (i * 101) % 256) for i in range(20)]


def ref_decode(data, w, h, rle4, offset):
    """Palette indices in file order (w*h), as Pillow 9.4 with the fixes."""
    out = bytearray()
    pos, x = offset, 0
    while len(out) < w * h:
        if pos + 2 > len(data):
            raise ValueError("truncated")
        n, b = data[pos], data[pos + 1]
        pos += 2
        if n:
            if x + n > w:
                n = max(0, w - x)
            for i in range(n):
                out.append((b >> 4 if i % 2 == 0 else b & 15) if rle4 else b)
            x += n
        elif b == 0:
            while len(out) % w:
                out.append(0)
            x = 0
        elif b == 1:
            break
        elif b == 2:
            dx, dy = data[pos], data[pos + 1]
            pos += 2
            out += b"\0" * (dx + dy * w)
            x = len(out) % w
        else:
            nb = (b + 1) // 2 if rle4 else b
            lit = data[pos:pos + nb]
            if len(lit) < nb:
                raise ValueError("truncated")
            pos += nb
            for i in range(b):
                out.append((lit[i // 2] >> 4 if i % 2 == 0 else lit[i // 2] & 15) if rle4 else lit[i])
            x += b
            if pos % 2:
                pos += 1
    out = out[:w * h]
    return bytes(out) + b"\0" * (w * h - len(out))


def rgb_planes(idx, w, h, pal, top_down):
    rows = [idx[r * w:(r + 1) * w] for r in range(h)]
    if not top_down:
        rows = rows[::-1]
    return [[[pal[i][k] for i in row] for row in rows] for k in range(3)]


def pillow_planes(data):
    im = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = im.size
    px = im.load()
    return [[[px[x, y][k] for x in range(w)] for y in range(h)] for k in range(3)]


# name, w, h (negative: top-down), bpp, palette, stream, checked by
RLE8, RLE4 = 1, 2
fixtures = [
    # runs, end of line, an odd absolute run (padded), an even one, end of bitmap
    ("rle8_basic", 5, 4, 8, PAL8,
     bytes([3, 1, 2, 7, 0, 0,  0, 3, 4, 5, 6, 0, 2, 9, 0, 0,  0, 4, 10, 11, 12, 13, 1, 19, 0, 0,
            5, 2, 0, 1]), "pillow"),
    # filled exactly, no end-of-line or end-of-bitmap at all
    ("rle8_no_eob", 3, 2, 8, PAL8, bytes([3, 5, 0, 0, 2, 6, 1, 7]), "pillow"),
    # a run longer than the row is cut at the row end
    ("rle8_run_past_row", 4, 3, 8, PAL8, bytes([9, 3, 0, 0, 2, 4, 7, 5, 0, 0, 4, 6, 0, 1]), "pillow"),
    # an absolute run longer than the row wraps into the next one
    ("rle8_abs_wrap", 4, 3, 8, PAL8, bytes([0, 6, 1, 2, 3, 4, 5, 6, 2, 7, 0, 0, 4, 8, 0, 1]), "pillow"),
    # rows top-down (negative height)
    ("rle8_topdown", 3, -3, 8, PAL8, bytes([3, 1, 0, 0, 3, 2, 0, 0, 1, 3, 2, 4, 0, 1]), "pillow"),
    # RLE4: odd and even runs, even absolute runs (4 and 6 pixels)
    ("rle4_basic", 6, 3, 4, PAL16,
     bytes([5, 0x12, 1, 0x30, 0, 0,  0, 4, 0x45, 0x67, 2, 0x89, 0, 0,  0, 6, 0xAB, 0xCD, 0xEF, 0, 0, 1]), "pillow"),
    # deltas (right, and down rows), the skipped pixels index 0
    ("rle8_delta", 6, 4, 8, PAL8, bytes([2, 5, 0, 2, 2, 1, 2, 6, 0, 0, 0, 2, 1, 1, 3, 7, 0, 1]), "ref"),
    # RLE4 absolute runs of odd length (3 and 5 pixels)
    ("rle4_abs_odd", 5, 2, 4, PAL16, bytes([0, 3, 0x12, 0x30, 2, 0x44, 0, 0, 0, 5, 0x56, 0x78, 0x90, 0, 0, 1]), "ref"),
    # end of bitmap after the first row: the rest stays index 0
    ("rle8_eob_early", 4, 3, 8, PAL8, bytes([4, 9, 0, 0, 2, 3, 0, 1]), "ref"),
    # a delta past the last pixel ends the image
    ("rle8_delta_past_end", 3, 2, 8, PAL8, bytes([2, 5, 0, 2, 9, 9, 4, 4, 0, 1]), "ref"),
]

corrupt = [
    ("bmp_rle8_trunc.bmp", 4, 2, 8, PAL8, RLE8, bytes([4, 1, 0, 0, 2, 2]),
     "TRUNCATED", "BMP RLE data ends after 6 of 8 pixels without an end-of-bitmap"),
    ("bmp_rle8_abs_trunc.bmp", 4, 2, 8, PAL8, RLE8, bytes([0, 8, 1, 2, 3]),
     "TRUNCATED", "BMP RLE absolute run of 8 pixels truncated after 0 of 8 pixels"),
    ("bmp_rle8_delta_trunc.bmp", 4, 2, 8, PAL8, RLE8, bytes([1, 1, 0, 2, 1]),
     "TRUNCATED", "BMP RLE delta truncated after 1 of 8 pixels"),
    ("bmp_rle8_index.bmp", 2, 2, 8, PAL8[:4], RLE8, bytes([2, 1, 0, 0, 2, 4, 0, 1]),
     "BAD_FORMAT", "BMP palette index 4 out of range (4 colours) at row 0 column 0"),
    ("bmp_rle4_bpp8.bmp", 2, 2, 8, PAL8, RLE4, bytes([0, 1]),
     "BAD_FORMAT", "BMP RLE4 needs 4 bits per pixel, got 8"),
    ("bmp_rle_bomb.bmp", 16384, 16384, 8, PAL8, RLE8, bytes([0, 2, 255, 255, 0, 1]),
     "LIMIT", "BMP RLE data of 6 bytes cannot hold 16384x16384 pixels"),
]


def make(w, h, bpp, pal, comp, stream):
    return bmp(w, h, bpp, comp=comp, clr_used=len(pal), palette=pal, pixels=stream)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, w, h, bpp, pal, stream, check in fixtures:
        data = make(w, h, bpp, pal, RLE8 if bpp == 8 else RLE4, stream)
        offset = int.from_bytes(data[10:14], "little")
        assert offset % 2 == 0
        idx = ref_decode(data, w, abs(h), bpp == 4, offset)
        planes = rgb_planes(idx, w, abs(h), pal, h < 0)
        if check == "pillow":
            assert pillow_planes(data) == planes, name
        else:
            try:
                same = pillow_planes(data) == planes
            except Exception as e:  # noqa: BLE001
                same = "raises %s" % e
            print("%s: Pillow 9.4 %s" % (name, "agrees" if same is True else "differs" if same is False else same))
        with open(os.path.join(OUT, name + ".bmp"), "wb") as f:
            f.write(data)
        with open(os.path.join(OUT, name + ".txt"), "w") as f:
            f.write("%d %d\n" % (w, abs(h)))
            for plane in planes:
                for row in plane:
                    f.write(" ".join(str(v) for v in row) + "\n")
    for name, w, h, bpp, pal, comp, stream, status, msg in corrupt:
        with open(os.path.join(CORRUPT, name), "wb") as f:
            f.write(make(w, h, bpp, pal, comp, stream))
        print("%s\t%s\t%s" % (name, status, msg))


if __name__ == "__main__":
    main()
