#!/usr/bin/env python3
"""Writes tests/fixtures/ops.bin: PyTorch's forward outputs and input gradients
for each tensor op of tensor.h, on small random inputs, so `make test` can
check rsedit's ops against the reference without Python.

Developer tool only (Debian: apt-get install python3-torch python3-numpy).
Run from the repository root:  python3 tools/make_op_fixtures.py

Format (little-endian), read by tests/test_ops_torch.c:
  magic   8 bytes  b"RSEOPS1\\0"
  ncases  int32
  per case:
    name     int32 length + bytes
    ntensors int32
    per tensor: name (int32 length + bytes), nd int32, shape int32[nd],
                float32 data (row-major)
  Tensor names: "in0".."inK" inputs, "r" the direction, "out" the forward
  output, "gin0".."ginK" the gradients of sum(r * out) w.r.t. the inputs,
  "p" optional integer parameters stored as floats.
"""
import struct
import sys

import torch
import torch.nn.functional as F

torch.manual_seed(20261127)
cases = []


def add(name, fn, inputs, params=()):
    ins = [x.clone().double().requires_grad_(True) for x in inputs]
    # Compute in float64 so the fixture is the exact function; the C side is
    # float32, and the test states its tolerance against that.
    out = fn(*ins)
    r = torch.rand_like(out) * 2 - 1
    (out * r).sum().backward()
    tensors = [("in%d" % i, x.detach()) for i, x in enumerate(ins)]
    tensors += [("r", r), ("out", out.detach())]
    tensors += [("gin%d" % i, x.grad) for i, x in enumerate(ins)]
    if params:
        tensors.append(("p", torch.tensor(params, dtype=torch.float64)))
    cases.append((name, tensors))


def rnd(*shape):
    return torch.rand(*shape, dtype=torch.float64) * 2 - 1


# conv2d: plain, strided patch conv, grouped, depthwise 5x5, 1x1
add("conv3x3", lambda x, w, b: F.conv2d(x, w, b, stride=1, padding=1), [rnd(2, 4, 7, 6), rnd(6, 4, 3, 3), rnd(6)], (1, 1, 1))
add("conv_patch", lambda x, w: F.conv2d(x, w, None, stride=4, padding=0), [rnd(1, 3, 12, 8), rnd(5, 3, 4, 4)], (4, 0, 1))
add("conv_groups", lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2), [rnd(2, 4, 6, 5), rnd(6, 2, 3, 3), rnd(6)], (2, 1, 2))
add("conv_depthwise", lambda x, w, b: F.conv2d(x, w, b, stride=1, padding=2, groups=5), [rnd(1, 5, 6, 7), rnd(5, 1, 5, 5), rnd(5)], (1, 2, 5))
add("linear", lambda x, w, b: F.linear(x, w, b), [rnd(2, 3, 5), rnd(4, 5), rnd(4)])
add("matmul", lambda a, b: a @ b, [rnd(2, 3, 4), rnd(2, 4, 5)])
add("gelu", lambda x: F.gelu(x * 3), [rnd(4, 9)])
add("gelu_tanh", lambda x: F.gelu(x * 3, approximate="tanh"), [rnd(4, 9)])
add("quickgelu", lambda x: (x * 3) * torch.sigmoid(1.702 * (x * 3)), [rnd(4, 9)])
add("layernorm", lambda x, w, b: F.layer_norm(x, (7,), w, b, 1e-5), [rnd(3, 7), rnd(7), rnd(7)])
add("softmax", lambda x: F.softmax(x * 2, dim=-1), [rnd(3, 6)])


def mha(x, in_w, in_b, out_w, out_b, heads, causal):
    # the function behind torch's nn.MultiheadAttention; it is sequence-first,
    # so (B,L,D) is transposed in and out
    L = x.shape[1]
    mask = torch.triu(torch.full((L, L), float("-inf"), dtype=torch.float64), 1) if causal else None
    out, _ = F.multi_head_attention_forward(
        x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1), x.shape[2], heads,
        in_w, in_b, None, None, False, 0.0, out_w, out_b, training=False,
        need_weights=False, attn_mask=mask)
    return out.transpose(0, 1)


add("mha_causal", lambda x, iw, ib, ow, ob: mha(x, iw, ib, ow, ob, 2, True),
    [rnd(2, 5, 8), rnd(24, 8), rnd(24), rnd(8, 8), rnd(8)], (2, 1))
add("mha", lambda x, iw, ib, ow, ob: mha(x, iw, ib, ow, ob, 4, False),
    [rnd(1, 6, 8), rnd(24, 8), rnd(24), rnd(8, 8), rnd(8)], (4, 0))
add("l1", lambda a, b: F.l1_loss(a, b + 3), [rnd(3, 5), rnd(3, 5)])
add("l2", lambda a, b: F.mse_loss(a, b), [rnd(3, 5), rnd(3, 5)])
add("cosine", lambda a, b: F.cosine_similarity(a, b, dim=-1), [rnd(3, 5), rnd(1, 5)])
add("normalize", lambda x: F.normalize(x, dim=-1), [rnd(3, 5)])
for (h, w, oh, ow) in [(4, 5, 7, 9), (9, 8, 4, 3), (5, 5, 5, 5), (7, 3, 2, 8)]:
    add("bilinear_%dx%d_%dx%d" % (h, w, oh, ow),
        lambda x, oh=oh, ow=ow: F.interpolate(x, size=(oh, ow), mode="bilinear", align_corners=False),
        [rnd(1, 2, h, w)], (oh, ow))
    add("bicubic_%dx%d_%dx%d" % (h, w, oh, ow),
        lambda x, oh=oh, ow=ow: F.interpolate(x, size=(oh, ow), mode="bicubic", align_corners=False),
        [rnd(1, 2, h, w)], (oh, ow))


def wstr(f, s):
    b = s.encode()
    f.write(struct.pack("<i", len(b)))
    f.write(b)


out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/ops.bin"
with open(out, "wb") as f:
    f.write(b"RSEOPS1\0")
    f.write(struct.pack("<i", len(cases)))
    for name, tensors in cases:
        wstr(f, name)
        f.write(struct.pack("<i", len(tensors)))
        for tname, t in tensors:
            wstr(f, tname)
            t = t.detach().contiguous().float()
            f.write(struct.pack("<i", t.dim()))
            f.write(struct.pack("<%di" % t.dim(), *t.shape))
            f.write(t.numpy().astype("<f4").tobytes())
print("wrote %s: %d cases" % (out, len(cases)))
