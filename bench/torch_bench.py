"""PyTorch side of `make bench` (developer tool; the build never needs Python).

bench/bench.c runs this in a fresh process per case, so that the process's
peak RSS belongs to that case, and reads lines "ROW <key> <ms>" (the best
time after a warm-up):

    torch_bench.py base                          import only (RSS baseline)
    torch_bench.py kernels THREADS               the kernel rows
    torch_bench.py THREADS sd train|fwd DIM B H  the SinDDM denoiser
    torch_bench.py THREADS clip enc|grad B CKPT  ViT-B-32 image tower

The denoiser is tools/sinddm_net.py, the module the fixtures use (written
from sinddm.md section 2, the reference's layer names and order), run on
the same fixed batch shape as the C side: L1 loss on the noise, backward,
torch.optim.Adam(lr 1e-3). The CLIP image tower is an open_clip-equivalent
VisionTransformer (nn.MultiheadAttention, QuickGELU, pre-LN blocks) loaded
from the same safetensors file as the C side, weights cast to fp32.
"""
import json
import math
import resource
import sys
import time
from collections import OrderedDict

# glibc hands large freed blocks back to the kernel, so each PyTorch call
# that allocates its output afresh faults its pages in again. On the AMD KVM
# guest of 28 Nov page faults are dear: 80->160 3x3 convolutions at 111x111
# took 9-28 ms call after call, erratically. Keeping freed memory in the
# heap (as a caching allocator would; rsedit's arenas do the same) steadies
# them at 8.4-9.2 ms. Set before torch allocates anything.
try:
    import ctypes
    _libc = ctypes.CDLL("libc.so.6")
    _libc.mallopt(-1, 1 << 30)   # M_TRIM_THRESHOLD: do not give the heap's top back
    _libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: the largest glibc accepts
except (OSError, AttributeError):
    pass

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__file__), "..", "tools"))
from sinddm_net import Net  # noqa: E402  the same module as the fixtures


def best_ms(fn, reps=3, budget=1e9):
    t = time.perf_counter()
    fn()  # warm-up (and oneDNN primitive creation)
    # On some machines oneDNN/OpenMP take several calls to settle: on the
    # AMD guest of 28 Nov the first six 80->160 3x3 convolutions at 111x111
    # took 12-43 ms, then 8.0 steadily. So short cases warm up for half a
    # second; a case whose first call took that long gets no second one.
    while time.perf_counter() - t < 0.5:
        fn()
    best = float("inf")
    start = time.perf_counter()
    for r in range(reps):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
        if r >= 1 and time.perf_counter() - start > budget:
            break
    return best * 1e3


def row(key, ms):
    print("ROW %s %.4f" % (key, ms))
    sys.stdout.flush()


# ---- kernels ---------------------------------------------------------------

def conv_case(key, n, cin, hw, cout, k, stride, pad, groups):
    """Forward, backward to the input only, backward to weight and bias only."""
    x = torch.randn(n, cin, hw, hw)
    w = torch.randn(cout, cin // groups, k, k)
    b = torch.randn(cout)
    ho = (hw + 2 * pad - k) // stride + 1
    g = torch.randn(n, cout, ho, ho)
    conv = torch.ops.aten.convolution_backward
    args = ([cout], [stride, stride], [pad, pad], [1, 1], False, [0, 0], groups)
    row("fwd_" + key, best_ms(lambda: F.conv2d(x, w, b, stride=stride, padding=pad, groups=groups), 2))
    row("bwdd_" + key, best_ms(lambda: conv(g, x, w, *args, [True, False, False]), 2))
    row("bwdw_" + key, best_ms(lambda: conv(g, x, w, *args, [False, True, True]), 2))


def kernels():
    with torch.no_grad():
        for cin, cout in ((80, 160), (160, 160)):
            for hw in (111, 223):
                for n in (1, 4):
                    conv_case("%d_%d_%d_%d" % (cin, cout, hw, n), n, cin, hw, cout, 3, 1, 1, 1)
        conv_case("dw_160_223_1", 1, 160, 223, 160, 5, 1, 2, 160)
        conv_case("pw_80_160_223_1", 1, 80, 223, 160, 1, 1, 0, 1)
        conv_case("patch_3_768_224_1", 1, 3, 224, 768, 32, 32, 0, 1)
        for m, n, k, tb in ((512, 512, 512, 0), (1024, 1024, 1024, 0), (50, 3072, 768, 0), (50, 3072, 768, 1)):
            a = torch.randn(m, k)
            bm = torch.randn(n, k) if tb else torch.randn(k, n)
            f = (lambda: a @ bm.t()) if tb else (lambda: a @ bm)
            row("gemm_%d_%d_%d_%d" % (m, n, k, tb), best_ms(f, 3))


# ---- SinDDM denoiser -------------------------------------------------------

def sd_case(mode, dim, b, h):
    net = Net(dim)
    x = torch.randn(b, 3, h, h)
    noise = torch.randn(b, 3, h, h)
    t = torch.tensor([(17 + 29 * i) % 100 for i in range(b)])
    if mode == "train":
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

        def step():
            opt.zero_grad()
            F.l1_loss(net(x, t, 1), noise).backward()
            opt.step()
        ms = best_ms(step, 3, 8.0)
    else:
        net.eval()

        def fwd():
            with torch.no_grad():
                net(x, t, 1)
        ms = best_ms(fwd, 5, 5.0)
    row("sd_%s_%d_%d_%d" % (mode, dim, b, h), ms)


# ---- CLIP image tower --------------------------------------------------------

class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResBlock(nn.Module):
    """open_clip's ResidualAttentionBlock: pre-LN attention and 4x MLP."""
    def __init__(self, w, heads):
        super().__init__()
        self.ln_1 = nn.LayerNorm(w)
        self.attn = nn.MultiheadAttention(w, heads)
        self.ln_2 = nn.LayerNorm(w)
        self.mlp = nn.Sequential(OrderedDict([("c_fc", nn.Linear(w, 4 * w)), ("gelu", QuickGELU()),
                                              ("c_proj", nn.Linear(4 * w, w))]))

    def forward(self, x):  # (L, N, W)
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, w, layers, heads):
        super().__init__()
        self.resblocks = nn.Sequential(*[ResBlock(w, heads) for _ in range(layers)])

    def forward(self, x):
        return self.resblocks(x)


