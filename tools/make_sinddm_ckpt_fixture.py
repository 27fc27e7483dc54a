#!/usr/bin/env python3
"""Writes a small reference-shaped SinDDM checkpoint and what its EMA net
computes, for tests/test_sinddm_import.c:

  tests/fixtures/sinddm/ckpt_image.ppm  the "training image" (80x80, so the
                                        pyramid has 2 scales: 55x55, 80x80)
  tests/fixtures/sinddm/ckpt_ref.pt     torch.save of the reference trainer's
                                        dict: step, model, ema, sched,
                                        running_loss, running_scale
  tests/fixtures/sinddm/ckpt_out.bin    RSEOPS1 case "ema": input x, t, p =
                                        [s, dim], and the EMA net's output

(The hostile variants, a missing key, a wrong shape and a forbidden pickle
global, are made by the test from ckpt_ref.pt by patching data.pkl, which
keeps the fixtures small.)

The module layout follows the reference (sinddm.md sections 2 and 4): the
trainer saves MultiScaleGaussianDiffusion.state_dict(), whose own buffers
(betas ... gammas) come first and the denoiser's weights follow under
'denoise_fn.'; 'ema' is a deep copy of the same module. The network class is
the one of tools/make_sinddm_net_fixtures.py (written from the description,
with the reference's module names). The buffers are computed as the
reference computes them, in float64 numpy then stored as float32; the
gammas come from the rescale losses of the image's pyramid (Pillow LANCZOS
and BILINEAR, uint8 wrap-around difference), so the importer can check that
the image passed with --image is the one the model was trained on.

Developer tool only (Debian's python3-torch); run from the repository root:
    /usr/bin/python3 tools/make_sinddm_ckpt_fixture.py
"""
import copy
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_sinddm_net_fixtures import Net  # noqa: E402

OUT = "tests/fixtures/sinddm"
T = 100
DIM = 8


def cosine_beta_schedule(timesteps, s=0.008):
    steps = timesteps + 1
    x = np.linspace(0, steps, steps)
    ac = np.cos(((x / steps) + s) / (1 + s) * np.pi * 0.5) ** 2
    ac = ac / ac[0]
    betas = 1 - (ac[1:] / ac[:-1])
    return np.clip(betas, a_min=0, a_max=0.999)


