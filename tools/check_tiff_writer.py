#!/usr/bin/python3
"""Checks that Pillow (with libtiff) reads rsedit's TIFFs back exactly.

    make rsedit && /usr/bin/python3 tools/check_tiff_writer.py   (from the repo root)

Writes PGM/PPM files of known samples (gradients and noise), converts them
with `./rsedit convert IN OUT.tif --bits 8|16` (gray and RGB, 37x23 in strips
and 1100x300 in 256x256 tiles), and compares Pillow's pixels with the
samples: all of them, except that Pillow keeps only the high byte of 16-bit
RGB. Not run by `make test` (the C tests read the files back with rsedit's
own reader); a by-hand check that another decoder agrees. Files go to
/tmp/rsedit_check_tiff.
"""
import os
import subprocess
import sys

import numpy as np
from PIL import Image
os.makedirs("/tmp/rsedit_check_tiff", exist_ok=True)
rng = np.random.default_rng(1)
ok = True
for (w, h) in [(37, 23), (1100, 300)]:
    for c in (1, 3):
        for bits in (8, 16):
            mx = 255 if bits == 8 else 65535
            a = (np.add.outer(np.arange(h) * 3, np.arange(w) * 7) % (mx + 1)).astype(np.int64)
            a = np.stack([a, (a * 5 + 11) % (mx + 1), rng.integers(0, mx + 1, (h, w))], -1)[..., :c]
            ext = 'pgm' if c == 1 else 'ppm'
            src = f'/tmp/rsedit_check_tiff/s.{ext}'
            with open(src, 'wb') as f:
                f.write(b'P%d\n%d %d\n%d\n' % (5 if c == 1 else 6, w, h, mx))
                f.write(a.astype('>u2' if bits == 16 else 'u1').tobytes())
            out = f'/tmp/rsedit_check_tiff/o_{w}_{c}_{bits}.tif'
            subprocess.check_call(['./rsedit', 'convert', src, out, '--bits', str(bits)])
            im = Image.open(out)
            try:
                im.load()
                p = np.array(im).astype(np.int64)
                if c == 1: want = a[..., 0]
                else: want = a if im.mode != 'RGB' or bits == 8 else a >> 8
                same = p.shape == want.shape and (p == want).all()
                print(w, h, c, bits, im.mode, im.info.get('compression'), 'tiled' if 'tile' in str(im.tag_v2.get(322,'')) or im.tag_v2.get(322) else 'strips', 'equal' if same else 'DIFFER')
                ok &= bool(same)
            except Exception as e:
                print(w, h, c, bits, 'Pillow error', e); ok = False
print('all equal' if ok else 'FAIL')
sys.exit(0 if ok else 1)
