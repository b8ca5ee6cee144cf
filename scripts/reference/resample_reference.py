"""Reference vectors for src-main/core/resample.test.ts, made with scipy.signal.resample_poly.

Run: python3 scripts/reference/resample_reference.py > src-main/core/__fixtures__/resample-reference.json
"""
import json
import sys

import numpy as np
import scipy
import scipy.signal as ss

rng = np.random.default_rng(7)
cases = []
# Long enough for the filter's steady state, plus signals shorter than the filter (every output
# then sees the zero padding), down to one sample.
for from_hz, n in ((256, 512), (500, 700), (512, 800), (250, 333), (100, 150), (1000, 1200), (200, 10),
                   (256, 7), (500, 3), (100, 4), (1000, 1), (250, 41)):
    t = np.arange(n) / from_hz
    x = (np.cumsum(rng.normal(size=n)) + 20 * np.sin(2 * np.pi * 7 * t) + 5 * np.sin(2 * np.pi * 90 * t)).astype(np.float32).astype(np.float64)
    g = np.gcd(200, from_hz)
    up, down = 200 // g, from_hz // g
    cases.append(dict(fromHz=from_hz, up=int(up), down=int(down), x=x.tolist(), y=ss.resample_poly(x, up, down).tolist()))
firwin = ss.firwin(2 * 10 * 32 + 1, 1 / 32, window=("kaiser", 5.0)).tolist()
json.dump(dict(generator=f"scripts/reference/resample_reference.py, numpy {np.__version__}, scipy {scipy.__version__}",
               cases=cases, firwin=dict(taps=641, cutoff=1 / 32, h=firwin)), sys.stdout)
