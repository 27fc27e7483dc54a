#!/usr/bin/python3
"""Writes the JPEG fixtures of tests/test_jpeg.c and the corrupt JPEGs.

    /usr/bin/python3 tools/make_jpeg_fixtures.py      (from the repo root)

tests/fixtures/jpeg/NAME.jpg, each with NAME.txt: a first line "W H C",
then the samples Pillow (9.4, libjpeg-turbo: islow IDCT, fancy upsampling)
decodes, planar (channel, row, column), one row a line. The C test
compares rsedit's decode with them (round(v * 255)) and states the largest
and mean difference.

Sizes are small and odd (17x13, 33x21, ...) so that MCUs are partial.
Pillow writes 4:4:4, 4:2:2 and 4:2:0 (subsampling=0/1/2), gray and
progressive files. The rest is made from them:
  - restart markers: jpegtran -restart (libjpeg-turbo-progs; Pillow 9.4
    has no option for them); skipped with a note if jpegtran is missing.
    jpegtran copies the coefficients, so the pixels stay Pillow's decode.
  - 4:4:0 (Pillow cannot write it): a 4:2:2 file whose luma sampling
    factors are changed from 2x1 to 1x2 and whose width and height are
    swapped. An MCU still holds 2 luma blocks, Cb and Cr, and the MCU grid
    has the same count, so the entropy data stays valid; the picture is
    scrambled but it is a well-formed 4:4:0 file that Pillow decodes.
  - Adobe APP14 in place of the JFIF APP0, transform 0 (the components
    are RGB as stored) and 1 (YCbCr); no JFIF/Adobe at all with component
    ids 'R','G','B' (libjpeg then takes RGB) and with 1,2,3 (YCbCr).

tests/corrupt/jpeg_*.jpg: hostile files, listed with their expected errors
in tests/corrupt/expected.tsv (rows appended by hand).
"""
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "tests", "fixtures", "jpeg")
BAD = os.path.join(ROOT, "tests", "corrupt")
SEEDS = os.path.join(ROOT, "tests", "fuzz", "corpus", "jpeg")


