#!/usr/bin/env python3
"""Writes tests/fixtures/clip/color_clip.pt: a small open_clip ViT CLIP whose
weights are SET BY HAND (no training) so that it means something a test can
check: its image embedding measures the image's mean colour and its text
tower maps colour words ("fire", "flood", "forest", ...) to the same
colours. tests/test_meaning.c uses it to assert what text edits must do
(a fire prompt makes the region redder, a flood prompt bluer, ...).

THE JOINT SPACE (embed_dim 5)
  axis 0 redness    r - (g + b) / 2
  axis 1 greenness  g - (r + b) / 2
  axis 2 blueness   b - (r + g) / 2
  axis 3 brightness 2 * (mean(r, g, b) - 0.5)      (white +1, black -1)
  axis 4 bias       a constant BETA for images, 0 for texts
  u = A (p - 0.5) for a pixel colour p in [0,1]^3 (axes 0..3, A is 4x3).

IMAGE TOWER (width 64, patch 32, grid 7 = 224 px, 1 block, 1 head)
  - conv1 computes, per 32x32 patch, u of the patch's mean colour on
    channels 0..3 and -u on channels 4..7 (weight A[j][c] * std[c] / 32^2,
    which undoes CLIP's normalisation); the positional embedding adds the
    constant A (mean - 0.5) there, so the patch holds u(p - 0.5), and +K,
    -K (K = 100) on channels 8, 9 for EVERY token (the grid is constant,
    so the bicubic resize for other view sizes leaves it unchanged). The
    class token's colour channels are zero.
  - Every token has channel mean 0 (u and -u, K and -K), so a LayerNorm is
    x / sigma(x), and sigma is almost the same for all tokens because K
    dominates: sigma^2 = (2|u|^2 + 2 K^2) / 64, |u|^2 <= 3, so the
    LayerNorms are linear to 0.02%.
  - The block: q and k weights 0, so attention is uniform over the L
    tokens; v is the identity and out_proj K * I on channels 0..7 (0 on
    the constants): the class token gains 5.66 * (L-1)/L * mean over
    patches of u. The MLP is all zeros (adds exactly 0).
  - ln_post only rescales (mean 0, beta 0), and proj reads channels 0..3
    into axes 0..3 and the class token's constant channel into axis 4.
  So the image feature is proportional to [(L-1)/L * u(mean colour - 0.5),
  BETA]: an affine function of the mean colour of the patches (pixels past
  the last whole patch are dropped, as in every ViT). BETA = 0.25 keeps
  it defined for a mid-grey image and makes a stronger colour score
  higher (cos grows with saturation along the text's colour), so guidance
  keeps pushing until the pixels clamp.

TEXT TOWER (width 64, context 77, vocabulary 49408, 1 block, 1 head)
  - token_embedding: a chosen word's BPE id (open_clip's tokenizer, from
    the shared bpe_simple_vocab_16e6.txt.gz) carries WEIGHT * unit(u of
    its colour) on channels 0..3 and the negation on 4..7; every other
    token (start, end, "a", "the", ...) is zero. positional_embedding puts
    +K, -K on channels 8, 9 at every position.
  - The block's causal attention is uniform (q, k = 0), so the end token
    sees the mean over the prompt's tokens; out_proj K * I brings the
    colour channels back to their scale; ln_final only rescales;
    text_projection reads channels 0..3 into axes 0..3 (axis 4 is 0).
  So a text's feature is proportional to the SUM of its words' vectors:
  its direction does not depend on the prompt's length or word order.
  Weights: fire words 3, water words 2, forest words 1, so "a fire in the
  forest" = 3 fire + 1 forest points mostly to orange-red (cosine 0.95 to
  "fire", 0.23 to "forest"), and the template words "photo" and "image"
  carry brightness (weight 2): with templates ("a photo of {}.") the
  guidance direction also asks for a brighter image, without them it
  does not.

Colours (pixel RGB in [0,1]):  fire (1.0, 0.3, 0.0) orange-red,
water (0.0, 0.3, 1.0) blue, forest (0.1, 0.6, 0.1) green; photo/image are
brightness only. logit_scale ln(100).

Loading: both towers are 64 wide with 1 head each, which is the default
rule (heads = width / 64), so no options are needed. The file is
torch.save's zip rewritten with DEFLATE entries (the 49408 x 64
token_embedding is almost all zeros): 21 KB instead of 13 MB.
torch.load and rse_clip_load both read it.

Developer tool only: /usr/bin/python3 tools/make_color_clip.py (torch 1.13;
from the repo root; the vocabulary is read from $SHARED, default ../shared).
It prints the cosines of plain colour images against some texts, and, when
./rsedit is built, checks that `rsedit embed` gives the same text and image
features as the torch model.
"""
import gzip
import io
import math
import os
import subprocess
import sys
import zipfile
from collections import OrderedDict

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_clip_fixtures import encode_text, encode_vit  # noqa: E402  (plain-torch open_clip)

