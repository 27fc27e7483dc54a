#!/usr/bin/env python3
"""make_mode_fixtures.py - a PyTorch reference of SinDDM's image-to-image
modes (harmonisation, style transfer: trainer.image2image, sinddm.md
section 9), for tests/test_modes_ref.c.

Developer tool only (Debian: python3-torch, python3-numpy, python3-pil and
python3-skimage, which is scikit-image 0.19.3, the version SinDDM's
requirements.txt pins). Run from the repository root, after
tools/make_edit_fixtures.py (whose denoiser and training image it reuses):

    /usr/bin/python3 tools/make_mode_fixtures.py

It reads tests/fixtures/edit/{image.ppm,sinddm.pt} (the 123x71 training
image, pyramid 73x42, 95x55, 123x71, and a dim-8 random denoiser in the
reference trainer's checkpoint layout) and writes tests/fixtures/modes/:

  harm.ppm, harm_mask.pgm    the training image with a reddish 22x14 patch
                             pasted at (52, 30), and the patch's box (255)
  harm2.ppm, harm2_mask.pgm  a 96x80 scene (another size than the model's
                             finest: the reference runs at the input's own
                             size) with a blob-shaped mask
  content.ppm                a 110x60 content image for style transfer,
                             coloured unlike the training image
  start.ppm                  skimage's match_histograms of content.ppm to
                             the finest training scale: the start of the
                             style transfer, as 8-bit levels
  ref.bin                    RSEOPS1, one case per run:
                             "cfg" [mode (0 harmonize, 1 style), seed,
                                    start_t, W, H]
                             "out" the output (3,H,W) on every 2nd row and
                                   column, the lattice in "out_at"
                             "mask" (harmonisation) the softened mask (H,W)
                             and, with make_edit_fixtures' guided sampler
                             (Edit) and tiny CLIP (tests/fixtures/edit/
                             clip.pt), "style_setup" (template directions
                             dirs_hr, dirs_lr), "style_trans", "style_gen"
                             ("cfg" [mode 2|3, seed, strength, fill,
                             momentum, stop, guided steps]) and "pixel",
                             "pixel_ref" ("cfg" [4, seed, strength, iters,
                             x, y, w, h]), each with "out" and "out_at"

WHAT IS COMPUTED, as SinDDM's code does it (trainer.image2image,
functions.dilate_mask, models.p_sample_via_scale_loop / p_mean_variance /
q_posterior with reblurring on), with the library functions it calls:
  input   PIL RGB; above 50,000 px LANCZOS to the cap (not met here);
          style: skimage.exposure.match_histograms(input, finest training
          scale, channel_axis=2), stored back into uint8 (truncation);
          x_in = ToTensor * 2 - 1.
  mask    PIL RGB, LANCZOS to the input's size (a no-op at the same size),
          ToTensor, dilate_mask(mode="harmonization"): its first channel,
          skimage.morphology.binary_dilation with disk(7), then
          skimage.filters.gaussian(sigma=5), then min-max normalisation.
  run     s = N-1, gammas[N-2] = 0 (so x0 = x_t_mix and the re-mix is x0):
          x = sqrt(abar[T0]) x_in + sqrt(1-abar[T0]) z, T0 = start_t; for t =
          T0-1..0: x_t_mix = sqrt(1/abar_t) x - sqrt(1/abar_t - 1) eps(x,t,s);
          t > 0: x = sqrt(abar_{t-1}) clamp(x0) + sqrt(1-abar_{t-1})
          (x - sqrt(abar_t) clamp(x_t_mix)) / sqrt(1-abar_t) + 1e-10 z;
          t = 0: x = clamp(x0).
  output  (x+1)/2; harmonisation M (x+1)/2 + (1-M) clamp((x_in+1)/2).
Text-guided style (main.py clip_style_trans / clip_style_gen): the text
+ " Style", guidance_sub_iters [0, 0, 1] (the finest scale only), strength
0.3, quantile 0 (fill 1: M = e > min e), lambda 0.05, stop 3, reblurring
off; clip_style_trans starts at the finest scale from the training image's
scale N-2 resized bilinearly (sample_scales with custom_sample), noised to
T_ideal[N-1]; clip_style_gen from noise at scale 0.
clip_roi (trainer.clip_roi_sampling): the box's crop of the finest scale,
iters steps of roi = clamp(roi + strength |roi| / |g| g) with the "lr"
templates (no mask), pasted back; the whole image noised to t = 3 and 3
DDPM steps (reblurring off, no guidance).
The noise: the reference re-implements rsedit's counter-based generator
(make_edit_fixtures.Rng): stream (seed, 0), the z of the q_sample then one
per step (t = 0 included), so both sides draw the same values.
Everything runs in float64 (the mask, as skimage gives it, too); the C side
is float32 and the test states 1e-4 relative.
"""
import io
import os
import sys