def picture(w, h, seed):
    """Smooth colour gradients, a few hard edges and some noise: enough
    chroma detail for subsampling and the IDCT to matter."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 128 + 100 * np.sin(x / 3.0 + seed) * np.cos(y / 4.0)
    g = 255 * x / max(w - 1, 1)
    b = np.where((x // 5 + y // 4) % 2 == 0, 230.0, 25.0)
    a = np.stack([r, g, b], axis=-1) + rng.normal(0, 18, (h, w, 3))
    return np.clip(a, 0, 255).astype(np.uint8)


def encode(arr, **kw):
    out = io.BytesIO()
    mode = "L" if arr.ndim == 2 else "RGB"
    Image.fromarray(arr, mode).save(out, "JPEG", **kw)
    return out.getvalue()


# ---- marker surgery ------------------------------------------------------

def segments(data):
    """[(marker, payload)] up to and including SOS, then the rest (entropy
    data onwards) as the payload of a pseudo-marker None."""
    assert data[:2] == b"\xff\xd8"
    segs, p = [], 2
    while True:
        assert data[p] == 0xFF
        m = data[p + 1]
        n = struct.unpack(">H", data[p + 2:p + 4])[0]
        segs.append((m, data[p + 4:p + 2 + n]))
        p += 2 + n
        if m == 0xDA:
            segs.append((None, data[p:]))
            return segs


def join(segs):
    out = bytearray(b"\xff\xd8")
    for m, pay in segs:
        if m is None:
            out += pay
        else:
            out += bytes([0xFF, m]) + struct.pack(">H", len(pay) + 2) + pay
    return bytes(out)


def replace(segs, marker, fn):
    return [(m, fn(p) if m == marker else p) for m, p in segs]


def adobe(transform):
    return b"Adobe" + struct.pack(">HHHB", 100, 0, 0, transform)


def decode(data):
    im = Image.open(io.BytesIO(data))
    im.load()
    a = np.asarray(im)
    if a.ndim == 2:
        return a[None, :, :]
    return np.transpose(a, (2, 0, 1))


def jpegtran(data, *args):
    exe = shutil.which("jpegtran")
    if not exe:
        return None
    return subprocess.run([exe] + list(args), input=data, stdout=subprocess.PIPE, check=True).stdout


def write_fixture(name, data):
    planes = decode(data)
    c, h, w = planes.shape
    with open(os.path.join(FIX, name + ".jpg"), "wb") as f:
        f.write(data)
    with open(os.path.join(FIX, name + ".txt"), "w") as f:
        f.write("%d %d %d\n" % (w, h, c))
        for ch in range(c):
            for row in range(h):
                f.write(" ".join(str(int(v)) for v in planes[ch, row]) + "\n")


def to_440(data422, w, h):
    """A 4:2:2 file (luma 2x1) relabelled 4:4:0 (luma 1x2) of size h x w."""
    segs = segments(data422)

    def sof(p):
        p = bytearray(p)
        assert p[7] == 0x21
        p[7] = 0x12
        p[1:5] = struct.pack(">HH", h, w)   # SOF order: height, width
        return bytes(p)
    return join(replace(segs, 0xC0, sof))


def main():
    os.makedirs(FIX, exist_ok=True)
    os.makedirs(SEEDS, exist_ok=True)
    made = {}
    for (w, h, seed) in ((17, 13, 1), (33, 21, 2), (8, 8, 3), (2, 3, 4)):
        rgb = picture(w, h, seed)
        gray = rgb[:, :, 1]
        sz = "%dx%d" % (w, h)
        for ss, tag in ((0, "444"), (1, "422"), (2, "420")):
            made["s%s_%s" % (tag, sz)] = encode(rgb, quality=90, subsampling=ss)
            made["p%s_%s" % (tag, sz)] = encode(rgb, quality=75, subsampling=ss, progressive=True)
        made["gray_" + sz] = encode(gray, quality=85)
        made["pgray_" + sz] = encode(gray, quality=60, progressive=True)
    # low quality: large coefficients, more clamping after the IDCT
    made["s420_q20_33x21"] = encode(picture(33, 21, 5), quality=20, subsampling=2)
    made["s444_q100_17x13"] = encode(picture(17, 13, 6), quality=100, subsampling=0)
    # 4:4:0 from 4:2:2 (see the docstring)
    made["s440_13x17"] = to_440(made["s422_17x13"], 13, 17)
    made["s440_21x33"] = to_440(made["s422_33x21"], 21, 33)
    # colour transforms
    base = segments(made["s444_17x13"])
    no_app0 = [(m, p) for m, p in base if m != 0xE0]
    made["adobe0_17x13"] = join([(0xEE, adobe(0))] + no_app0)
    made["adobe1_17x13"] = join([(0xEE, adobe(1))] + no_app0)
    made["noapp_17x13"] = join(no_app0)

    def rgb_ids(p, first):
        p = bytearray(p)
        ids = b"RGB"
        for k in range(3):
            p[first + (3 if first == 6 else 2) * k] = ids[k]
        return bytes(p)
    rgb_segs = replace(no_app0, 0xC0, lambda p: rgb_ids(p, 6))
    rgb_segs = replace(rgb_segs, 0xDA, lambda p: rgb_ids(p, 1))
    made["rgbids_17x13"] = join(rgb_segs)
    # restart markers and a progressive file from jpegtran
    rst = {
        "rst1_420_33x21": (made["s420_33x21"], ("-restart", "1B")),
        "rst2_444_33x21": (made["s444_33x21"], ("-restart", "2B")),
        "rst1row_gray_33x21": (made["gray_33x21"], ("-restart", "1")),
        "rst1_p420_33x21": (made["s420_33x21"], ("-progressive", "-restart", "1B")),
        "rst3_p422_17x13": (made["s422_17x13"], ("-progressive", "-restart", "3B")),
    }
    for name, (src, args) in rst.items():
        out = jpegtran(src, *args)
        if out is None:
            print("jpegtran not found (apt-get install libjpeg-turbo-progs): no %s" % name)
            continue
        made[name] = out
    for name, data in sorted(made.items()):
        write_fixture(name, data)
    print("%d fixtures in %s" % (len(made), FIX))
    for name in ("s420_17x13", "p420_33x21", "gray_17x13", "s440_13x17", "adobe0_17x13", "rst1_p420_33x21"):
        if name in made:
            with open(os.path.join(SEEDS, name), "wb") as f:
                f.write(made[name])

    # ---- corrupt files -------------------------------------------------
    def bad(name, data):
        with open(os.path.join(BAD, "jpeg_" + name + ".jpg"), "wb") as f:
            f.write(data)

    good = made["s420_17x13"]
    segs = segments(good)

    def sof_patch(off, val, fmt=">H"):
        def f(p):
            p = bytearray(p)
            p[off:off + struct.calcsize(fmt)] = struct.pack(fmt, val)
            return bytes(p)
        return f
    bad("bomb_60000", join(replace(segs, 0xC0, lambda p: sof_patch(3, 60000)(sof_patch(1, 60000)(p)))))
    bad("bomb_16000", join(replace(segs, 0xC0, lambda p: sof_patch(3, 16000)(sof_patch(1, 16000)(p)))))
    bad("trunc_scan", good[:len(good) - 100])
    bad("no_eoi", good[:-2])
    bad("arith", join([(0xC9 if m == 0xC0 else m, p) for m, p in segs]))
    bad("lossless", join([(0xC3 if m == 0xC0 else m, p) for m, p in segs]))
    bad("hier", join([(0xC5 if m == 0xC0 else m, p) for m, p in segs]))
    bad("bits12", join(replace(segs, 0xC0, lambda p: b"\x0c" + p[1:])))
    bad("no_dht", join([(m, p) for m, p in segs if m != 0xC4]))
    bad("no_dqt", join([(m, p) for m, p in segs if m != 0xDB]))
    bad("sos_compid", join(replace(segs, 0xDA, lambda p: p[:3] + b"\x09" + p[4:])))
    bad("sof_dup_id", join(replace(segs, 0xC0, lambda p: p[:9] + p[6:7] + p[10:])))
    bad("sof_sampling", join(replace(segs, 0xC0, lambda p: p[:7] + b"\x50" + p[8:])))

    def dht_over(p):
        # first table: 3 codes of length 1 (only 2 exist)
        p = bytearray(p)
        counts = list(p[1:17])
        total = sum(counts)
        counts = [3, 0] + [0] * 14
        return bytes([p[0]]) + bytes(counts) + bytes(p[17:17 + 3])
    first_dht = [i for i, (m, _) in enumerate(segs) if m == 0xC4][0]
    s2 = list(segs)
    s2[first_dht] = (0xC4, dht_over(segs[first_dht][1]))
    bad("dht_oversubscribed", join(s2))
    s2 = list(segs)
    p = bytearray(segs[first_dht][1])
    p[16] = 200   # 200 codes of length 16: more than the segment holds
    s2[first_dht] = (0xC4, bytes(p))
    bad("dht_counts", join(s2))
    # a DC table (class 0) whose symbol is 16
    s2 = list(segs)
    s2[first_dht] = (0xC4, bytes([0x00]) + bytes([1] + [0] * 15) + b"\x10")
    bad("dht_dc_symbol", join(s2))
    # a segment whose length runs past the end of the file
    bad("marker_past_end", good[:2] + b"\xff\xe1\x40\x00" + b"x" * 20)
    bad("sof_trunc", join(replace(segs, 0xC0, lambda p: p[:8])))
    bad("cmyk", encode_cmyk())
    # progressive: a DC scan with Se != 0, a refinement by two bits
    prog = made["p420_17x13"]
    bad("prog_spectral", patch_scan(prog, 0, lambda ss, se, ah, al: (ss, 5, ah, al)))
    bad("prog_approx", patch_scan(prog, 1, lambda ss, se, ah, al: (ss, se, 3, 0) if ss > 0 else (ss, se, ah, al)))
    bad("prog_ac_first", patch_first_scan_ac(made["pgray_17x13"]))
    if "rst1_420_33x21" in made:
        d = bytearray(made["rst1_420_33x21"])
        k = d.index(b"\xff\xd1")
        d[k + 1] = 0xD3
        bad("rst_wrong", bytes(d))
    print("corrupt JPEGs in %s" % BAD)


def encode_cmyk():
    out = io.BytesIO()
    Image.new("CMYK", (9, 7), (10, 20, 30, 40)).save(out, "JPEG")
    return out.getvalue()


def scans(data):
    """Offsets of the SOS payloads of a (progressive) file."""
    offs, p = [], 2
    while p < len(data) - 1:
        if data[p] == 0xFF and data[p + 1] == 0xDA:
            offs.append(p + 4)
            p += 2
        else:
            p += 1
    return offs


def patch_scan(data, which, fn):
    """Rewrites Ss, Se, Ah/Al of scan `which` (0-based) through fn."""
    d = bytearray(data)
    off = scans(data)[which]
    ns = d[off]
    q = off + 1 + 2 * ns
    ss, se, ah, al = fn(d[q], d[q + 1], d[q + 2] >> 4, d[q + 2] & 15)
    d[q], d[q + 1], d[q + 2] = ss, se, ah << 4 | al
    return bytes(d)


def patch_first_scan_ac(data):
    """The first scan made an AC band (1..5) of one component."""
    d = bytearray(data)
    off = scans(data)[0]
    ns = d[off]
    q = off + 1 + 2 * ns
    d[q], d[q + 1], d[q + 2] = 1, 5, 0
    return bytes(d)


if __name__ == "__main__":
    sys.exit(main())
