#!/usr/bin/env python3
"""Writes small CLIP fixtures for tests/test_clip_model.c, so `make test`
checks what the shared open_clip fixtures do not cover, without shared data:

  tests/fixtures/clip/vit_tiny.pt   a tiny random ViT CLIP (open_clip key layout,
                                    torch.save, fp16 weights)
  tests/fixtures/clip/rn_tiny.pt    a tiny random ModifiedResNet CLIP (fp16
                                    weights, BatchNorm running statistics)
  tests/fixtures/clip/clip_ref.bin  reference outputs, RSEOPS1 format (see
                                    tools/make_op_fixtures.py), float64 math

Cases:
  pos_<gh>x<gw>   the positional grid resize of SinDDM's CLIP copy:
                  F.interpolate(scale_factor=((gh+0.1)/G, (gw+0.1)/G),
                  mode='bicubic') on the (1,C,G,G) grid; in0 grid, out result
  vit_<h>x<w>     tiny ViT: "x" normalised input (1,3,h,w), "img" features,
                  "txt" text features of "ids", "grad" d cos(img, txt)/d x
  rn              tiny RN: the same for a 64x64 input

The reference model below is written from open_clip's architecture (v2.20:
VisionTransformer, ModifiedResNet, AttentionPool2d, CLIP.encode_text) in
plain torch, because open_clip is not packaged for Debian. The shared
fixtures (made with the real open_clip) pin the ViT code path; this file
extends it to non-square inputs and the ResNet tower.

Developer tool only: python3 tools/make_clip_fixtures.py (from the repo root).
"""
import math
import os
import struct
from collections import OrderedDict

import torch
import torch.nn.functional as F

torch.manual_seed(20261127)
OUT = "tests/fixtures/clip"
DT = torch.float64


def quickgelu(x):
    return x * torch.sigmoid(1.702 * x)


def block(x, sd, p, heads, causal):
    W = x.shape[-1]
    L = x.shape[1]
    h = F.layer_norm(x, (W,), sd[p + "ln_1.weight"], sd[p + "ln_1.bias"], 1e-5)
    qkv = h @ sd[p + "attn.in_proj_weight"].T + sd[p + "attn.in_proj_bias"]
    q, k, v = qkv.split(W, dim=-1)
    d = W // heads

    def sp(t):
        return t.reshape(t.shape[0], L, heads, d).transpose(1, 2)
    s = sp(q) @ sp(k).transpose(-1, -2) / math.sqrt(d)
    if causal:
        s = s + torch.full((L, L), float("-inf"), dtype=DT).triu(1)
    o = (s.softmax(-1) @ sp(v)).transpose(1, 2).reshape(x.shape[0], L, W)
    x = x + o @ sd[p + "attn.out_proj.weight"].T + sd[p + "attn.out_proj.bias"]
    h = F.layer_norm(x, (W,), sd[p + "ln_2.weight"], sd[p + "ln_2.bias"], 1e-5)
    h = quickgelu(h @ sd[p + "mlp.c_fc.weight"].T + sd[p + "mlp.c_fc.bias"])
    return x + h @ sd[p + "mlp.c_proj.weight"].T + sd[p + "mlp.c_proj.bias"]


def nblocks(sd, prefix):
    n = 0
    while prefix + "resblocks.%d.ln_1.weight" % n in sd:
        n += 1
    return n


def pos_resize(pos, gh, gw):
    """SinDDM's clip/model.py (after DINO): bicubic with a scale factor."""
    G = int(math.sqrt(pos.shape[0] - 1))
    if gh == G and gw == G:
        return pos
    grid = pos[1:].reshape(1, G, G, -1).permute(0, 3, 1, 2)
    grid = F.interpolate(grid, scale_factor=((gh + 0.1) / G, (gw + 0.1) / G), mode="bicubic")
    assert grid.shape[-2:] == (gh, gw)
    return torch.cat([pos[:1], grid.permute(0, 2, 3, 1).reshape(gh * gw, -1)])