import numpy as np
import torch
from PIL import Image
from skimage import exposure, filters, morphology
import skimage

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_edit_fixtures import Edit, Rng, directions, lattice  # noqa: E402
from make_sinddm_ckpt_fixture import write_ops  # noqa: E402
from sinddm_fixtures import create_img_scales, gammas_torch, schedule_buffers, t_ideal  # noqa: E402
from sinddm_net import Net  # noqa: E402

assert skimage.__version__ == "0.19.3", skimage.__version__
EDIT = os.path.join("tests", "fixtures", "edit")
OUT = os.path.join("tests", "fixtures", "modes")
DIM = 8
T = 100
STYLE_STRENGTH = 0.3  # the reference's strength for its style modes


def save_ppm(path, a):
    a = np.asarray(a, dtype=np.uint8)
    if a.ndim == 2:
        hdr = b"P5\n%d %d\n255\n" % (a.shape[1], a.shape[0])
    else:
        hdr = b"P6\n%d %d\n255\n" % (a.shape[1], a.shape[0])
    with open(path, "wb") as f:
        f.write(hdr + a.tobytes())


def to_tensor(pil):
    """torchvision ToTensor: float32 level / 255, (1,3,H,W)."""
    a = np.asarray(pil, dtype=np.uint8).transpose(2, 0, 1).astype(np.float32) / np.float32(255.0)
    return torch.tensor(a)[None]


def dilate_mask(mask):
    """functions.dilate_mask(mask, mode="harmonization"); mask (3,H,W)
    float. skimage 0.19's binary_dilation takes footprint= (selem= is its
    deprecated alias)."""
    m = mask.permute(1, 2, 0).numpy()[:, :, 0]
    m = morphology.binary_dilation(m, footprint=morphology.disk(radius=7))
    m = filters.gaussian(m, sigma=5)
    m = m[:, :, None, None].transpose(3, 2, 0, 1)
    return (m - m.min()) / (m.max() - m.min())


class I2I:
    def __init__(self, net, pyr):
        self.net, self.N = net, pyr["n"]
        self.ref_img = pyr["imgs"][-1]          # the finest scale, 8-bit
        self.sc = {k: torch.tensor(v) for k, v in schedule_buffers(T).items()}

    def run(self, mode, input_img, mask_img, seed, start_t):
        sc, s = self.sc, self.N - 1
        assert input_img.size[0] * input_img.size[1] <= 50000
        if mode == "style":
            matched = exposure.match_histograms(np.array(input_img), np.array(self.ref_img), channel_axis=2)
            assert matched.dtype == np.uint8
            input_img = Image.fromarray(matched)
        x_in = (to_tensor(input_img) * 2 - 1).double()
        M = None
        if mode == "harm":
            mk = mask_img.convert("RGB").resize(input_img.size, Image.LANCZOS)
            M = torch.from_numpy(dilate_mask(to_tensor(mk)[0]))
        rng = Rng(seed, 0)
        n = x_in.numel()
        shape = x_in.shape
        z = torch.tensor(rng.normal(n), dtype=torch.float64).view(shape)
        x = sc["sqrt_alphas_cumprod"][start_t] * x_in + sc["sqrt_one_minus_alphas_cumprod"][start_t] * z
        for t in range(start_t - 1, -1, -1):
            with torch.no_grad():
                eps = self.net(x, torch.tensor([t]), s)
            x_t_mix = sc["sqrt_recip_alphas_cumprod"][t] * x - sc["sqrt_recipm1_alphas_cumprod"][t] * eps
            g = 0.0                                  # gammas[N-2] zeroed in place
            x0 = (x_t_mix - g * x_in) / (1 - g)
            z = torch.tensor(rng.normal(n), dtype=torch.float64).view(shape)
            if t > 0:
                xm1 = (g * x_in + (1 - g) * x0).clamp(-1, 1)
                x = sc["sqrt_alphas_cumprod"][t - 1] * xm1 + torch.sqrt(1 - sc["alphas_cumprod"][t - 1]) * \
                    (x - sc["sqrt_alphas_cumprod"][t] * x_t_mix.clamp(-1, 1)) / \
                    sc["sqrt_one_minus_alphas_cumprod"][t] + np.exp(0.5 * np.log(1e-20)) * z
            else:
                x = x0.clamp(-1, 1)
        out = (x + 1) * 0.5
        if M is not None:
            out = M * out + (1 - M) * ((x_in + 1) * 0.5).clamp(0, 1)
        return out, M, input_img


