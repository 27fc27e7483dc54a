#!/usr/bin/env python3
"""Writes the seed files of the fuzz corpora that need Python to make
(torch.save archives, pickles, safetensors, gzip/zlib/deflate streams, zips,
vocabulary heads, prompt files, ROI strings). The seeds that rsedit itself
writes (SinDDM checkpoints, masks, PNG inputs) come from make_seeds.c.

Developer tool only (Debian's python3-torch); from the repository root:
    /usr/bin/python3 tests/fuzz/make_seeds.py
Each seed is small (< 64 KB); names say what they are. Corrupt variants are
made by cutting or patching valid ones.
"""
import gzip
import io
import json
import os
import pickle
import struct
import zipfile
import zlib

import torch

C = "tests/fuzz/corpus"


def put(target, name, data):
    d = os.path.join(C, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    assert len(data) < 65536, (target, name, len(data))
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def tsave(obj):
    b = io.BytesIO()
    torch.save(obj, b)
    return b.getvalue()


# ---- torch.save archives (also zip and pickle seeds) -----------------------
torch.manual_seed(0)
sd = {
    "w": torch.randn(3, 4),
    "h": torch.randn(5).half(),
    "b": torch.randn(2, 2).bfloat16(),
    "i": torch.arange(6, dtype=torch.int64).reshape(2, 3),
    "s": torch.tensor(1.5),
    "t": torch.randn(4, 3).t(),             # strided view
    "o": torch.randn(10)[3:7],              # storage offset
}
torch_seeds = {
    "plain.pt": tsave(sd),
    "ema.pt": tsave({"ema": {"denoise_fn.x": torch.randn(2, 2)}, "model": {}, "step": 3}),
    "state_dict.pt": tsave({"state_dict": {"module.a": torch.ones(2)}, "epoch": 1}),
    "shared.pt": tsave({"a": sd["w"], "b": sd["w"][1]}),
    "f64_i8.pt": tsave({"d": torch.randn(3).double(), "c": torch.tensor([1, -2], dtype=torch.int8),
                        "u": torch.tensor([1, 2], dtype=torch.uint8), "q": torch.tensor([True, False])}),
    "empty_tensor.pt": tsave({"e": torch.zeros(0, 3)}),
    "proto4.pt": tsave({"x": torch.randn(2)}) if False else None,
}
b = io.BytesIO()
torch.save({"x": torch.randn(2), "y": [1, 2.5, "s", None, True]}, b, pickle_protocol=4)
torch_seeds["proto4.pt"] = b.getvalue()
# the legacy (non-zip) format: refused with a message
b = io.BytesIO()
torch.save({"x": torch.randn(2)}, b, _use_new_zipfile_serialization=False)
torch_seeds["legacy.pt"] = b.getvalue()
for n, d in torch_seeds.items():
    put("torch", n, d)
put("torch", "trunc_half.pt", torch_seeds["plain.pt"][: len(torch_seeds["plain.pt"]) // 2])
bad = bytearray(torch_seeds["plain.pt"])
bad[len(bad) // 3] ^= 0x40
put("torch", "flipped.pt", bytes(bad))

# the pickle inside, alone
with zipfile.ZipFile(io.BytesIO(torch_seeds["plain.pt"])) as z:
    pk = [n for n in z.namelist() if n.endswith("data.pkl")][0]
    put("pickle", "torch_data.pkl", z.read(pk))
with zipfile.ZipFile(io.BytesIO(torch_seeds["proto4.pt"])) as z:
    pk = [n for n in z.namelist() if n.endswith("data.pkl")][0]
    put("pickle", "torch_data_p4.pkl", z.read(pk))

# ---- pickles -----------------------------------------------------------------
objs = {
    "dict_p2.pkl": ({"a": 1, "b": [1, 2, 3], "c": (1.5, "x", None, True, False)}, 2),
    "nested_p4.pkl": ({"k%d" % i: {"v": [i, -i, 2 ** 40, -2 ** 70]} for i in range(5)}, 4),
    "bytes_p3.pkl": ({"b": b"\x00\x01", "s": "\u00e9\u4e2d", "l": ["x"] * 3}, 3),
    "tuple_sizes_p2.pkl": (((), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)), 2),
    "p0_text.pkl": ({"a": [1, 2.0, "s"]}, 0),
    "p5.pkl": ({"z": 1}, 5),
}
for n, (o, p) in objs.items():
    put("pickle", n, pickle.dumps(o, protocol=p))
lst = []
lst.append(lst)
put("pickle", "self_list.pkl", pickle.dumps(lst, protocol=2))
# hostile: a global that is not whitelisted, REDUCE of it
put("pickle", "os_system.pkl", b"\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.")
put("pickle", "deep_marks.pkl", b"\x80\x02" + b"(" * 3000 + b"t" * 3000 + b".")
put("pickle", "deep_lists.pkl", b"\x80\x02" + b"]" * 2000 + b"a" * 1999 + b".")
put("pickle", "memo_big_index.pkl", b"\x80\x02]r\xff\xff\xff\x7fh\x00.")
put("pickle", "collections_od.pkl", b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01X\x01\x00\x00\x00aK\x01s.")

# ---- zips ----------------------------------------------------------------------
def mkzip(entries, compression=zipfile.ZIP_STORED, force64=False, comment=b""):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", compression=compression) as z:
        for n, d in entries:
            with z.open(n, "w", force_zip64=force64) as f:
                f.write(d)
        z.comment = comment
    return b.getvalue()


ents = [("arch/data.pkl", b"\x80\x02}q\x00."), ("arch/data/0", b"\x01" * 64), ("arch/version", b"3\n")]
put("zip", "stored.zip", mkzip(ents))
put("zip", "deflated.zip", mkzip(ents, zipfile.ZIP_DEFLATED))
put("zip", "zip64.zip", mkzip(ents, force64=True))
put("zip", "comment.zip", mkzip(ents, comment=b"PK\x05\x06 inside comment"))
put("zip", "torch.zip", torch_seeds["shared.pt"])
z = mkzip(ents)
put("zip", "trunc_eocd.zip", z[:-5])
put("zip", "trunc_cd.zip", z[: len(z) // 2] + z[-22:])
bad = bytearray(mkzip(ents, zipfile.ZIP_DEFLATED))
bad[40] ^= 0xFF
put("zip", "bad_data.zip", bytes(bad))
put("zip", "dup_names.zip", mkzip([("a/x", b"1"), ("a/y", b"2")]).replace(b"a/y", b"a/x"))

# ---- safetensors ------------------------------------------------------------
def st(tensors, meta=None, pad=0):
    hdr, data, off = {}, b"", 0
    for name, (dt, shape, raw) in tensors.items():
        hdr[name] = {"dtype": dt, "shape": shape, "data_offsets": [off, off + len(raw)]}
        data += raw
        off += len(raw)
    if meta is not None:
        hdr["__metadata__"] = meta
    h = json.dumps(hdr).encode() + b" " * pad
    return struct.pack("<Q", len(h)) + h + data


f32 = lambda *v: struct.pack("<%df" % len(v), *v)
put("safetensors", "basic.safetensors", st({"a": ("F32", [2, 2], f32(1, 2, 3, 4)), "b": ("F16", [3], b"\x00\x3c" * 3)}))
put("safetensors", "meta.safetensors", st({"x\u00e9\\n": ("BF16", [1], b"\x80\x3f")}, {"format": "pt", "k": "v\"q"}, pad=5))
put("safetensors", "ints.safetensors", st({"i": ("I64", [2], struct.pack("<2q", 1, -1)), "u": ("U8", [2], b"\x01\x02"),
                                           "bo": ("BOOL", [1], b"\x01"), "d": ("F64", [], struct.pack("<d", 2.0)),
                                           "z": ("F32", [0, 4], b"")}))
put("safetensors", "overlap.safetensors", st({"a": ("F32", [1], f32(1))}).replace(b"[0, 4]", b"[0, 8]"))
put("safetensors", "bad_dtype.safetensors", st({"a": ("Q8", [1], b"\x01")}))
s = st({"a": ("F32", [2, 2], f32(1, 2, 3, 4))})
put("safetensors", "trunc.safetensors", s[:-3])
put("safetensors", "escape.safetensors", st({"\\ud83d\\ude00 a": ("F32", [1], f32(1))}).replace(b"\\\\ud83d\\\\ude00", b"\\ud83d\\ude00"))

# ---- gzip / zlib / deflate ----------------------------------------------------
text = ("#version: 0.2\ni n\nt h\na n\nr e\n" * 40).encode()
put("gzip", "text.gz", gzip.compress(text, 9))
put("gzip", "stored.gz", gzip.compress(text, 0))
put("gzip", "two_members.gz", gzip.compress(b"abc", 6) + gzip.compress(b"def" * 50, 1))
put("gzip", "zlib9.z", zlib.compress(text, 9))
put("gzip", "zlib0.z", zlib.compress(text, 0))
co = zlib.compressobj(9, zlib.DEFLATED, -15)
put("gzip", "raw_dynamic.deflate", co.compress(bytes(range(256)) * 8 + text) + co.flush())
co = zlib.compressobj(1, zlib.DEFLATED, -15, 9, zlib.Z_FIXED)
put("gzip", "raw_fixed.deflate", co.compress(text) + co.flush())
# a gzip header with FEXTRA, FNAME, FCOMMENT and FHCRC
body = zlib.compressobj(6, zlib.DEFLATED, -15)
payload = body.compress(b"hello hello hello") + body.flush()
hdr = b"\x1f\x8b\x08\x1e" + b"\x00" * 4 + b"\x00\x03" + b"\x04\x00ab12" + b"name\x00" + b"comment\x00"
hdr += struct.pack("<H", zlib.crc32(hdr) & 0xFFFF)
put("gzip", "all_flags.gz", hdr + payload + struct.pack("<II", zlib.crc32(b"hello hello hello"), 17))
g = gzip.compress(text, 9)
put("gzip", "trunc.gz", g[:-6])
put("gzip", "bad_crc.gz", g[:-8] + b"\x00\x00\x00\x00" + g[-4:])

# ---- vocab heads (completed with a synthetic tail by the target) ---------------
put("vocab", "head.txt", "#version: 0.2\ni n\nt h\na n\nr e\no u\n")
put("vocab", "head_eow.txt", "#version: 0.2\nt h</w>\n\u0120 t\nth e</w>\n")
put("vocab", "bad_line.txt", "#version: 0.2\nabc\n")
put("vocab", "dup.txt", "#version: 0.2\ni n\ni n\n")
put("vocab", "bad_utf8.txt", b"#version: 0.2\n\xff\xfe x\n")
put("vocab", "long_line.txt", "#version: 0.2\n" + "a" * 300 + " b\n")
put("vocab", "head.txt.gz", gzip.compress(b"#version: 0.2\ni n\n", 9))

# ---- prompts ---------------------------------------------------------------------
put("prompts", "basic.txt", "# fires\na fire in the forest\n\n  smoke over the trees  \r\n#x\nburnt area\n")
put("prompts", "utf8.txt", "caf\u00e9 &amp; \u03a3\u03a3 na\u00efve\n\u4e2d\u6587\u63d0\u793a\n\U0001F525 fire\n")
put("prompts", "comments_only.txt", "# a\n#b\n\n")
put("prompts", "nul.txt", b"ok\nbad\x00line\n")
put("prompts", "long.txt", "x" * 1100 + "\n")
put("prompts", "many.txt", "p\n" * 1030)
put("prompts", "no_newline.txt", "single prompt")

# ---- ROI strings (NUL separated) ---------------------------------------------
put("roi", "valid.txt", b"64x48+10+5\x0010x10+0+0\x001x1+96+60\x0097x61+0+0")
put("roi", "edge.txt", b"10x10+90+0\n0x5+1+1\n5X5+3+3\n999999999x1+0+0\n1x1+-1+0\n10x10+1+2+3\n")
put("roi", "junk.txt", b"x+\x00+++\x00abc\x001234567890x1+0+0\x00 1x1+0+0")
print("ok")

# ---- reference SinDDM checkpoints (import target) ---------------------------
# From the test fixture (trained on tests/fixtures/sinddm/ckpt_image.ppm):
# only the 'ema' dict, weights in float16 and only the gammas among the
# buffers (the others are optional), which keeps the file under 64 KB.
ref = torch.load("tests/fixtures/sinddm/ckpt_ref.pt", weights_only=False)["ema"]
small = {k: (v.half() if k.startswith("denoise_fn.") else v) for k, v in ref.items()
         if k.startswith("denoise_fn.") or k == "gammas"}
put("import", "ema_f16.pt", tsave({"ema": small}))
put("import", "ema_bf16_betas.pt", tsave({"ema": dict(
    {k: (v.bfloat16() if k.startswith("denoise_fn.") else v) for k, v in small.items()}, betas=ref["betas"])}))
odd = dict(small)
odd["denoise_fn.l2.net.0.weight"] = odd["denoise_fn.l2.net.0.weight"][:, :3]
put("import", "bad_shape.pt", tsave({"ema": odd}))
odd = dict(small)
del odd["gammas"]
odd["gammas"] = ref["gammas"][:, :50]
put("import", "bad_gammas.pt", tsave({"ema": odd}))
odd = {k: v for k, v in small.items() if not k.endswith("bias")}
put("import", "missing.pt", tsave({"ema": odd}))
put("import", "no_ema.pt", tsave({"model": {"x": torch.ones(1)}}))
print("import seeds ok")
