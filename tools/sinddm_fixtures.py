#!/usr/bin/python3
"""sinddm_fixtures.py - reference fixtures for rsedit's SinDDM pyramid and
schedules (developer tool only; the build and the tests never run Python).

Needs Pillow, numpy and PyTorch (Debian: python3-pil, python3-numpy,
python3-torch). Run from the repository root:

    /usr/bin/python3 tools/sinddm_fixtures.py [SHARED_DIR]

SHARED_DIR defaults to ../shared. It writes, into tests/fixtures/sinddm/:

  resample/*.ppm, resample.tsv
      Small synthetic 8-bit RGB images and their Pillow LANCZOS / BILINEAR
      resizes (down, up, mixed, with and without a box). The C resampler must
      reproduce these byte for byte.
  pyramid.tsv
      For every image in SHARED_DIR/data/rsi/: the reference pyramid
      (create_img_scales of SinDDM's functions.py, re-implemented below with
      the same calls in the same order): sizes, number of scales, scale
      factor, rescale loss (uint8 wrap-around included), start timestep, and
      for each scale image and blurry image the byte sum and the 64-bit FNV-1a
      hash of its planar (C,H,W) 8-bit bytes.
  pyr_farmland_2009_s0.ppm, pyr_farmland_2009_b1.ppm
      The coarsest scale (64x49, LANCZOS from 934x723) and the blurry image of
      scale 1 (90x69) of farmland_2009: a per-pixel check on a real image
      (28 KB). (The 64-px images have a single scale, so they cannot serve.)
  plan.tsv
      Pyramid sizes only (the reference's formulas, numpy float64) for 400
      image sizes: random ones and common aspect ratios, including capped,
      one-scale and empty-pyramid (N <= 0) cases. A column flags sizes that
      are exact half-integers mathematically (see rse__pyramid_plan: their
      rounding follows numpy's float noise).
  schedule.tsv
      The cosine schedule for T = 100 and every buffer SinDDM derives from it
      (computed in float64 numpy, as the reference does), printed with 17
      significant digits.
  gammas.tsv
      The gamma rows as the reference's torch code stores them (float32), for
      the rescale losses of two real images.

The reference is fallenshock/SinDDM (functions.py create_img_scales and
cosine_beta_schedule, models.py MultiScaleGaussianDiffusion.__init__),
described in the project's docs (sinddm.md sections 3 and 4).
"""
import io
import os
import sys

import numpy as np
from PIL import Image
import torch

OUT = os.path.join("tests", "fixtures", "sinddm")


# ---------------------------------------------------------------------------
# helpers

def fnv1a64(data):
    """64-bit FNV-1a over a bytes object (the hash the C test recomputes)."""
    h = 0xcbf29ce484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def planar(img):
    """PIL RGB image -> planar (C,H,W) uint8 bytes, rsedit's layout."""
    a = np.asarray(img, dtype=np.uint8)
    if a.ndim == 2:
        a = a[:, :, None]
    return np.ascontiguousarray(a.transpose(2, 0, 1)).tobytes()


def digest(img):
    b = planar(img)
    return sum(b), fnv1a64(b)


def png_round_trip(img):
    """The reference saves every scale as PNG and training reads it back:
    lossless for 8-bit RGB, done here for real so the claim is tested."""
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    assert planar(out) == planar(img)
    return out


def save_ppm(path, img):
    img = img.convert("RGB")
    w, h = img.size
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        f.write(np.asarray(img, dtype=np.uint8).tobytes())


# ---------------------------------------------------------------------------
# the reference (SinDDM functions.py / models.py), same calls, same order

def cosine_beta_schedule(timesteps, s=0.008):
    steps = timesteps + 1
    x = np.linspace(0, steps, steps)
    alphas_cumprod = np.cos(((x / steps) + s) / (1 + s) * np.pi * 0.5) ** 2
    alphas_cumprod = alphas_cumprod / alphas_cumprod[0]
    betas = 1 - (alphas_cumprod[1:] / alphas_cumprod[:-1])
    return np.clip(betas, a_min=0, a_max=0.999)