def scene(W, H, seed):
    """A smooth field with a few soft blobs."""
    r = np.random.RandomState(seed)
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    img = np.zeros((H, W, 3)) + r.uniform(0.2, 0.6, 3)
    for _ in range(5):
        cx, cy, rad = r.uniform(0, W), r.uniform(0, H), r.uniform(4, 12)
        img += r.uniform(-0.2, 0.2, 3) * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * rad * rad))[:, :, None]
    img += 0.02 * r.randn(H, W, 3)
    return np.clip(np.round(img * 255), 0, 255).astype(np.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    train = Image.open(os.path.join(EDIT, "image.ppm")).convert("RGB")
    buf = io.BytesIO()
    train.save(buf, format="PNG")
    buf.seek(0)
    pyr = create_img_scales(buf)
    assert pyr["n"] == 3 and pyr["sizes"][-1] == (123, 71)
    sd = torch.load(os.path.join(EDIT, "sinddm.pt"))["ema"]
    torch.set_default_dtype(torch.float64)
    net = Net(DIM)
    net.load_state_dict({k[len("denoise_fn."):]: v.double() for k, v in sd.items() if k.startswith("denoise_fn.")})
    net.eval()
    i2i = I2I(net, pyr)

    # harmonisation 1: a reddish textured patch pasted into the training image
    a = np.array(train)
    r = np.random.RandomState(26)
    patch = np.clip(np.array([190, 70, 60]) + 25 * r.randn(14, 22, 3), 0, 255).astype(np.uint8)
    a[30:44, 52:74] = patch
    save_ppm(os.path.join(OUT, "harm.ppm"), a)
    mk = np.zeros((71, 123), np.uint8)
    mk[30:44, 52:74] = 255
    save_ppm(os.path.join(OUT, "harm_mask.pgm"), mk)
    # harmonisation 2: another size, a blob mask with soft (nonzero) edges
    b = scene(96, 80, 7)
    yy, xx = np.mgrid[0:80, 0:96]
    d2 = (xx - 40.0) ** 2 / 90.0 + (yy - 35.0) ** 2 / 40.0
    blob = np.clip(255 * (1.5 - d2), 0, 255).astype(np.uint8)
    b[blob > 0] = (0.5 * b[blob > 0] + np.array([10, 80, 120])).astype(np.uint8)
    save_ppm(os.path.join(OUT, "harm2.ppm"), b)
    save_ppm(os.path.join(OUT, "harm2_mask.pgm"), blob)
    # style transfer: a content image coloured unlike the training image
    c = scene(110, 60, 11)
    c = np.clip(c.astype(np.int32) * np.array([1.4, 0.7, 0.9]) + np.array([20, 0, 30]), 0, 255).astype(np.uint8)
    save_ppm(os.path.join(OUT, "content.ppm"), c)

    runs = [("harm", "harm.ppm", "harm_mask.pgm", 1234, 5),
            ("harm2", "harm2.ppm", "harm2_mask.pgm", 99, 12),
            ("style", "content.ppm", None, 4321, 15)]
    cases = []
    for name, fin, fmask, seed, start_t in runs:
        mode = "style" if name == "style" else "harm"
        inp = Image.open(os.path.join(OUT, fin)).convert("RGB")
        mimg = Image.open(os.path.join(OUT, fmask)) if fmask else None
        out, M, start = i2i.run(mode, inp, mimg, seed, start_t)
        if mode == "style":
            save_ppm(os.path.join(OUT, "start.ppm"), np.array(start))
        W, H = inp.size
        o, at = lattice(out, 0, 2, 2)
        ts = [("cfg", torch.tensor([0 if mode == "harm" else 1, seed, start_t, W, H], dtype=torch.float64)),
              ("out", o.flatten()), ("out_at", torch.tensor(at, dtype=torch.float64))]
        if M is not None:
            ts.append(("mask", M[0, 0].flatten()))
        cases.append((name, ts))
        print("%-6s %dx%d start_t %2d: output mean %.4f%s" % (name, W, H, start_t, float(out.mean()),
              "" if M is None else ", mask mean %.4f, zero %d px" % (float(M.mean()), int((M == 0).sum()))))
    # SinDDM's text-guided style modes (main.py clip_style_trans and
    # clip_style_gen), with make_edit_fixtures' guided sampler and its tiny
    # CLIP (tests/fixtures/edit/clip.pt); template directions of their own
    torch.manual_seed(26)
    dirs = directions(16)
    clip64 = {k: v.double() for k, v in torch.load(os.path.join(EDIT, "clip.pt")).items()}
    ed = Edit(net, clip64, dirs, pyr, t_ideal(pyr["losses"]), gammas_torch(pyr["losses"]))
    cases.append(("style_setup", [("dirs_hr", dirs[0]), ("dirs_lr", dirs[1])]))
    for name, extra in (("style_trans", dict(s0=2, start_below=1)), ("style_gen", dict(s0=0, from_noise=1))):
        p = dict(seed=2026, views=1, strength=STYLE_STRENGTH, momentum=0.05, stop=3, feather=8.0, eta=0.8,
                 rois=[], copy=0, copy_from=(0, 0, 1, 1), copy_to=[], fill=1.0, sampler="reference", text=1,
                 guide_from=2)
        p.update(extra)
        steps = []
        out, gap = ed.run(p, lambda s, t, x0: steps.append((s, t)))
        o, at = lattice(out, 0, 2, 2)
        cases.append((name, [("cfg", torch.tensor([2 if name == "style_trans" else 3, p["seed"], p["strength"],
                                                     p["fill"], p["momentum"], p["stop"], len(steps)],
                                                    dtype=torch.float64)),
                             ("out", o.flatten()), ("out_at", torch.tensor(at, dtype=torch.float64)),
                             ("gap", torch.tensor(gap))]))
        print("%-11s guided steps %s, output mean %.4f, quantile gap %.3g" % (name, steps, float(out.mean()), gap[0]))
    # SinDDM's clip_roi (trainer.clip_roi_sampling; main.py: strength 0.1,
    # 100 pixel iterations, 3 denoising steps, reblurring off): the crop of
    # the finest scale optimised in pixel space with the "lr" templates
    # (Edit.grad at s = 0), pasted back, the whole image noised to t = 3
    # and denoised by DDPM
    sc = ed.sc
    # Two cases: the reference's loop length at strength 0.01, and the
    # reference's strength 0.1 for 8 steps. At 0.1 the loop is chaotic on
    # this random tiny CLIP: each step moves the crop by a tenth of its norm
    # along a gradient whose direction turns with it, and the float32 /
    # float64 gap doubles about every step (measured: 1.9e-7 after 1 step,
    # 8e-7 after 5, 1.6e-5 after 8, 1e-3 after 15, 0.36 after 100), so no
    # float32 implementation can stay within 1e-4 of float64 for 100 steps;
    # at 0.01 the gap stays at 2e-6 over all 100.
    for name, box, iters, strength in (("pixel", (40, 20, 30, 24), 100, 0.01),
                                       ("pixel_ref", (70, 30, 26, 22), 8, 0.1)):
        seed = 77
        grng, rng = Rng(seed ^ 0x7e47c11b, 0), Rng(seed, 0)
        bx, by, bw, bh = box
        roi = ed.orig[-1][:, :, by:by + bh, bx:bx + bw].clone()
        for _ in range(iters):
            g = ed.grad(roi, grng, 0, 1)
            roi = (roi + strength * (roi.norm() / g.norm()) * g).clamp(-1, 1)
        x = ed.orig[-1].clone()
        x[:, :, by:by + bh, bx:bx + bw] = roi
        n = x.numel()
        z = torch.tensor(rng.normal(n), dtype=torch.float64).view(x.shape)
        x = sc["sqrt_alphas_cumprod"][3] * x + sc["sqrt_one_minus_alphas_cumprod"][3] * z
        for t in (2, 1, 0):
            with torch.no_grad():
                eps = net(x, torch.tensor([t]), pyr["n"] - 1)
            x0 = (sc["sqrt_recip_alphas_cumprod"][t] * x - sc["sqrt_recipm1_alphas_cumprod"][t] * eps).clamp(-1, 1)
            z = torch.tensor(rng.normal(n), dtype=torch.float64).view(x.shape)
            x = sc["posterior_mean_coef1"][t] * x0 + sc["posterior_mean_coef2"][t] * x
            if t > 0:
                x = x + torch.exp(0.5 * sc["posterior_log_variance_clipped"][t]) * z
        out = (x.clamp(-1, 1) + 1) / 2
        o, at = lattice(out, 0, 2, 2)
        cases.append((name, [("cfg", torch.tensor([4, seed, strength, iters] + list(box), dtype=torch.float64)),
                             ("out", o.flatten()), ("out_at", torch.tensor(at, dtype=torch.float64))]))
        print("%-11s %d pixel steps on %s: output mean %.4f, roi mean %.4f" % (name, iters, box, float(out.mean()),
              float(roi.mean())))
    write_ops(os.path.join(OUT, "ref.bin"), cases)
    for n in sorted(os.listdir(OUT)):
        print("%-16s %7d bytes" % (n, os.path.getsize(os.path.join(OUT, n))))


if __name__ == "__main__":
    main()