def encode_vit(sd, x, heads):
    w = sd["visual.conv1.weight"]
    P = w.shape[-1]
    t = F.conv2d(x, w, stride=P)
    gh, gw = t.shape[-2:]
    t = t.flatten(2).transpose(1, 2)
    cls = sd["visual.class_embedding"].expand(x.shape[0], 1, -1)
    t = torch.cat([cls, t], 1) + pos_resize(sd["visual.positional_embedding"], gh, gw)
    W = t.shape[-1]
    t = F.layer_norm(t, (W,), sd["visual.ln_pre.weight"], sd["visual.ln_pre.bias"], 1e-5)
    for i in range(nblocks(sd, "visual.transformer.")):
        t = block(t, sd, "visual.transformer.resblocks.%d." % i, heads, False)
    t = F.layer_norm(t[:, 0], (W,), sd["visual.ln_post.weight"], sd["visual.ln_post.bias"], 1e-5)
    return t @ sd["visual.proj"]


def bn(x, sd, p):
    return F.batch_norm(x, sd[p + ".running_mean"], sd[p + ".running_var"], sd[p + ".weight"],
                        sd[p + ".bias"], False, 0.0, 1e-5)


def encode_rn(sd, x):
    x = F.relu(bn(F.conv2d(x, sd["visual.conv1.weight"], stride=2, padding=1), sd, "visual.bn1"))
    x = F.relu(bn(F.conv2d(x, sd["visual.conv2.weight"], padding=1), sd, "visual.bn2"))
    x = F.relu(bn(F.conv2d(x, sd["visual.conv3.weight"], padding=1), sd, "visual.bn3"))
    x = F.avg_pool2d(x, 2)
    for s in range(1, 5):
        i = 0
        while "visual.layer%d.%d.conv1.weight" % (s, i) in sd:
            p = "visual.layer%d.%d." % (s, i)
            stride = 2 if (s > 1 and i == 0) else 1
            o = F.relu(bn(F.conv2d(x, sd[p + "conv1.weight"]), sd, p + "bn1"))
            o = F.relu(bn(F.conv2d(o, sd[p + "conv2.weight"], padding=1), sd, p + "bn2"))
            if stride > 1:
                o = F.avg_pool2d(o, stride)
            o = bn(F.conv2d(o, sd[p + "conv3.weight"]), sd, p + "bn3")
            idt = x
            if p + "downsample.0.weight" in sd:
                idt = F.avg_pool2d(x, stride) if stride > 1 else x
                idt = bn(F.conv2d(idt, sd[p + "downsample.0.weight"]), sd, p + "downsample.1")
            x = F.relu(o + idt)
            i += 1
    # AttentionPool2d
    N, C = x.shape[:2]
    t = x.flatten(2).permute(2, 0, 1)                      # (HW, N, C)
    t = torch.cat([t.mean(0, keepdim=True), t]) + sd["visual.attnpool.positional_embedding"][:, None]
    a = "visual.attnpool."
    heads = C // 64
    out, _ = F.multi_head_attention_forward(
        query=t[:1], key=t, value=t, embed_dim_to_check=C, num_heads=heads,
        q_proj_weight=sd[a + "q_proj.weight"], k_proj_weight=sd[a + "k_proj.weight"],
        v_proj_weight=sd[a + "v_proj.weight"], in_proj_weight=None,
        in_proj_bias=torch.cat([sd[a + "q_proj.bias"], sd[a + "k_proj.bias"], sd[a + "v_proj.bias"]]),
        bias_k=None, bias_v=None, add_zero_attn=False, dropout_p=0.0,
        out_proj_weight=sd[a + "c_proj.weight"], out_proj_bias=sd[a + "c_proj.bias"],
        use_separate_proj_weight=True, training=False, need_weights=False)
    return out[0]


def encode_text(sd, ids, heads):
    x = sd["token_embedding.weight"][ids] + sd["positional_embedding"]
    for i in range(nblocks(sd, "transformer.")):
        x = block(x, sd, "transformer.resblocks.%d." % i, heads, True)
    W = x.shape[-1]
    x = F.layer_norm(x, (W,), sd["ln_final.weight"], sd["ln_final.bias"], 1e-5)
    return x[torch.arange(x.shape[0]), ids.argmax(-1)] @ sd["text_projection"]


