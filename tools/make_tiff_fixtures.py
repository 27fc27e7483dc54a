#!/usr/bin/python3
"""Writes the TIFF fixtures of tests/test_tiff.c and the corrupt TIFFs.

    /usr/bin/python3 tools/make_tiff_fixtures.py      (from the repo root)

tests/fixtures/tiff/NAME.tif, each with NAME.txt (or NAME-SUFFIX.txt for a
band selection): a first line "bits W H C BANDS" (BANDS is "default" or
the 1-based bands asked for, e.g. 4,3,2), then the expected integer
samples of the decoded image, planar (channel, row, column), one row a
line. The C test requires rsedit's floats to equal sample / 255 (or
/ 65535) exactly.

Where Pillow (with libtiff) can write a variant it does (p_*: 8-bit RGB
with every compression, predictor, gray 8 and 16 bits); the rest (tiles,
BigTIFF, big endian, planar, 16-bit RGB, more than 3 bands, GeoTIFF tags:
o_*) is written here byte by byte with struct and zlib, with a TIFF LZW
and PackBits encoder of our own. Every file Pillow can read is read back
with it and must equal the numpy array it was made from, so the writer
below is checked by libtiff, not only by rsedit. Expected values always
come from the numpy arrays.

tests/corrupt/tiff_*.tif: hostile files, listed with their expected
errors in tests/corrupt/expected.tsv (rows appended by hand).
"""
import io
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "tests", "fixtures", "tiff")
BAD = os.path.join(ROOT, "tests", "corrupt")

# ---- encoders -----------------------------------------------------------


def lzw_encode(data, clear_when_full=True):
    """TIFF 6.0 LZW as libtiff writes it: MSB-first codes, 9 to 12 bits,
    the width growing when the next free entry passes the largest code of
    the current width, a Clear when the table reaches 4094 entries.
    clear_when_full=False keeps going without a Clear (a hostile stream)."""
    out = bytearray()
    acc = 0
    nacc = 0

    def put(code, width):
        nonlocal acc, nacc
        acc = (acc << width) | code
        nacc += width
        while nacc >= 8:
            out.append((acc >> (nacc - 8)) & 255)
            nacc -= 8
            acc &= (1 << nacc) - 1

    def fresh():
        return {bytes([i]): i for i in range(256)}

    width = 9
    table = fresh()
    nxt = 258
    put(256, width)
    w = b""
    for ch in data:
        c = bytes([ch])
        wc = w + c
        if wc in table:
            w = wc
            continue
        put(table[w], width)
        if nxt < 4096:
            table[wc] = nxt
            nxt += 1
        if nxt == 4094 and clear_when_full:
            put(256, width)
            table, nxt, width = fresh(), 258, 9
        elif nxt > (1 << width) - 1 and width < 12:
            width += 1
        w = c
    if w:
        put(table[w], width)
        nxt += 1
        if nxt > (1 << width) - 1 and width < 12:
            width += 1
    put(257, width)
    if nacc:
        out.append((acc << (8 - nacc)) & 255)
    return bytes(out)


def packbits_encode(data):
    out = bytearray()
    i, n = 0, len(data)
    lit = bytearray()
    while i < n:
        r = 1
        while i + r < n and r < 128 and data[i + r] == data[i]:
            r += 1
        if r >= 3:
            while lit:
                out.append(min(len(lit), 128) - 1)
                out += lit[:128]
                del lit[:128]
            out.append(257 - r)
            out.append(data[i])
            i += r
        else:
            lit.append(data[i])
            i += 1
    while lit:
        out.append(min(len(lit), 128) - 1)
        out += lit[:128]
        del lit[:128]
    return bytes(out)


def compress(raw, comp):
    if comp == 1:
        return raw
    if comp == 5:
        return lzw_encode(raw)
    if comp in (8, 32946):
        return zlib.compress(raw, 9)
    if comp == 32773:
        return packbits_encode(raw)
    raise ValueError(comp)


# ---- a TIFF writer ------------------------------------------------------