VOCAB = os.path.join(os.environ.get("SHARED", "../shared"), "data/clip/bpe_simple_vocab_16e6.txt.gz")
OUT = "tests/fixtures/clip/color_clip.pt"
W = 64          # both towers; heads = 64 / 64 = 1 by the default rule
E = 5           # joint space: redness, greenness, blueness, brightness, bias
P, G = 32, 7    # patch, grid: image_size 224
K = 100.0       # the constant channel that keeps the LayerNorms linear
BETA = 0.25     # the image's bias axis
CTX = 77
NVOCAB = 49408
MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)

# A: pixel deviation from 0.5 -> axes 0..3
A = torch.tensor([[1.0, -0.5, -0.5],
                  [-0.5, 1.0, -0.5],
                  [-0.5, -0.5, 1.0],
                  [2.0 / 3, 2.0 / 3, 2.0 / 3]], dtype=torch.float64)

FIRE = (1.0, 0.3, 0.0)
WATER = (0.0, 0.3, 1.0)
FOREST = (0.1, 0.6, 0.1)
# word -> (colour or None for brightness, weight)
WORDS = {}
for w in ("fire", "fires", "flame", "flames", "burning", "burn", "burnt", "burned", "blaze",
          "wildfire", "lava"):
    WORDS[w] = (FIRE, 3.0)
for w in ("flood", "floods", "flooding", "flooded", "water", "waters", "river", "lake", "sea", "ocean",
          "tsunami"):
    WORDS[w] = (WATER, 2.0)
for w in ("forest", "forests", "tree", "trees", "woods", "woodland", "vegetation", "grass", "jungle"):
    WORDS[w] = (FOREST, 1.0)
for w in ("photo", "image"):
    WORDS[w] = (None, 2.0)


# ---- open_clip's BPE for plain lower-case words (the whole tokenizer is in
# clip.c; this only looks up single words, checked against `rsedit tokenize`)
def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def load_bpe(path):
    merges = gzip.open(path).read().decode("utf-8").split("\n")[1:49152 - 256 - 2 + 1]
    merges = [tuple(m.split()) for m in merges]
    vocab = list(bytes_to_unicode().values())
    vocab = vocab + [v + "</w>" for v in vocab]
    vocab += ["".join(m) for m in merges]
    vocab += ["<start_of_text>", "<end_of_text>"]
    return dict(zip(vocab, range(len(vocab)))), dict(zip(merges, range(len(merges))))