def rnd(*shape, s=1.0, base=0.0):
    return base + s * (torch.rand(*shape) * 2 - 1)


def tower(sd, prefix, W, layers, mlp=4):
    for i in range(layers):
        p = prefix + "resblocks.%d." % i
        sd[p + "ln_1.weight"] = rnd(W, s=0.1, base=1)
        sd[p + "ln_1.bias"] = rnd(W, s=0.1)
        sd[p + "attn.in_proj_weight"] = rnd(3 * W, W, s=2 / math.sqrt(W))
        sd[p + "attn.in_proj_bias"] = rnd(3 * W, s=0.1)
        sd[p + "attn.out_proj.weight"] = rnd(W, W, s=1 / math.sqrt(W))
        sd[p + "attn.out_proj.bias"] = rnd(W, s=0.1)
        sd[p + "ln_2.weight"] = rnd(W, s=0.1, base=1)
        sd[p + "ln_2.bias"] = rnd(W, s=0.1)
        sd[p + "mlp.c_fc.weight"] = rnd(mlp * W, W, s=1 / math.sqrt(W))
        sd[p + "mlp.c_fc.bias"] = rnd(mlp * W, s=0.1)
        sd[p + "mlp.c_proj.weight"] = rnd(W, mlp * W, s=0.5 / math.sqrt(W))
        sd[p + "mlp.c_proj.bias"] = rnd(W, s=0.1)


def text_part(sd, Wt=16, ctx=8, vocab=64, E=16):
    sd["positional_embedding"] = rnd(ctx, Wt, s=0.2)
    sd["text_projection"] = rnd(Wt, E, s=0.25)
    sd["logit_scale"] = torch.tensor(math.log(1 / 0.07))
    sd["token_embedding.weight"] = rnd(vocab, Wt, s=0.5)
    sd["ln_final.weight"] = rnd(Wt, s=0.1, base=1)
    sd["ln_final.bias"] = rnd(Wt, s=0.1)
    tower(sd, "transformer.", Wt, 1, mlp=1)   # MLP ratio 1 keeps the file small (any ratio loads)


def vit_model():
    sd = OrderedDict()
    W, E = 64, 16       # vision width 64: heads = 64/64 = 1 by the default rule
    sd["visual.conv1.weight"] = rnd(W, 3, 8, 8, s=0.1)
    sd["visual.class_embedding"] = rnd(W, s=0.5)
    sd["visual.positional_embedding"] = rnd(1 + 16, W, s=0.5)   # grid 4 (32 px)
    sd["visual.ln_pre.weight"] = rnd(W, s=0.1, base=1)
    sd["visual.ln_pre.bias"] = rnd(W, s=0.1)
    tower(sd, "visual.transformer.", W, 1)
    sd["visual.ln_post.weight"] = rnd(W, s=0.1, base=1)
    sd["visual.ln_post.bias"] = rnd(W, s=0.1)
    sd["visual.proj"] = rnd(W, E, s=0.25)
    text_part(sd, Wt=64, E=E)
    return sd


def conv_bn(sd, p, bnp, k, cin, cout):
    sd[p] = rnd(cout, cin, k, k, s=1.5 / math.sqrt(cin * k * k))
    sd[bnp + ".weight"] = rnd(cout, s=0.2, base=1)
    sd[bnp + ".bias"] = rnd(cout, s=0.1)
    sd[bnp + ".running_mean"] = rnd(cout, s=0.1)
    sd[bnp + ".running_var"] = rnd(cout, s=0.3, base=1)
    sd[bnp + ".num_batches_tracked"] = torch.tensor(7, dtype=torch.int64)