def schedule_buffers(timesteps=100):
    betas = cosine_beta_schedule(timesteps)
    alphas = 1. - betas
    ac = np.cumprod(alphas, axis=0)
    acp = np.append(1., ac[:-1])
    pv = betas * (1. - acp) / (1. - ac)
    return {
        "betas": betas,
        "alphas_cumprod": ac,
        "alphas_cumprod_prev": acp,
        "sqrt_alphas_cumprod": np.sqrt(ac),
        "sqrt_one_minus_alphas_cumprod": np.sqrt(1. - ac),
        "log_one_minus_alphas_cumprod": np.log(1. - ac),
        "sqrt_recip_alphas_cumprod": np.sqrt(1. / ac),
        "sqrt_recipm1_alphas_cumprod": np.sqrt(1. / ac - 1),
        "posterior_variance": pv,
        "posterior_log_variance_clipped": np.log(np.maximum(pv, 1e-20)),
        "posterior_mean_coef1": betas * np.sqrt(acp) / (1. - ac),
        "posterior_mean_coef2": (1. - acp) * np.sqrt(alphas) / (1. - ac),
        "sigma_t": np.sqrt(1. - ac) / np.sqrt(ac),
    }


def create_img_scales(path, scale_step=1.411, auto_scale=50000):
    """create_img_scales(..., const_rf_ratio='small') without the disk side
    effects; the PNG round trip is done in memory."""
    orig_image = Image.open(path)
    image_size = orig_image.size
    scaler = np.sqrt((image_size[0] * image_size[1]) / auto_scale)
    if scaler > 1:
        image_size = (int(image_size[0] / scaler), int(image_size[1] / scaler))
    rf_net = np.asarray(35)
    area_scale_0 = 3110
    s_dim = min(image_size[0], image_size[1])
    l_dim = max(image_size[0], image_size[1])
    scale_0_dim = int(round(np.sqrt(area_scale_0 * s_dim / l_dim)))
    scale_0_dim = 42 if scale_0_dim < 42 else (55 if scale_0_dim > 55 else scale_0_dim)
    small_val = scale_0_dim
    min_val_image = min(image_size[0], image_size[1])
    n_scales = int(round((np.log(min_val_image / small_val)) / (np.log(scale_step))) + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale_step = np.exp((np.log(min_val_image / small_val)) / (n_scales - 1))
    sizes, imgs, recons, losses = [], [], [], []
    for i in range(n_scales):
        cur_size = (int(round(image_size[0] / np.power(scale_step, n_scales - i - 1))),
                    int(round(image_size[1] / np.power(scale_step, n_scales - i - 1))))
        cur_img = orig_image.resize(cur_size, Image.LANCZOS)
        imgs.append(png_round_trip(cur_img))
        sizes.append(cur_size)
    for i in range(n_scales - 1):
        recon_image = imgs[i].resize(sizes[i + 1], Image.BILINEAR)
        recons.append(png_round_trip(recon_image))
        # uint8 - uint8 wraps around: this is the reference's quirk, kept.
        losses.append(np.linalg.norm(np.subtract(imgs[i + 1], recon_image))
                      / np.asarray(recon_image).size)
    return dict(size=image_size, d0=scale_0_dim, n=n_scales, sf=float(scale_step),
                sizes=sizes, imgs=imgs, recons=recons, losses=losses)


def t_ideal(losses, timesteps=100, loss_factor=1):
    sigma_t = schedule_buffers(timesteps)["sigma_t"]
    t = [timesteps]
    for L in losses:
        t.append(int(np.argmax(sigma_t > loss_factor * L)))
    return t


def gammas_torch(losses, timesteps=100, loss_factor=1):
    """models.py: float64 sigma / loss, clamped, stored in a float32 tensor."""
    sigma_t = schedule_buffers(timesteps)["sigma_t"]
    g = torch.zeros(size=(len(losses), timesteps))
    for i, L in enumerate(losses):
        g[i, :] = (torch.tensor(sigma_t) / (loss_factor * L)).clamp(min=0, max=1)
    return g


# ---------------------------------------------------------------------------
# synthetic resampling cases

def synthetic(w, h, seed):
    """Noise plus hard edges: exercises Lanczos overshoot and the 8-bit clip."""
    rng = np.random.RandomState(seed)
    a = rng.randint(0, 256, size=(h, w, 3)).astype(np.int32)
    yy, xx = np.mgrid[0:h, 0:w]
    block = ((xx // 3 + yy // 2) % 2) * 255
    a[:, :, 1] = np.where((xx + yy) % 5 < 2, block, a[:, :, 1])
    a[: h // 3, :, 2] = 255 * (xx[: h // 3] % 2)
    return Image.fromarray(a.astype(np.uint8), "RGB")


RESAMPLE_CASES = [
    # input WxH, seed, filter, out WxH, box (None = whole image)
    ((37, 23), 1, "lanczos", (11, 7), None),
    ((37, 23), 1, "bilinear", (11, 7), None),
    ((37, 23), 1, "lanczos", (53, 31), None),
    ((16, 16), 2, "lanczos", (40, 29), None),
    ((16, 16), 2, "bilinear", (40, 29), None),
    ((16, 16), 2, "lanczos", (7, 23), None),     # down in x, up in y
    ((5, 3), 3, "lanczos", (13, 2), None),
    ((5, 3), 3, "bilinear", (1, 1), None),
    ((64, 50), 4, "lanczos", (49, 38), None),   # a pyramid-like ratio
    ((64, 50), 4, "bilinear", (81, 64), None),
    ((64, 50), 4, "lanczos", (64, 21), None),   # vertical pass only
    ((64, 50), 4, "bilinear", (17, 50), None),  # horizontal pass only
    ((37, 23), 1, "lanczos", (20, 12), (2.5, 1.25, 30.75, 20.0)),
    ((37, 23), 1, "bilinear", (37, 23), (3.0, 2.0, 20.0, 11.5)),
]


def write_resample():
    d = os.path.join(OUT, "resample")
    os.makedirs(d, exist_ok=True)
    inputs = {}
    rows = ["# input\tfilter\tout_w\tout_h\tbox_x0\tbox_y0\tbox_x1\tbox_y1\toutput"]
    for (iw, ih), seed, filt, (ow, oh), box in RESAMPLE_CASES:
        name = "in_%dx%d.ppm" % (iw, ih)
        if name not in inputs:
            inputs[name] = synthetic(iw, ih, seed)
            save_ppm(os.path.join(d, name), inputs[name])
        im = inputs[name]
        f = Image.LANCZOS if filt == "lanczos" else Image.BILINEAR
        b = box if box is not None else (0, 0, iw, ih)
        out = im.resize((ow, oh), f, box=b)
        oname = "%s_%dx%d_%s_%dx%d%s.ppm" % ("in", iw, ih, filt, ow, oh,
                                             "_box" if box else "")
        save_ppm(os.path.join(d, oname), out)
        rows.append("%s\t%s\t%d\t%d\t%.9g\t%.9g\t%.9g\t%.9g\t%s"
                    % (name, filt, ow, oh, b[0], b[1], b[2], b[3], oname))
    with open(os.path.join(OUT, "resample.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


def write_pyramid(shared):
    rsi = os.path.join(shared, "data", "rsi")
    names = sorted(n for n in os.listdir(rsi) if n.endswith(".ppm"))
    rows = ["# file\tsrc_w\tsrc_h\tcap_w\tcap_h\td0\tn\tsf\tscale\tw\th\t"
            "rescale_loss\tt_start\timg_sum\timg_fnv\tblur_sum\tblur_fnv"]
    keep = {}
    for n in names:
        src = Image.open(os.path.join(rsi, n))
        r = create_img_scales(os.path.join(rsi, n))
        ts = t_ideal(r["losses"])
        keep[n] = r
        for i in range(r["n"]):
            s_sum, s_fnv = digest(r["imgs"][i])
            if i > 0:
                b_sum, b_fnv = digest(r["recons"][i - 1])
                loss = "%.17g" % r["losses"][i - 1]
            else:
                b_sum, b_fnv, loss = 0, 0, "0"
            rows.append("%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.17g\t%d\t%d\t%d\t%s\t%d\t%d\t%016x\t%d\t%016x"
                        % (n, src.size[0], src.size[1], r["size"][0], r["size"][1],
                           r["d0"], r["n"], r["sf"], i, r["sizes"][i][0], r["sizes"][i][1],
                           loss, ts[i], s_sum, s_fnv, b_sum, b_fnv))
        print(n, r["sizes"], ["%.4f" % x for x in r["losses"]], ts)
    with open(os.path.join(OUT, "pyramid.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    fl = keep.get("farmland_2009.ppm")
    if fl is not None and fl["n"] >= 2:
        save_ppm(os.path.join(OUT, "pyr_farmland_2009_s0.ppm"), fl["imgs"][0])
        save_ppm(os.path.join(OUT, "pyr_farmland_2009_b1.ppm"), fl["recons"][0])
    return keep


def plan_sizes(W, H, scale_step=1.411, auto_scale=50000):
    """The size logic of create_img_scales, nothing else."""
    image_size = (W, H)
    scaler = np.sqrt((image_size[0] * image_size[1]) / auto_scale)
    if scaler > 1:
        image_size = (int(image_size[0] / scaler), int(image_size[1] / scaler))
    s_dim = min(image_size)
    l_dim = max(image_size)
    d0 = int(round(np.sqrt(3110 * s_dim / l_dim)))
    d0 = 42 if d0 < 42 else (55 if d0 > 55 else d0)
    n = int(round((np.log(s_dim / d0)) / (np.log(scale_step))) + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        sf = np.exp((np.log(s_dim / d0)) / (n - 1))
    sizes = [(int(round(image_size[0] / np.power(sf, n - i - 1))),
              int(round(image_size[1] / np.power(sf, n - i - 1)))) for i in range(n)]
    # exact-tie detection in 60-digit decimal arithmetic
    from decimal import Decimal as D, getcontext
    getcontext().prec = 60
    tie = 0
    if n >= 2:
        r = D(s_dim) / D(d0)
        for i in range(n - 1):
            k = n - i - 1
            for L in image_size:
                v = D(L) / (r.ln() * D(k) / D(n - 1)).exp()
                if abs(v - v.to_integral_value(rounding="ROUND_FLOOR") - D("0.5")) < D("1e-30"):
                    tie = 1
    return image_size, d0, n, sizes, tie


def write_plan():
    import random
    random.seed(11)
    cases = set([(125, 100), (85, 68), (250, 200), (150, 100), (64, 64), (64, 50), (20, 20),
                 (45, 45), (76, 32), (16384, 3), (3, 16384), (16384, 16384), (256, 192),
                 (934, 723), (640, 480), (512, 512), (1, 1), (4, 16384), (300, 7)])
    while len(cases) < 100:
        W = random.randint(40, 2000)
        num, den = random.choice([(1, 1), (5, 4), (4, 3), (3, 2), (16, 9), (2, 1)])
        cases.add((W, W * den // num) if random.random() < 0.5 else (W * den // num, W))
    while len(cases) < 400:
        cases.add((random.randint(1, 3000), random.randint(1, 3000)))
    rows = ["# w\th\tcap_w\tcap_h\td0\tn\ttie\tsizes (coarsest first; empty if n <= 0)"]
    for W, H in sorted(cases):
        cap, d0, n, sizes, tie = plan_sizes(W, H)
        rows.append("%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s" % (W, H, cap[0], cap[1], d0, n, tie,
                    ",".join("%dx%d" % s for s in sizes)))
    with open(os.path.join(OUT, "plan.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


def write_schedule(keep):
    buf = schedule_buffers(100)
    keys = list(buf.keys())
    rows = ["# t\t" + "\t".join(keys)]
    for t in range(100):
        rows.append("%d\t" % t + "\t".join("%.17g" % buf[k][t] for k in keys))
    with open(os.path.join(OUT, "schedule.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    rows = ["# file\tscale\trescale_loss\tgamma[0..99] (float32, as the reference's torch buffer)"]
    for n in ("forest_256.ppm", "farmland_2009.ppm"):
        if n not in keep:
            continue
        losses = keep[n]["losses"]
        g = gammas_torch(losses)
        for i, L in enumerate(losses):
            rows.append("%s\t%d\t%.17g\t" % (n, i + 1, L)
                        + "\t".join("%.9g" % float(v) for v in g[i].tolist()))
    with open(os.path.join(OUT, "gammas.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared")
    os.makedirs(OUT, exist_ok=True)
    write_resample()
    write_plan()
    keep = write_pyramid(shared)
    write_schedule(keep)


if __name__ == "__main__":
    main()
