#!/usr/bin/env python3
"""Writes the PNG reader's fixtures (developer tool; the build and the tests
never run it, they read the files it wrote). Run from the repository root:

    /usr/bin/python3 tools/make_png_fixtures.py

  tests/fixtures/png/*.png       small valid PNGs: every colour type x bit
                                 depth, interlaced (Adam7) and not, every
                                 filter type, palettes with tRNS, IDAT split
                                 into many chunks, ancillary chunks
  tests/fixtures/png/expected.txt  Pillow's decoded samples of each
  tests/fixtures/png/corrupt.tsv   file <TAB> status <TAB> message substring
                                 for tests/corrupt/png_*.png (one problem each)
  tests/fuzz/corpus/pngread/     a few of the valid files as fuzz seeds

The PNGs are encoded here, by hand (zlib + struct), since Pillow cannot
write Adam7, 16-bit RGB, 2-bit gray or a chosen filter per row; Pillow then
DECODES each one, and its values are the reference. expected.txt holds, per
file:

    png NAME W H C DEPTH BITS
    pil v v v ...      Pillow's samples, pixel by pixel, C per pixel, as
                       integers of BITS bits
    src v v v ...      the samples this script encoded, at DEPTH bits (8
                       for palette images: the palette's RGB)

C is the channels rsedit keeps (1 gray, 3 colour; alpha dropped). BITS is
DEPTH except where Pillow reduces: 16-bit RGB, RGBA and gray+alpha open in
8-bit modes (Pillow 9.4 keeps 16 bits only for plain gray, mode "I"), so
their BITS is 8 and pil is what Pillow gives (the high byte of each sample,
checked below); 1-, 2- and 4-bit gray open as "1"/"L" scaled to 0..255,
which is mapped back here to 0..2^d-1 (asserting it divides exactly).
The script asserts pil == src at BITS precision for every file, so the
test's exact comparison with pil also pins the full-depth src.
"""
import os
import struct
import zlib

import numpy as np
from PIL import Image

FIX = "tests/fixtures/png"
CORRUPT = "tests/corrupt"
SEEDS = "tests/fuzz/corpus/pngread"

SIG = b"\x89PNG\r\n\x1a\n"
SPP = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
         (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(typ, data):
    return struct.pack(">I", len(data)) + typ + data + struct.pack(">I", zlib.crc32(typ + data) & 0xFFFFFFFF)


def pack_row(samples, depth):
    """One row of samples (ints) as PNG bytes: big-endian 16-bit, bytes, or
    packed MSB first."""
    if depth == 16:
        return b"".join(struct.pack(">H", int(v)) for v in samples)
    if depth == 8:
        return bytes(int(v) for v in samples)
    out, acc, nb = bytearray(), 0, 0
    for v in samples:
        acc = acc << depth | int(v)
        nb += depth
        if nb == 8:
            out.append(acc)
            acc, nb = 0, 0
    if nb:
        out.append(acc << (8 - nb))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_row(row, prev, bpp, f):
    out = bytearray(len(row))
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i] if prev is not None else 0
        c = prev[i - bpp] if prev is not None and i >= bpp else 0
        pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][f]
        out[i] = (row[i] - pred) & 255
    return bytes([f]) + bytes(out)