class Visual(nn.Module):
    def __init__(self, w, layers, patch, grid, emb):
        super().__init__()
        self.conv1 = nn.Conv2d(3, w, patch, patch, bias=False)
        self.class_embedding = nn.Parameter(torch.zeros(w))
        self.positional_embedding = nn.Parameter(torch.zeros(grid * grid + 1, w))
        self.ln_pre = nn.LayerNorm(w)
        self.transformer = Transformer(w, layers, w // 64)
        self.ln_post = nn.LayerNorm(w)
        self.proj = nn.Parameter(torch.zeros(w, emb))

    def forward(self, x):
        x = self.conv1(x).flatten(2).permute(0, 2, 1)
        cls = self.class_embedding.to(x.dtype).expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x).permute(1, 0, 2)
        x = self.transformer(x).permute(1, 0, 2)
        return self.ln_post(x[:, 0]) @ self.proj


class CLIPImage(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        self.visual = Visual(**kw)


def read_header(path):
    with open(path, "rb") as f:
        hlen = int.from_bytes(f.read(8), "little")
        return json.loads(f.read(hlen)), 8 + hlen


def clip_case(mode, b, path):
    """Builds the tower from the checkpoint's shapes, then copies the
    visual.* tensors in one at a time (fp16 -> the fp32 parameter), so the
    process holds one fp32 copy of the tower and never the text tower."""
    hdr, base = read_header(path)
    shape = {k: e["shape"] for k, e in hdr.items()}
    w, _, patch, _ = shape["visual.conv1.weight"]
    grid = int(round(math.sqrt(shape["visual.positional_embedding"][0] - 1)))
    layers = len([k for k in hdr if k.startswith("visual.") and k.endswith(".ln_1.weight")])
    model = CLIPImage(w=w, layers=layers, patch=patch, grid=grid, emb=shape["visual.proj"][1])
    params = dict(model.named_parameters())
    assert set(params) == {k for k in hdr if k.startswith("visual.")}
    with open(path, "rb") as f, torch.no_grad():
        for name, p in params.items():
            e = hdr[name]
            a, z = e["data_offsets"]
            f.seek(base + a)
            t = torch.frombuffer(bytearray(f.read(z - a)), dtype=torch.float16)
            p.copy_(t.reshape(e["shape"]))
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    size = grid * patch
    g = torch.Generator().manual_seed(5)
    temb = torch.rand(model.visual.proj.shape[1], generator=g) * 2 - 1
    mean = torch.tensor([0.48145466, 0.4578275, 0.40821073]).view(1, 3, 1, 1)
    std = torch.tensor([0.26862954, 0.26130258, 0.27577711]).view(1, 3, 1, 1)
    if mode == "enc":
        x = (torch.rand(b, 3, size, size, generator=g) * 2 - 1) * 1.7

        def fn():
            with torch.no_grad():
                model.visual(x)
    else:
        x = torch.rand(b, 3, size, size, generator=g)

        def fn():
            xi = x.clone().requires_grad_(True)
            f = model.visual((xi - mean) / std)
            F.cosine_similarity(f, temb[None], dim=-1).sum().backward()
            return xi.grad
    row("clip_%s_%d" % (mode, b), best_ms(fn, 3 if b > 1 else 5, 6.0))


def main():
    a = sys.argv[1:]
    if a == ["base"]:
        print("PyTorch %s (oneDNN %s)" % (torch.__version__, "on" if torch.backends.mkldnn.is_available() else "off"))
        return
    if a[0] == "kernels":
        torch.set_num_threads(int(a[1]))
        torch.manual_seed(0)
        kernels()
        return
    torch.set_num_threads(int(a[0]))
    torch.manual_seed(0)
    if a[1] == "sd":
        sd_case(a[2], int(a[3]), int(a[4]), int(a[5]))
    elif a[1] == "clip":
        clip_case(a[2], int(a[3]), a[4])
    else:
        sys.exit("torch_bench.py: unknown case %r" % a)
    # ru_maxrss for the record on stderr-free stdout (bench.c uses wait4)
    print("RSS %.1f" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0))


if __name__ == "__main__":
    main()