SHORT, LONG, LONG8, DOUBLE, ASCII = 3, 4, 16, 12, 2
TFMT = {SHORT: "H", LONG: "I", LONG8: "Q", DOUBLE: "d"}
TSIZE = {SHORT: 2, LONG: 4, LONG8: 8, DOUBLE: 8, ASCII: 1}

# GeoTIFF tags of a UTM 33N image at 10 m (what GDAL writes for one).
GEO_TAGS = [
    (33550, DOUBLE, [10.0, 10.0, 0.0]),
    (33922, DOUBLE, [0.0, 0.0, 0.0, 500000.0, 4600000.0, 0.0]),
    (34264, DOUBLE, [10.0, 0.0, 0.0, 500000.0, 0.0, -10.0, 0.0, 4600000.0,
                     0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]),
    (34735, SHORT, [1, 1, 0, 5, 1024, 0, 1, 1, 1025, 0, 1, 1, 1026, 34737, 22, 0,
                    2057, 34736, 1, 0, 3072, 0, 1, 32633]),
    (34736, DOUBLE, [6378137.0, 298.257223563]),
    (34737, ASCII, b"WGS 84 / UTM zone 33N|\0"),
    (42112, ASCII, b'<GDALMetadata>\n  <Item name="AREA_OR_POINT">Area</Item>\n</GDALMetadata>\n\0'),
    (42113, ASCII, b"0\0"),
]