def make_image(path):
    """An 80x80 RGB image with structure at several scales."""
    rng = np.random.RandomState(7)
    y, x = np.mgrid[0:80, 0:80].astype(np.float64)
    img = np.zeros((80, 80, 3))
    for c in range(3):
        img[:, :, c] = 0.5 + 0.3 * np.sin(0.35 * x + c) * np.cos(0.23 * y - c)
    img[((x // 11 + y // 13) % 3) == 0] *= 0.6
    img += 0.08 * rng.rand(80, 80, 3)
    u8 = np.clip(np.round(img * 255), 0, 255).astype(np.uint8)
    with open(path, "wb") as f:
        f.write(b"P6\n80 80\n255\n" + u8.tobytes())
    return Image.fromarray(u8)


def pyramid_losses(img):
    """Rescale losses of the reference's pyramid for this 80x80 image:
    d0 = clamp(round(sqrt(3110)), 42, 55) = 55, N = round(ln(80/55)/ln(1.411))+1
    = 2, so scale 0 is 55x55 and scale 1 the image itself (80x80)."""
    W, H = img.size
    d0 = min(max(int(round(math.sqrt(3110 * min(W, H) / max(W, H)))), 42), 55)
    n = int(round(math.log(min(W, H) / d0) / math.log(1.411)) + 1)
    assert n == 2, n
    sf = math.exp(math.log(min(W, H) / d0) / (n - 1))
    sizes = [(round(W / sf ** (n - 1 - i)), round(H / sf ** (n - 1 - i))) for i in range(n)]
    scales = [img.resize(sz, Image.LANCZOS) for sz in sizes]
    losses = []
    for i in range(1, n):
        recon = scales[i - 1].resize(sizes[i], Image.BILINEAR)
        # both operands PIL images: numpy subtracts them as uint8 (wraps)
        d = np.subtract(scales[i], recon)
        losses.append(np.linalg.norm(d) / np.array(recon).size)
    return losses


class Diffusion(nn.Module):
    """Stands in for MultiScaleGaussianDiffusion: the same buffers, in the
    same registration order, and the denoiser as 'denoise_fn'."""

    def __init__(self, denoise_fn, losses):
        super().__init__()
        self.denoise_fn = denoise_fn
        betas = cosine_beta_schedule(T)
        alphas = 1.0 - betas
        ac = np.cumprod(alphas, axis=0)
        acp = np.append(1.0, ac[:-1])
        f = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
        self.register_buffer("betas", f(betas))
        self.register_buffer("alphas_cumprod", f(ac))
        self.register_buffer("alphas_cumprod_prev", f(acp))
        self.register_buffer("sqrt_alphas_cumprod", f(np.sqrt(ac)))
        self.register_buffer("sqrt_one_minus_alphas_cumprod", f(np.sqrt(1.0 - ac)))
        self.register_buffer("log_one_minus_alphas_cumprod", f(np.log(1.0 - ac)))
        self.register_buffer("sqrt_recip_alphas_cumprod", f(np.sqrt(1.0 / ac)))
        self.register_buffer("sqrt_recipm1_alphas_cumprod", f(np.sqrt(1.0 / ac - 1)))
        pv = betas * (1.0 - acp) / (1.0 - ac)
        self.register_buffer("posterior_variance", f(pv))
        self.register_buffer("posterior_log_variance_clipped", f(np.log(np.maximum(pv, 1e-20))))
        self.register_buffer("posterior_mean_coef1", f(betas * np.sqrt(acp) / (1.0 - ac)))
        self.register_buffer("posterior_mean_coef2", f((1.0 - acp) * np.sqrt(alphas) / (1.0 - ac)))
        sigma = np.sqrt(1.0 - ac) / np.sqrt(ac)
        gammas = torch.zeros(len(losses), T)
        for i, L in enumerate(losses):
            gammas[i, :] = (torch.tensor(sigma) / L).clamp(min=0, max=1)
        self.register_buffer("gammas", gammas)


def write_ops(path, cases):
    with open(path, "wb") as f:
        f.write(b"RSEOPS1\0")
        f.write(struct.pack("<i", len(cases)))
        for name, ts in cases:
            b = name.encode()
            f.write(struct.pack("<i", len(b)) + b)
            f.write(struct.pack("<i", len(ts)))
            for tname, tt in ts:
                b = tname.encode()
                f.write(struct.pack("<i", len(b)) + b)
                tt = tt.detach().contiguous().float()
                f.write(struct.pack("<i", tt.dim()))
                f.write(struct.pack("<%di" % tt.dim(), *tt.shape))
                f.write(tt.numpy().astype("<f4").tobytes())


def main():
    torch.manual_seed(2024)
    os.makedirs(OUT, exist_ok=True)
    img = make_image(os.path.join(OUT, "ckpt_image.ppm"))
    losses = pyramid_losses(img)
    model = Diffusion(Net(DIM), losses)
    ema = copy.deepcopy(model)
    # The trained weights differ from their EMA: perturb the blocks of the
    # model so that a reader taking 'model' instead of 'ema' fails the
    # comparison. The time MLPs (most of the weights at dim 8) and the
    # buffers are shared between the two, so torch.save stores them once and
    # the file stays near 140 KB.
    model.denoise_fn.time_mlp = ema.denoise_fn.time_mlp
    for b in ("l1", "l2", "l3", "l4"):
        getattr(model.denoise_fn, b).mlp = getattr(ema.denoise_fn, b).mlp
        getattr(model.denoise_fn, b).time_reshape = getattr(ema.denoise_fn, b).time_reshape
    for name, buf in ema.named_buffers():
        setattr(model, name, buf)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "mlp" not in name and "time_reshape" not in name:
                p.add_(0.05 * torch.randn_like(p))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.MultiStepLR(
        opt, milestones=[20000, 40000, 70000, 80000, 90000, 110000], gamma=0.5)
    for _ in range(3):
        opt.step()
        sched.step()
    data = {
        "step": 120001,
        "model": model.state_dict(),
        "ema": ema.state_dict(),
        "sched": sched.state_dict(),
        "running_loss": [0.31, 0.12, 0.07],
        "running_scale": [0, 1, 1],
    }
    torch.save(data, os.path.join(OUT, "ckpt_ref.pt"))

    # Output of the EMA denoiser for one input at scale 1.
    B, H, W, s = 2, 11, 9, 1
    x = torch.rand(B, 3, H, W) * 2 - 1
    t = torch.tensor([3, 61])
    with torch.no_grad():
        out = ema.denoise_fn(x, t, s)
    write_ops(os.path.join(OUT, "ckpt_out.bin"),
              [("ema", [("x", x), ("t", t.float()), ("p", torch.tensor([float(s), float(DIM)])),
                        ("out", out), ("losses", torch.tensor(losses, dtype=torch.float64))])])

    for n in sorted(os.listdir(OUT)):
        if n.startswith("ckpt_"):
            print("%-24s %6d bytes" % (n, os.path.getsize(os.path.join(OUT, n))))
    print("rescale losses", losses)


if __name__ == "__main__":
    main()