def encode(px, depth, ctype, interlace=0, filters=None, palette=None, trns=None,
           idat_split=0, extra=(), level=9):
    """px: (h, w, spp) ints at `depth`. filters: list cycled over the rows
    (of every pass), default None = cycle 0..4."""
    h, w, spp = px.shape
    bpp = max(1, spp * depth // 8)
    filters = filters or [0, 1, 2, 3, 4]
    raw, k = bytearray(), 0
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        sub = px[y0::dy, x0::dx]
        if sub.shape[0] == 0 or sub.shape[1] == 0:
            continue
        prev = None
        for r in sub:
            row = pack_row(r.reshape(-1), depth)
            raw += filter_row(row, prev, bpp, filters[k % len(filters)])
            k += 1
            prev = row
    z = zlib.compress(bytes(raw), level)
    out = SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace))
    for typ, data in extra:
        out += chunk(typ, data)
    if palette is not None:
        out += chunk(b"PLTE", bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    if idat_split:
        for i in range(0, len(z), idat_split):
            out += chunk(b"IDAT", z[i:i + idat_split])
    else:
        out += chunk(b"IDAT", z)
    return out + chunk(b"IEND", b"")


def image(w, h, spp, depth, seed):
    """Smooth ramps plus noise: every level range is used, and the files stay
    small (deflate finds the structure)."""
    rng = np.random.default_rng(seed)
    top = (1 << depth) - 1
    yy, xx = np.mgrid[0:h, 0:w]
    out = np.zeros((h, w, spp), dtype=np.int64)
    for k in range(spp):
        base = (xx * (k + 1) * 37 + yy * 53 + k * 11) % 256
        if depth == 16:         # high AND low bytes vary (Pillow keeps only the high one)
            out[:, :, k] = np.clip(base * 257 + rng.integers(-300, 301, size=(h, w)), 0, top)
        elif depth == 8:
            out[:, :, k] = np.clip(base + rng.integers(-3, 4, size=(h, w)), 0, top)
        else:
            out[:, :, k] = rng.integers(0, top + 1, size=(h, w))
    out[0, 0, :] = 0            # the extremes, so 0 and 1.0 are both met
    out[-1, -1, :] = top
    return out


def pillow_samples(path, ctype, depth):
    """Pillow's decoding, as (values at BITS, BITS), pixel-interleaved, alpha
    dropped."""
    im = Image.open(path)
    im.load()
    mode = im.mode
    if ctype == 3:
        a = np.asarray(im.convert("RGB"), dtype=np.int64)
        return a.reshape(-1), 8
    a = np.asarray(im, dtype=np.int64)
    if mode == "1":
        a = a.astype(np.int64)          # bool -> 0/1
        return a.reshape(-1), 1
    if ctype == 0:
        if depth < 8:
            assert mode == "L", mode
            s = 255 // ((1 << depth) - 1)
            assert (a % s == 0).all()
            return (a // s).reshape(-1), depth
        if depth == 16:
            assert mode in ("I", "I;16"), mode
            return a.reshape(-1), 16
        assert mode == "L", mode
        return a.reshape(-1), 8
    if ctype == 4:
        # 8-bit opens as "LA"; 16-bit as "RGBA" with R = G = B (Pillow 9.4)
        assert mode in ("LA", "RGBA"), mode
        if mode == "RGBA":
            assert (a[:, :, 0] == a[:, :, 1]).all() and (a[:, :, 0] == a[:, :, 2]).all()
        return a[:, :, 0].reshape(-1), 8
    assert mode in ("RGB", "RGBA"), mode
    return a[:, :, :3].reshape(-1), 8


valid = []   # (name, bytes, ctype, depth, src pixels (h, w, C) at DEPTH or palette RGB)


def add(name, data, ctype, depth, src):
    valid.append((name, data, ctype, depth, src))


def main():
    os.makedirs(FIX, exist_ok=True)
    os.makedirs(CORRUPT, exist_ok=True)
    os.makedirs(SEEDS, exist_ok=True)
    combos = [(0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16),
              (3, 1), (3, 2), (3, 4), (3, 8), (4, 8), (4, 16), (6, 8), (6, 16)]
    seed = 1
    for ctype, depth in combos:
        for interlace, (w, h) in ((0, (7, 5)), (1, (13, 11))):
            seed += 1
            spp = SPP[ctype]
            name = "c%d_d%d%s.png" % (ctype, depth, "_i" if interlace else "")
            if ctype == 3:
                n = min(1 << depth, 200)
                rng = np.random.default_rng(seed)
                pal = rng.integers(0, 256, size=(n, 3))
                idx = image(w, h, 1, depth, seed) % n
                data = encode(idx, depth, 3, interlace, palette=pal)
                add(name, data, 3, depth, pal[idx[:, :, 0]])
            else:
                px = image(w, h, spp, depth, seed)
                data = encode(px, depth, ctype, interlace)
                keep = 1 if ctype in (0, 4) else 3
                add(name, data, ctype, depth, px[:, :, :keep])
    # each filter type forced on every row, 8- and 16-bit RGB
    for f in range(5):
        px = image(13, 11, 3, 8, 100 + f)
        add("filter%d_rgb8.png" % f, encode(px, 8, 2, 0, filters=[f]), 2, 8, px)
        px = image(7, 5, 4, 16, 110 + f)
        add("filter%d_rgba16_i.png" % f, encode(px, 16, 6, 1, filters=[f]), 6, 16, px[:, :, :3])
    # palettes with tRNS (alpha dropped: the palette's colour is kept)
    rng = np.random.default_rng(7)
    pal = rng.integers(0, 256, size=(16, 3))
    idx = image(13, 11, 1, 4, 8)
    add("pal4_trns_i.png", encode(idx, 4, 3, 1, palette=pal, trns=bytes([0, 128, 255, 7])), 3, 4, pal[idx[:, :, 0]])
    pal = rng.integers(0, 256, size=(3, 3))
    idx = image(7, 5, 1, 2, 9) % 3
    add("pal2_trns.png", encode(idx, 2, 3, 0, palette=pal, trns=bytes([0, 0, 0])), 3, 2, pal[idx[:, :, 0]])
    # gray and RGB with tRNS (a colour key): pixels unchanged
    px = image(7, 5, 1, 16, 10)
    add("gray16_trns.png", encode(px, 16, 0, 0, trns=struct.pack(">H", int(px[1, 1, 0]))), 0, 16, px)
    px = image(7, 5, 3, 8, 11)
    add("rgb8_trns_i.png", encode(px, 8, 2, 1, trns=struct.pack(">HHH", 1, 2, 3)), 2, 8, px)
    # many IDAT chunks (the zlib stream split every 16 bytes, and every byte)
    px = image(13, 11, 3, 16, 12)
    add("idat16_rgb16_i.png", encode(px, 16, 2, 1, idat_split=16), 2, 16, px)
    px = image(7, 5, 1, 8, 13)
    add("idat1_gray8.png", encode(px, 8, 0, 0, idat_split=1), 0, 8, px)
    # ancillary chunks before and after PLTE, known and private: skipped
    px = image(7, 5, 3, 8, 14)
    extra = ((b"gAMA", struct.pack(">I", 45455)), (b"tEXt", b"Comment\0rsedit"), (b"prVt", b"\x00\x01\x02"),
             (b"sBIT", b"\x08\x08\x08"))
    add("ancillary_rgb8.png", encode(px, 8, 2, 0, extra=extra), 2, 8, px)
    # Adam7 on images smaller than the 8x8 block: empty passes
    for w, h in ((1, 1), (2, 1), (3, 2), (5, 9)):
        px = image(w, h, 1, 8, 20 + w * 10 + h)
        add("tiny_%dx%d_i.png" % (w, h), encode(px, 8, 0, 1), 0, 8, px)
        px = image(w, h, 1, 1, 40 + w * 10 + h)
        add("tiny_%dx%d_d1_i.png" % (w, h), encode(px, 1, 0, 1), 0, 1, px)
    # stored (level 0) and fixed-Huffman (level 1 on tiny data) deflate
    px = image(13, 11, 3, 8, 15)
    add("stored_rgb8.png", encode(px, 8, 2, 0, level=0), 2, 8, px)

    with open(os.path.join(FIX, "expected.txt"), "w") as ex:
        ex.write("# written by tools/make_png_fixtures.py (see it for the format)\n")
        for name, data, ctype, depth, src in valid:
            path = os.path.join(FIX, name)
            with open(path, "wb") as f:
                f.write(data)
            pil, bits = pillow_samples(path, ctype, depth)
            h, w, c = src.shape
            srcd = 8 if ctype == 3 else depth
            flat = src.reshape(-1)
            # Pillow at BITS equals what was encoded: the high bits of 16-bit
            # samples where it reduces (its "RGB;16B"-style unpackers take the
            # most significant byte), the samples themselves elsewhere.
            assert len(pil) == len(flat), name
            assert (pil == (flat >> (srcd - bits))).all(), (name, pil[:8], flat[:8])
            ex.write("png %s %d %d %d %d %d\n" % (name, w, h, c, srcd, bits))
            ex.write("pil " + " ".join(str(int(v)) for v in pil) + "\n")
            ex.write("src " + " ".join(str(int(v)) for v in flat) + "\n")
    for name in ("c0_d1_i.png", "c2_d16.png", "c3_d4_i.png", "c6_d8.png", "idat16_rgb16_i.png",
                 "pal2_trns.png", "tiny_3x2_d1_i.png", "ancillary_rgb8.png"):
        with open(os.path.join(FIX, name), "rb") as f:
            d = f.read()
        with open(os.path.join(SEEDS, name), "wb") as f:
            f.write(d)

    # corrupt files, one problem each
    px = image(7, 5, 3, 8, 50)
    good = encode(px, 8, 2, 0)
    ihdr_end = 8 + 25

    def with_idat(zdata, w=7, h=5, depth=8, ctype=2, interlace=0, pre=b""):
        return (SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace)) + pre
                + chunk(b"IDAT", zdata) + chunk(b"IEND", b""))

    # the image's rows with filter 0: noisy enough that a cut zlib stream
    # still passes the size check and fails in inflate
    raw = b"".join(b"\0" + bytes(int(v) for v in r.reshape(-1)) for r in px)
    bad_crc = bytearray(good)
    bad_crc[-12 - 4] ^= 0x55            # the last byte of the IDAT CRC
    idat_at = ihdr_end
    idat_len = struct.unpack(">I", good[idat_at:idat_at + 4])[0]
    deflate_bad = zlib.compress(raw)
    deflate_bad = deflate_bad[:2] + bytes([deflate_bad[2] | 0x06]) + deflate_bad[3:]  # block type 3
    zshort = zlib.compress(raw)[:-9]    # the stream ends early
    zadler = zlib.compress(raw)[:-1] + bytes([zlib.compress(raw)[-1] ^ 1])
    filt5 = zlib.compress(b"\0" + bytes(21) + b"\x05" + bytes(21) + raw[44:])
    pal2 = bytes([0, 0, 0, 255, 255, 255])
    idx_raw = b"\0\x01\x05"
    corrupt = [
        ("png_bad_crc.png", bytes(bad_crc), "BAD_FORMAT", "PNG chunk 'IDAT' CRC mismatch"),
        ("png_idat_trunc.png", good[:idat_at + 8 + idat_len // 2], "TRUNCATED", "PNG chunk 'IDAT' truncated"),
        ("png_zlib_short.png", with_idat(zshort), "TRUNCATED", "PNG image data: inflate: compressed data ends early"),
        ("png_zlib_btype.png", with_idat(deflate_bad), "BAD_FORMAT", "PNG image data: inflate: invalid block type 3"),
        ("png_zlib_header.png", with_idat(b"\x78\x00" + zlib.compress(raw)[2:]), "BAD_FORMAT", "PNG image data: zlib: header check failed"),
        ("png_adler.png", with_idat(zadler), "BAD_FORMAT", "PNG image data: zlib: Adler-32 mismatch"),
        ("png_filter.png", with_idat(filt5), "BAD_FORMAT", "bad PNG filter type 5 at row 1"),
        ("png_depth.png", with_idat(zlib.compress(raw), depth=4), "BAD_FORMAT", "bad PNG bit depth 4 for colour type 2"),
        ("png_ctype.png", with_idat(zlib.compress(raw), ctype=5), "BAD_FORMAT", "bad PNG colour type 5"),
        ("png_no_plte.png", with_idat(zlib.compress(idx_raw), w=2, h=1, ctype=3), "BAD_FORMAT", "PNG PLTE missing for a palette image"),
        ("png_pal_index.png", with_idat(zlib.compress(idx_raw), w=2, h=1, ctype=3, pre=chunk(b"PLTE", pal2)),
         "BAD_FORMAT", "PNG palette index 5 out of range (2 colours) at row 0 column 1"),
        ("png_60000.png", with_idat(zlib.compress(b"\0" * 100), w=60000, h=60000), "LIMIT", "width 60000 exceeds RSE_MAX_DIM"),
        ("png_bomb.png", with_idat(zlib.compress(b"\0" * 1000), w=16000, h=16000, depth=8, ctype=0),
         "TRUNCATED", "PNG image data too short"),
        ("png_too_much.png", with_idat(zlib.compress(raw + b"\0" * 22)), "BAD_FORMAT", "PNG image data inflates to more than the 110 bytes"),
        ("png_critical.png", with_idat(zlib.compress(raw), pre=chunk(b"ABCD", b"x")), "UNSUPPORTED", "unknown critical PNG chunk 'ABCD'"),
        ("png_no_iend.png", good[:-12], "TRUNCATED", "PNG ends before IEND"),
        ("png_no_idat.png", SIG + good[8:ihdr_end] + chunk(b"IEND", b""), "BAD_FORMAT", "PNG has no IDAT chunk"),
        ("png_sig.png", b"\x89PNG\n\x1a\n" + good[8:], "BAD_FORMAT", "bad PNG signature"),
        ("png_plte_gray.png", with_idat(zlib.compress(b"\0\0"), w=1, h=1, ctype=0, pre=chunk(b"PLTE", pal2)),
         "BAD_FORMAT", "PNG PLTE in a gray image"),
        ("png_interlace2.png", with_idat(zlib.compress(raw), interlace=2), "BAD_FORMAT", "bad PNG interlace method 2"),
    ]
    with open(os.path.join(FIX, "corrupt.tsv"), "w") as tsv:
        tsv.write("# file in tests/corrupt\tstatus\tsubstring of the message (after 'path: ')\n")
        for name, data, status, msg in corrupt:
            with open(os.path.join(CORRUPT, name), "wb") as f:
                f.write(data)
            tsv.write(f"{name}\t{status}\t{msg}\n")
    print("%d valid PNGs (%d bytes), %d corrupt" % (len(valid), sum(len(v[1]) for v in valid), len(corrupt)))


if __name__ == "__main__":
    main()