def chunks(arr, bits, be, tile, rps, planar, pred, comp):
    """The compressed chunks of arr (H, W, S) in file order."""
    h, w, s = arr.shape
    dt = np.dtype((">" if be else "<") + ("u1" if bits == 8 else "u2"))
    planes = [arr[:, :, p:p + 1] for p in range(s)] if planar == 2 else [arr]
    out = []
    for pl in planes:
        if tile:
            tw, th = tile
            H = -(-h // th) * th
            W = -(-w // tw) * tw
            pad = np.zeros((H, W, pl.shape[2]), dtype=arr.dtype)
            pad[:h, :w] = pl
            pieces = [pad[y:y + th, x:x + tw] for y in range(0, H, th) for x in range(0, W, tw)]
        else:
            pieces = [pl[y:y + rps] for y in range(0, h, rps)]
        for c in pieces:
            c = c.astype(np.int64)
            if pred == 2:
                d = c.copy()
                d[:, 1:] = c[:, 1:] - c[:, :-1]
                c = d % (1 << bits)
            out.append(compress(c.astype(dt).tobytes(), comp))
    return out


def write_tiff(path, arr, bits, be=False, big=False, tile=None, rps=None, planar=1,
               comp=1, pred=1, photo=None, extra=(), counts_fix=None, data=None):
    """Writes arr (H, W, S) as a TIFF. counts_fix(offsets, counts) may
    corrupt the chunk table; data replaces the chunks."""
    h, w, s = arr.shape
    e = ">" if be else "<"
    if rps is None:
        rps = h
    ch = data if data is not None else chunks(arr, bits, be, tile, rps, planar, pred, comp)
    f = bytearray()
    f += (b"MM" if be else b"II")
    if big:
        f += struct.pack(e + "HHHQ", 43, 8, 0, 0)
    else:
        f += struct.pack(e + "HI", 42, 0)
    offs, cnts = [], []
    for c in ch:
        if len(f) % 2:
            f.append(0)
        offs.append(len(f))
        cnts.append(len(c))
        f += c
    if counts_fix:
        offs, cnts = counts_fix(offs, cnts)
    off_t = LONG8 if big else LONG
    if photo is None:
        photo = 2 if s >= 3 else 1
    tags = [(256, LONG, [w]), (257, LONG, [h]), (258, SHORT, [bits] * s), (259, SHORT, [comp]),
            (262, SHORT, [photo]), (277, SHORT, [s]), (284, SHORT, [planar])]
    if pred != 1:
        tags.append((317, SHORT, [pred]))
    if tile:
        tags += [(322, LONG, [tile[0]]), (323, LONG, [tile[1]]), (324, off_t, offs), (325, off_t, cnts)]
    else:
        tags += [(273, off_t, offs), (278, LONG, [rps]), (279, off_t, cnts)]
    if s > 3 or (s == 2):
        tags.append((338, SHORT, [0] * (s - (3 if photo == 2 else 1))))
    tags += list(extra)
    tags.sort(key=lambda t: t[0])
    finish_ifd(f, tags, e, big)
    return bytes(f)


def encode_values(typ, vals, e):
    if typ == ASCII or isinstance(vals, (bytes, bytearray)):
        return bytes(vals), len(vals)
    return struct.pack(e + TFMT[typ] * len(vals), *vals), len(vals)


def finish_ifd(f, tags, e, big, next_ifd=0, patch_header=True):
    """Appends an IFD with tags to f (values that do not fit after it) and
    points the header (or nothing) at it. Returns the IFD's offset."""
    inl = 8 if big else 4
    if len(f) % 2:
        f.append(0)
    ifd = len(f)
    esz = 20 if big else 12
    hdr = 8 if big else 2
    size = hdr + esz * len(tags) + (8 if big else 4)
    extra = bytearray()
    ents = bytearray()
    for tag, typ, vals in tags:
        b, n = encode_values(typ, vals, e)
        if len(b) <= inl:
            val = b + bytes(inl - len(b))
        else:
            pos = ifd + size + len(extra)
            val = struct.pack(e + ("Q" if big else "I"), pos)
            extra += b
            if len(extra) % 2:
                extra.append(0)
        ents += struct.pack(e + ("HHQ" if big else "HHI"), tag, typ, n) + val
    f += struct.pack(e + ("Q" if big else "H"), len(tags)) + ents
    f += struct.pack(e + ("Q" if big else "I"), next_ifd)
    f += extra
    if patch_header:
        if big:
            f[8:16] = struct.pack(e + "Q", ifd)
        else:
            f[4:8] = struct.pack(e + "I", ifd)
    return ifd


def save(name, f):
    with open(os.path.join(FIX if not name.startswith("tiff_") else BAD, name), "wb") as fh:
        fh.write(f)


def expect(name, arr, bits, bands=None, suffix=""):
    """NAME.txt: the decoded image rsedit must give (bands 1-based)."""
    h, w, s = arr.shape
    if bands is None:
        bands = [1, 2, 3] if s >= 3 else [1]
    lines = ["%d %d %d %d %s" % (bits, w, h, len(bands),
                                  "default" if not suffix else ",".join(map(str, bands)))]
    for b in bands:
        for y in range(h):
            lines.append(" ".join(str(int(v)) for v in arr[y, :, b - 1]))
    with open(os.path.join(FIX, name + suffix + ".txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


def pillow_check(name, arr):
    """Pillow (libtiff) must read the file as arr."""
    im = Image.open(os.path.join(FIX, name + ".tif"))
    got = np.array(im)
    want = arr[:, :, 0] if arr.shape[2] == 1 else arr
    if arr.dtype == np.uint16 and arr.shape[2] == 3:
        want = want >> 8   # Pillow has no 16-bit RGB mode: it keeps the high bytes
    if got.shape != want.shape or not np.array_equal(got.astype(np.int64), want.astype(np.int64)):
        sys.exit("%s: Pillow reads something else (%s %s)" % (name, got.shape, got.dtype))


def main():
    os.makedirs(FIX, exist_ok=True)
    rng = np.random.default_rng(21)
    rgb8 = rng.integers(0, 256, (11, 13, 3)).astype(np.uint8)
    rgb8[3:6, 2:9] = [200, 10, 40]                       # runs for PackBits and LZW
    gray8 = rng.integers(0, 256, (11, 13, 1)).astype(np.uint8)
    gray16 = rng.integers(0, 65536, (11, 13, 1)).astype(np.uint16)
    noise8 = rng.integers(0, 256, (60, 80, 1)).astype(np.uint8)  # > 4094 LZW codes: Clear codes
    rgb16 = rng.integers(0, 65536, (21, 37, 3)).astype(np.uint16)
    smooth16 = (np.add.outer(np.arange(21) * 900, np.arange(37) * 1700)[:, :, None]
                + np.array([0, 7000, 30000])).astype(np.uint16)  # predictor wraps past 65535
    rgbn8 = rng.integers(0, 256, (21, 37, 4)).astype(np.uint8)
    band5 = rng.integers(0, 65536, (11, 13, 5)).astype(np.uint16)

    # Pillow (libtiff) writes these.
    def pil(name, arr, **kw):
        im = Image.fromarray(arr[:, :, 0] if arr.shape[2] == 1 else arr)
        im.save(os.path.join(FIX, name + ".tif"), "TIFF", **kw)
        pillow_check(name, arr)
        expect(name, arr, 16 if arr.dtype == np.uint16 else 8)

    pil("p_rgb8_none", rgb8, compression="raw")
    pil("p_rgb8_lzw", rgb8, compression="tiff_lzw", tiffinfo={278: 4})
    pil("p_rgb8_adobe_deflate", rgb8, compression="tiff_adobe_deflate")
    pil("p_rgb8_deflate", rgb8, compression="tiff_deflate", tiffinfo={278: 5})
    pil("p_rgb8_packbits", rgb8, compression="packbits")
    pil("p_rgb8_lzw_pred", rgb8, compression="tiff_lzw", tiffinfo={317: 2})
    pil("p_gray8_lzw", gray8, compression="tiff_lzw")
    pil("p_noise8_lzw", noise8, compression="tiff_lzw")
    pil("p_gray16_lzw_pred", gray16, compression="tiff_lzw", tiffinfo={317: 2})
    pil("p_gray16_deflate", gray16, compression="tiff_adobe_deflate")

    # Our own writer: what Pillow cannot write.
    def own(name, arr, bits, check=True, **kw):
        save(name + ".tif", write_tiff(None, arr, bits, **kw))
        if check and kw.get("be") and kw.get("big"):
            # Pillow 9.4 cannot open big-endian BigTIFF: it checks the
            # same file written little-endian instead.
            save("twin.tif", write_tiff(None, arr, bits, **dict(kw, be=False)))
            pillow_check("twin", arr)
            os.remove(os.path.join(FIX, "twin.tif"))
        elif check:
            pillow_check(name, arr)
        expect(name, arr, bits)

    own("o_rgb16_be_tiled_lzw_pred", smooth16, 16, be=True, tile=(16, 16), comp=5, pred=2)
    own("o_rgb16_le_strips_none", rgb16, 16, rps=6)
    own("o_rgb16_be_strips_packbits", rgb16, 16, be=True, rps=7, comp=32773)
    own("o_rgb8_planar_lzw_pred", rgbn8[:, :, :3], 8, planar=2, rps=8, comp=5, pred=2)
    own("o_rgbn8_planar_deflate", rgbn8, 8, planar=2, rps=4, comp=8, check=False)
    expect("o_rgbn8_planar_deflate", rgbn8, 8, bands=[4, 3, 2], suffix="-432")
    expect("o_rgbn8_planar_deflate", rgbn8, 8, bands=[4], suffix="-4")
    own("o_rgbn8_tiled_contig_lzw", rgbn8, 8, tile=(16, 32), comp=5, check=False)
    expect("o_rgbn8_tiled_contig_lzw", rgbn8, 8, bands=[2, 4, 1], suffix="-241")
    own("o_big_le_gray16_tiled_packbits", smooth16[:, :, 1:2], 16, big=True, tile=(16, 16), comp=32773)
    own("o_big_be_rgb8_planar_tiled_lzw", rgbn8[:, :, :3], 8, big=True, be=True, tile=(32, 16),
        planar=2, comp=5, pred=2)
    own("o_big_le_band5_16_deflate_pred", band5, 16, big=True, comp=32946, pred=2, rps=3, check=False)
    expect("o_big_le_band5_16_deflate_pred", band5, 16, bands=[5, 1, 3], suffix="-513")
    own("o_gray8_miniswhite", gray8, 8, photo=0, check=False)
    # WhiteIsZero: rsedit gives max - v (as Pillow does for 8 bits).
    expect("o_gray8_miniswhite", 255 - gray8, 8)
    im = np.array(Image.open(os.path.join(FIX, "o_gray8_miniswhite.tif")))
    assert np.array_equal(im, 255 - gray8[:, :, 0]), "Pillow: WhiteIsZero"
    own("o_geo_le", rgb8, 8, extra=GEO_TAGS, rps=6, comp=8)
    own("o_geo_be", rgb8, 8, be=True, extra=GEO_TAGS, tile=(16, 16), comp=5)

    # ---- corrupt files -------------------------------------------------
    small = rgb8[:4, :5]

    def bad(name, f):
        save("tiff_" + name + ".tif", f)

    bad("offset_past_end", write_tiff(None, small, 8, counts_fix=lambda o, c: ([o[0] + 100000], c)))
    bad("bytecount_past_end", write_tiff(None, small, 8, counts_fix=lambda o, c: (o, [c[0] + 5000])))
    bad("bytecount_short", write_tiff(None, small, 8, counts_fix=lambda o, c: (o, [c[0] - 7])))
    bad("bytecount_zero", write_tiff(None, small, 8, comp=8, counts_fix=lambda o, c: (o, [0])))
    bad("strip_count", write_tiff(None, small, 8, rps=1, counts_fix=lambda o, c: (o[:3], c[:3])))
    bad("tile_count", write_tiff(None, rgbn8[:, :, :3], 8, tile=(16, 16), comp=5,
                                 counts_fix=lambda o, c: (o[:5], c[:5])))
    # IFD loops: the first IFD pointing to itself; a chain 1 -> 2 -> 3 -> 2.
    f = bytearray(write_tiff(None, small, 8))
    ifd = struct.unpack("<I", f[4:8])[0]
    n = struct.unpack("<H", f[ifd:ifd + 2])[0]
    f[ifd + 2 + 12 * n: ifd + 6 + 12 * n] = struct.pack("<I", ifd)
    bad("ifd_loop", bytes(f))
    f = bytearray(write_tiff(None, small, 8))
    first = struct.unpack("<I", f[4:8])[0]
    tags = [(256, LONG, [1]), (257, LONG, [1])]
    second = len(f) + (len(f) % 2)
    finish_ifd(f, tags, "<", False, next_ifd=0, patch_header=False)
    third = finish_ifd(f, tags, "<", False, next_ifd=second, patch_header=False)
    f[second + 2 + 24: second + 6 + 24] = struct.pack("<I", third)
    n = struct.unpack("<H", f[first:first + 2])[0]
    f[first + 2 + 12 * n: first + 6 + 12 * n] = struct.pack("<I", second)
    bad("ifd_loop3", bytes(f))
    f = bytearray(write_tiff(None, small, 8))
    f[4:8] = struct.pack("<I", len(f) + 40)
    bad("ifd_past_end", bytes(f))
    # LZW: 4096 entries without a Clear; a code beyond the table; old style.
    noise = rng.integers(0, 256, (80, 100, 1)).astype(np.uint8)
    bad("lzw_overflow", write_tiff(None, noise, 8, comp=5, data=[lzw_encode(noise.tobytes(), clear_when_full=False)]))
    code = bytearray(lzw_encode(small.tobytes()))
    code[3] = 0xff                                        # the third code's bits -> a code past the table
    bad("lzw_badcode", write_tiff(None, small, 8, comp=5, data=[bytes(code)]))
    bad("lzw_oldstyle", write_tiff(None, small, 8, comp=5, data=[b"\x00\x01" + bytes(40)]))
    bad("packbits_short", write_tiff(None, small, 8, comp=32773, data=[bytes([127]) + bytes(20)]))
    bad("deflate_bad", write_tiff(None, small, 8, comp=8, data=[b"\x78\x9c" + bytes([0xff] * 30)]))
    # Sizes: 60000 x 60000 in a few hundred bytes; 16000 x 16000 (inside
    # the limits) whose one strip is 1 KB of Deflate for 256 MB.
    f = write_tiff(None, small, 8, comp=8)
    bomb = bytearray(f)
    i = bomb.find(struct.pack("<HHII", 256, LONG, 1, 5))
    bomb[i + 8:i + 12] = struct.pack("<I", 60000)
    i = bomb.find(struct.pack("<HHII", 257, LONG, 1, 4))
    bomb[i + 8:i + 12] = struct.pack("<I", 60000)
    bad("bomb_60000", bytes(bomb))
    big1 = np.zeros((16000, 1, 1), dtype=np.uint8)
    bad("bomb_ratio", write_tiff(None, big1, 8, comp=8, data=[zlib.compress(bytes(100000))],
                                 extra=[]).replace(struct.pack("<HHII", 256, LONG, 1, 1),
                                                   struct.pack("<HHII", 256, LONG, 1, 16000)))
    f = bytearray(write_tiff(None, small, 8))
    i = f.find(struct.pack("<HHIH", 259, SHORT, 1, 1))
    f[i + 8:i + 10] = struct.pack("<H", 12345)
    bad("compression", bytes(f))
    f = bytearray(write_tiff(None, gray8[:4, :4], 8))
    i = f.find(struct.pack("<HHIH", 258, SHORT, 1, 8))
    f[i + 8:i + 10] = struct.pack("<H", 12)
    bad("bits12", bytes(f))
    bad("header_trunc", b"II*\x00\x08\x00")
    f = bytearray(write_tiff(None, small, 8))
    i = f.find(struct.pack("<HHIH", 262, SHORT, 1, 2))
    f[i + 8:i + 10] = struct.pack("<H", 6)
    bad("ycbcr", bytes(f))
    # Scenes read by window (rse_image_load_window_src), where the sides are
    # not bound by RSE_MAX_DIM: a width above 2^31 - 1; a 40000 x 40000
    # claim with one tile's offsets; a tile past the end of the file that a
    # window at the top left does not meet (only the window writer, which
    # copies every tile, finds it).
    tiled = write_tiff(None, rgbn8[:, :, :3], 8, tile=(16, 16), comp=8)
    f = bytearray(tiled)
    i = f.find(struct.pack("<HHII", 256, LONG, 1, 37))
    f[i + 8:i + 12] = struct.pack("<I", 3000000000)
    bad("scene_huge", bytes(f))
    f = bytearray(write_tiff(None, small, 8, tile=(16, 16), comp=8))
    i = f.find(struct.pack("<HHII", 256, LONG, 1, 5))
    f[i + 8:i + 12] = struct.pack("<I", 40000)
    i = f.find(struct.pack("<HHII", 257, LONG, 1, 4))
    f[i + 8:i + 12] = struct.pack("<I", 40000)
    bad("scene_claim", bytes(f))
    bad("tile_far_past_end", write_tiff(None, rgbn8[:, :, :3], 8, tile=(16, 16), comp=8,
                                        counts_fix=lambda o, c: (o[:5] + [o[5] + 100000], c)))
    # Seeds of the tiff fuzz target (tests/fuzz/targets.h): an options
    # byte, then the file; the small fixtures and the corrupt files.
    seeds = os.path.join(ROOT, "tests", "fuzz", "corpus", "tiff")
    os.makedirs(seeds, exist_ok=True)
    opts = [0, 1 | (3 << 2), 2 | (3 << 2) | (2 << 4) | (1 << 6)]   # default; band 4; bands 4,3,2
    for i, name in enumerate(sorted(os.listdir(FIX)) + sorted(os.listdir(BAD))):
        path = os.path.join(FIX if not name.startswith("tiff_") else BAD, name)
        if not name.endswith(".tif") or os.path.getsize(path) > 4096:
            continue
        with open(path, "rb") as fh, open(os.path.join(seeds, name[:-4]), "wb") as out:
            out.write(bytes([opts[i % 3]]) + fh.read())
    print("wrote", len(os.listdir(FIX)), "fixture files and", len([x for x in os.listdir(BAD) if x.startswith("tiff_")]),
          "corrupt TIFFs")


if __name__ == "__main__":
    main()