def rn_model():
    """ModifiedResNet layers [1,1,1,1], width 4: channels 2/2/4 stem, then
    16, 32, 64, 128; attention pool 128 wide (2 heads of 64), embed 16,
    input 64 px (grid 2)."""
    sd = OrderedDict()
    w = 4
    conv_bn(sd, "visual.conv1.weight", "visual.bn1", 3, 3, w // 2)
    conv_bn(sd, "visual.conv2.weight", "visual.bn2", 3, w // 2, w // 2)
    conv_bn(sd, "visual.conv3.weight", "visual.bn3", 3, w // 2, w)
    inpl = w
    for s in range(1, 5):
        planes = w * 2 ** (s - 1)
        p = "visual.layer%d.0." % s
        conv_bn(sd, p + "conv1.weight", p + "bn1", 1, inpl, planes)
        conv_bn(sd, p + "conv2.weight", p + "bn2", 3, planes, planes)
        conv_bn(sd, p + "conv3.weight", p + "bn3", 1, planes, planes * 4)
        conv_bn(sd, p + "downsample.0.weight", p + "downsample.1", 1, inpl, planes * 4)
        inpl = planes * 4
    C, E = inpl, 16
    a = "visual.attnpool."
    sd[a + "positional_embedding"] = rnd(5, C, s=0.5)
    for n in ("q", "k", "v"):
        sd[a + n + "_proj.weight"] = rnd(C, C, s=1 / math.sqrt(C))
        sd[a + n + "_proj.bias"] = rnd(C, s=0.1)
    sd[a + "c_proj.weight"] = rnd(E, C, s=1 / math.sqrt(C))
    sd[a + "c_proj.bias"] = rnd(E, s=0.1)
    text_part(sd, Wt=64, E=E)
    return sd


cases = []


def add(name, tensors):
    cases.append((name, tensors))


def f64(sd):
    return {k: (v.to(DT) if v.is_floating_point() else v) for k, v in sd.items()}


def model_cases(tag, sd, enc, sizes, ids):
    d = f64(sd)
    txt = encode_text(d, ids, 1)
    for (h, w) in sizes:
        x = (torch.rand(1, 3, h, w, dtype=DT) * 2 - 1).requires_grad_(True)
        img = enc(d, x)
        cos = F.cosine_similarity(img, txt[:1])
        cos.sum().backward()
        add("%s_%dx%d" % (tag, h, w), [("x", x.detach()), ("img", img.detach()), ("txt", txt.detach()),
                                       ("ids", ids.to(DT)), ("grad", x.grad)])


def write():
    with open(os.path.join(OUT, "clip_ref.bin"), "wb") as f:
        f.write(b"RSEOPS1\0")
        f.write(struct.pack("<i", len(cases)))
        for name, ts in cases:
            nb = name.encode()
            f.write(struct.pack("<i", len(nb)) + nb + struct.pack("<i", len(ts)))
            for tn, t in ts:
                tb = tn.encode()
                t = t.detach().to(torch.float32).contiguous()
                f.write(struct.pack("<i", len(tb)) + tb + struct.pack("<i", t.dim()))
                f.write(struct.pack("<%di" % t.dim(), *t.shape))
                f.write(t.numpy().astype("<f4").tobytes())


def main():
    os.makedirs(OUT, exist_ok=True)
    for gh, gw in ((12, 9), (5, 10), (7, 8), (3, 3)):
        grid = torch.rand(1 + 49, 6, dtype=DT)
        add("pos_%dx%d" % (gh, gw), [("in0", grid), ("out", pos_resize(grid, gh, gw))])
    ids = torch.tensor([[60, 5, 17, 63, 0, 0, 0, 0], [60, 63, 0, 0, 0, 0, 0, 0]])
    vit = OrderedDict((k, v.half() if v.is_floating_point() else v) for k, v in vit_model().items())
    torch.save(vit, os.path.join(OUT, "vit_tiny.pt"))
    vit = OrderedDict((k, v.to(DT) if v.is_floating_point() else v) for k, v in vit.items())
    model_cases("vit", vit, lambda d, x: encode_vit(d, x, 1), [(32, 32), (40, 24), (35, 50)], ids)
    rn = rn_model()
    rn16 = OrderedDict((k, v.half() if v.is_floating_point() else v) for k, v in rn.items())
    torch.save(rn16, os.path.join(OUT, "rn_tiny.pt"))
    rn = OrderedDict((k, v.half().to(DT) if v.is_floating_point() else v) for k, v in rn.items())
    model_cases("rn", rn, encode_rn, [(64, 64)], ids)
    write()


if __name__ == "__main__":
    main()
