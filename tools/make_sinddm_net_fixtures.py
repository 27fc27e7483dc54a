#!/usr/bin/env python3
"""Writes tests/fixtures/sinddm_net.bin: the SinDDM denoiser in PyTorch at a
small dim with random weights, for tests/test_sinddm_torch.c:

  case "net": every weight ("w:<state-dict key>"), an input x, timesteps t,
  the scale index ("p" = [s]), the noise, the output eps_hat ("out"), the L1
  loss ("loss"), its gradient w.r.t. every weight ("g:<key>"), and the
  weights after one Adam step at lr 1e-3 ("adam:<key>").

  cases "ddpm" (scale 0) and "ddim" (scale s >= 1, reblurring): one
  sampling step of the reference with that net, given x_t, the upsampled
  previous scale ("up"), the noise z, t, and the rescale losses ("p" =
  [t, s, loss_1, loss_2, ...]); "out" is x_{t-1}.

The module is tools/sinddm_net.py (shared with bench/torch_bench.py). Developer tool only; run from the repository root:
    python3 tools/make_sinddm_net_fixtures.py
"""
import struct
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, __import__("os").path.dirname(__file__))
from sinddm_fixtures import schedule_buffers, gammas_torch  # noqa: E402
from sinddm_net import Net  # noqa: E402

torch.manual_seed(1127)


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/sinddm_net.bin"
    dim = 8
    net = Net(dim)
    B, H, W, s = 2, 9, 7, 2
    x = torch.rand(B, 3, H, W) * 2 - 1
    t = torch.tensor([5, 77])
    noise = torch.randn(B, 3, H, W)
    tensors = [("w:" + k, v.detach().clone()) for k, v in net.state_dict().items()]
    out = net(x, t, s)
    loss = F.l1_loss(out, noise)
    loss.backward()
    tensors += [("x", x), ("t", t.float()), ("p", torch.tensor([float(s), float(dim)])),
                ("noise", noise), ("out", out.detach()), ("loss", loss.detach().reshape(1))]
    tensors += [("g:" + k, p.grad.detach().clone()) for k, p in net.named_parameters()]
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    opt.step()
    tensors += [("adam:" + k, p.detach().clone()) for k, p in net.named_parameters()]
    cases = [("net", tensors)]

    # One sampling step each way, as the reference's p_sample computes it
    # (models.py: predict_start_from_noise, p_mean_variance, q_posterior),
    # with float32 buffers made from the float64 numpy schedule.
    buf = {k: torch.tensor(v, dtype=torch.float32) for k, v in schedule_buffers(100).items()}
    losses = [1.2, 0.9]
    gam = gammas_torch(losses).clamp(0, 0.55)
    # back to the weights stored in the "net" case (Adam moved them)
    net.load_state_dict({k[2:]: v for k, v in tensors if k.startswith("w:")})
    with torch.no_grad():
        for name, t, s in (("ddpm", 37, 0), ("ddim", 23, 2), ("ddim_t0", 0, 1)):
            x = torch.randn(1, 3, H, W)
            up = torch.rand(1, 3, H, W) * 2 - 1
            z = torch.randn(1, 3, H, W)
            eps = net(x, torch.tensor([t]), s)
            xr = buf["sqrt_recip_alphas_cumprod"][t] * x - buf["sqrt_recipm1_alphas_cumprod"][t] * eps
            if s == 0:
                xr = xr.clamp(-1, 1)
                mean = buf["posterior_mean_coef1"][t] * xr + buf["posterior_mean_coef2"][t] * x
                out = mean + (0.5 * buf["posterior_log_variance_clipped"][t]).exp() * z
            else:
                g = gam[s - 1]
                x_tm1 = (xr - g[t] * up) / (1 - g[t])
                x_t_mix = xr.clamp(-1, 1)
                if t > 0:
                    x_tm1 = (g[t - 1] * up + (1 - g[t - 1]) * x_tm1).clamp(-1, 1)
                    var = torch.zeros_like(x)
                    mean = buf["sqrt_alphas_cumprod"][t - 1] * x_tm1 + \
                        torch.sqrt(1 - buf["alphas_cumprod"][t - 1] - var) * \
                        (x - buf["sqrt_alphas_cumprod"][t] * x_t_mix) / buf["sqrt_one_minus_alphas_cumprod"][t]
                    out = mean + (0.5 * torch.log(var.clamp(1e-20, None))).exp() * z
                else:
                    out = x_tm1.clamp(-1, 1)
            cases.append((name, [("x", x), ("up", up), ("z", z), ("eps", eps), ("out", out),
                                 ("p", torch.tensor([float(t), float(s)] + losses))]))
    with open(out_path, "wb") as f:
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
    print("wrote %s (%d cases)" % (out_path, len(cases)))


if __name__ == "__main__":
    main()
