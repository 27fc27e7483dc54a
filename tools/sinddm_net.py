"""sinddm_net.py - the SinDDM denoiser as a PyTorch module, written from the
reference's description (sinddm.md section 2: SinusoidalPosEmb(32), time_mlp
64->128->32, four SinDDMConvBlocks, a final 1x1 conv) with the reference's
module names, so the state-dict keys are the reference's. Needs only torch.
Used by tools/make_sinddm_net_fixtures.py (equivalence fixtures) and
bench/torch_bench.py (the PyTorch side of make bench). Developer tool only.
"""
import math

import torch
import torch.nn as nn


class SinEmb(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        half = self.dim // 2
        f = torch.exp(torch.arange(half) * -(math.log(10000) / (half - 1)))
        a = x[:, None] * f[None, :]
        return torch.cat((a.sin(), a.cos()), dim=-1)


class Block(nn.Module):
    def __init__(self, din, dout, tdim=32):
        super().__init__()
        self.mlp = nn.Sequential(nn.GELU(), nn.Linear(tdim, tdim))
        self.time_reshape = nn.Conv2d(tdim, din, 1)
        self.ds_conv = nn.Conv2d(din, din, 5, padding=2, groups=din)
        self.net = nn.Sequential(nn.Conv2d(din, dout, 3, padding=1), nn.GELU(),
                                 nn.Conv2d(dout, dout, 3, padding=1))
        self.res_conv = nn.Conv2d(din, dout, 1) if din != dout else nn.Identity()

    def forward(self, x, cond):
        c = self.time_reshape(self.mlp(cond)[:, :, None, None])
        return self.net(self.ds_conv(x) + c) + self.res_conv(x)


class Net(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.emb_t = SinEmb(32)
        self.emb_s = SinEmb(32)
        self.time_mlp = nn.Sequential(nn.Linear(64, 128), nn.GELU(), nn.Linear(128, 32))
        half = dim // 2
        self.l1 = Block(3, half)
        self.l2 = Block(half, dim)
        self.l3 = Block(dim, dim)
        self.l4 = Block(dim, half)
        self.final_conv = nn.Sequential(nn.Conv2d(half, 3, 1))

    def forward(self, x, t, s):
        st = torch.ones(t.shape) * s
        cond = self.time_mlp(torch.cat((self.emb_t(t), self.emb_s(st)), dim=1))
        for blk in (self.l1, self.l2, self.l3, self.l4):
            x = blk(x, cond)
        return self.final_conv(x)