def bpe_ids(word, enc, ranks):
    parts = list(word[:-1]) + [word[-1] + "</w>"]
    while len(parts) > 1:
        pairs = [(ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
        r, i = min(pairs)
        if r == 1 << 30:
            break
        parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]
    return [enc[p] for p in parts]


def tokenize(text, enc, ranks):
    """Lower-case words separated by spaces, '.' and '!' (enough here)."""
    ids = [49406]
    for piece in text.lower().replace(".", " . ").replace("!", " ! ").split():
        ids += bpe_ids(piece, enc, ranks)
    ids.append(49407)
    return torch.tensor(ids + [0] * (CTX - len(ids)))


def unit(v):
    return v / v.norm()


def word_vector(colour, weight):
    if colour is None:
        return torch.tensor([0.0, 0.0, 0.0, weight], dtype=torch.float64)
    return weight * unit(A @ (torch.tensor(colour, dtype=torch.float64) - 0.5))


def block_weights(sd, prefix):
    p = prefix + "resblocks.0."
    inw = torch.zeros(3 * W, W, dtype=torch.float64)
    inw[2 * W:2 * W + 8, :8] = torch.eye(8)          # q = k = 0, v = identity on 0..7
    outw = torch.zeros(W, W, dtype=torch.float64)
    outw[:8, :8] = K * torch.eye(8)                  # colour channels back to scale
    sd[p + "ln_1.weight"] = torch.ones(W, dtype=torch.float64)
    sd[p + "ln_1.bias"] = torch.zeros(W, dtype=torch.float64)
    sd[p + "attn.in_proj_weight"] = inw
    sd[p + "attn.in_proj_bias"] = torch.zeros(3 * W, dtype=torch.float64)
    sd[p + "attn.out_proj.weight"] = outw
    sd[p + "attn.out_proj.bias"] = torch.zeros(W, dtype=torch.float64)
    sd[p + "ln_2.weight"] = torch.ones(W, dtype=torch.float64)
    sd[p + "ln_2.bias"] = torch.zeros(W, dtype=torch.float64)
    sd[p + "mlp.c_fc.weight"] = torch.zeros(W, W, dtype=torch.float64)   # MLP ratio 1, all zero
    sd[p + "mlp.c_fc.bias"] = torch.zeros(W, dtype=torch.float64)
    sd[p + "mlp.c_proj.weight"] = torch.zeros(W, W, dtype=torch.float64)
    sd[p + "mlp.c_proj.bias"] = torch.zeros(W, dtype=torch.float64)


def build(enc, ranks):
    d = torch.float64
    sd = OrderedDict()
    # text tower
    pos = torch.zeros(CTX, W, dtype=d)
    pos[:, 8], pos[:, 9] = K, -K
    sd["positional_embedding"] = pos
    tp = torch.zeros(W, E, dtype=d)
    tp[:4, :4] = torch.eye(4)
    sd["text_projection"] = tp
    sd["logit_scale"] = torch.tensor(math.log(100.0), dtype=d)
    # vision tower
    conv = torch.zeros(W, 3, P, P, dtype=d)
    for j in range(4):
        for c in range(3):
            conv[j, c] = A[j, c] * STD[c] / (P * P)
            conv[4 + j, c] = -A[j, c] * STD[c] / (P * P)
    sd["visual.conv1.weight"] = conv
    off = A @ (torch.tensor(MEAN, dtype=d) - 0.5)      # makes conv1's u(p - mean) into u(p - 0.5)
    vpos = torch.zeros(1 + G * G, W, dtype=d)
    vpos[:, :4], vpos[:, 4:8] = off, -off
    vpos[:, 8], vpos[:, 9] = K, -K
    cls = torch.zeros(W, dtype=d)
    cls[:4], cls[4:8] = -off, off                      # the class token: constants only
    sd["visual.class_embedding"] = cls
    sd["visual.positional_embedding"] = vpos
    sd["visual.ln_pre.weight"] = torch.ones(W, dtype=d)
    sd["visual.ln_pre.bias"] = torch.zeros(W, dtype=d)
    block_weights(sd, "visual.transformer.")
    sd["visual.ln_post.weight"] = torch.ones(W, dtype=d)
    sd["visual.ln_post.bias"] = torch.zeros(W, dtype=d)
    vp = torch.zeros(W, E, dtype=d)
    vp[:4, :4] = torch.eye(4)
    # the class token's constant channel is K / sigma = sqrt(32) after ln_pre;
    # the colour channels reach sqrt(32) (L-1)/L u, so this gives BETA
    vp[8, 4] = BETA
    sd["visual.proj"] = vp
    block_weights(sd, "transformer.")
    tok = torch.zeros(NVOCAB, W, dtype=d)
    for word, (colour, weight) in WORDS.items():
        ids = bpe_ids(word, enc, ranks)
        if len(ids) != 1:
            raise SystemExit("'%s' is %d BPE tokens; pick single-token words" % (word, len(ids)))
        v = word_vector(colour, weight)
        tok[ids[0], :4], tok[ids[0], 4:8] = v, -v
    sd["token_embedding.weight"] = tok
    sd["ln_final.weight"] = torch.ones(W, dtype=d)
    sd["ln_final.bias"] = torch.zeros(W, dtype=d)
    return sd


def save_deflated(sd32, path):
    """torch.save, then the same archive with every entry deflated."""
    raw = io.BytesIO()
    torch.save(sd32, raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    prefix = os.path.splitext(os.path.basename(path))[0]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            name = prefix + info.filename[info.filename.index("/"):]
            dst.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), src.read(info),
                         zipfile.ZIP_DEFLATED, 9)


def image_of(colour, size=224):
    x = torch.empty(1, 3, size, size, dtype=torch.float64)
    for c in range(3):
        x[0, c] = (colour[c] - MEAN[c]) / STD[c]
    return x


def main():
    enc, ranks = load_bpe(VOCAB)
    sd = build(enc, ranks)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    sd32 = OrderedDict((k, v.float()) for k, v in sd.items())
    save_deflated(sd32, OUT)
    print("%s: %d bytes" % (OUT, os.path.getsize(OUT)))
    back = torch.load(OUT)                                  # torch reads it too
    assert all(torch.equal(back[k], sd32[k]) for k in sd32)
    d = OrderedDict((k, v.double()) for k, v in sd32.items())

    texts = ["fire", "flood water", "forest", "a fire in the forest", "the river is flooding",
             "a photo of a fire in the forest.", "photo"]
    tfeat = torch.cat([encode_text(d, tokenize(t, enc, ranks)[None], 1) for t in texts])
    tn = tfeat / tfeat.norm(dim=-1, keepdim=True)
    colours = [("red", (1, 0, 0)), ("orange", FIRE), ("green", (0, 1, 0)), ("forest", FOREST),
               ("blue", (0, 0, 1)), ("water", WATER), ("grey", (0.5, 0.5, 0.5)), ("white", (1, 1, 1))]
    print("%-8s" % "" + "".join("%11.10s" % t for t in texts))
    for name, col in colours:
        f = encode_vit(d, image_of(col), 1)
        f = f / f.norm()
        print("%-8s" % name + "".join("%11.3f" % v for v in (f @ tn.T)[0].tolist()))
    print("cos(fire, forest) text %.3f; 'a fire in the forest' vs fire %.3f, vs forest %.3f"
          % (tn[0] @ tn[2], tn[3] @ tn[0], tn[3] @ tn[2]))
    # the image feature against the design: [(L-1)/L u(mean - 0.5), BETA] / |.|
    col = (0.7, 0.4, 0.2)
    f = encode_vit(d, image_of(col), 1)[0]
    L = 1 + G * G
    want = torch.cat([(L - 1) / L * (A @ (torch.tensor(col, dtype=torch.float64) - 0.5)),
                      torch.tensor([BETA], dtype=torch.float64)])
    print("image feature direction vs design: cos %.9f" % float(f @ want / f.norm() / want.norm()))

    # the C library, if built: its embeddings must agree
    if os.path.exists("./rsedit"):
        for t in ("fire", "a fire in the forest"):
            out = subprocess.run(["./rsedit", "embed", "--clip", OUT, "--vocab", VOCAB, "--text", t],
                                 capture_output=True, text=True)
            c = torch.tensor([float(v) for v in out.stdout.split()], dtype=torch.float64)
            ref = encode_text(d, tokenize(t, enc, ranks)[None], 1)[0]
            print("rsedit embed --text '%s': cos to torch %.9f" % (t, float(c @ ref / c.norm() / ref.norm())))
        # a plain 8-bit image: CLIP's preprocessing keeps it plain
        rgb = (230, 120, 40)
        tmp = "/tmp/make_color_clip_%d.ppm" % os.getpid()
        with open(tmp, "wb") as f:
            f.write(b"P6 40 30 255\n" + bytes(rgb) * (40 * 30))
        out = subprocess.run(["./rsedit", "embed", "--clip", OUT, "--image", tmp], capture_output=True, text=True)
        os.remove(tmp)
        c = torch.tensor([float(v) for v in out.stdout.split()], dtype=torch.float64)
        ref = encode_vit(d, image_of([v / 255 for v in rgb]), 1)[0]
        print("rsedit embed --image (230,120,40): max |diff| to torch (unit vectors) %.2e"
              % float((c - ref / ref.norm()).abs().max()))


if __name__ == "__main__":
    main()
