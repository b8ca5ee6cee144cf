"""Reference vectors for src-main/core/filters.test.ts and montage.test.ts, made with scipy/numpy.

Run: python3 scripts/reference/filters_reference.py > src-main/core/__fixtures__/signal-reference.json
"""
import json
import sys

import numpy as np
import scipy
import scipy.signal as ss

rng = np.random.default_rng(20261124)

designs = []
for fs in (200, 256):
    for order in (1, 2, 3, 4, 5, 8):
        designs.append(dict(order=order, cutoff=[0.5, 20], band="bandpass", fs=fs))
        designs.append(dict(order=order, cutoff=[45, 55], band="bandstop", fs=fs))
        designs.append(dict(order=order, cutoff=0.5, band="highpass", fs=fs))
        designs.append(dict(order=order, cutoff=40, band="lowpass", fs=fs))
designs.append(dict(order=4, cutoff=[1, 70], band="bandpass", fs=256))
designs.append(dict(order=6, cutoff=[0.1, 99], band="bandpass", fs=200))
for d in designs:
    d["sos"] = ss.butter(d["order"], d["cutoff"], d["band"], fs=d["fs"], output="sos").tolist()

notches = []
for f0, fs in ((50, 200), (60, 200), (50, 256), (60, 256)):
    b, a = ss.iirnotch(f0, 30, fs=fs)
    notches.append(dict(freq=f0, fs=fs, sos=np.concatenate([b, a]).tolist()))

# Filtering: a random walk plus sines, so every band has power; float32 values like EEG files.
n = 600
t = np.arange(n) / 200
x = (np.cumsum(rng.normal(size=n)) + 30 * np.sin(2 * np.pi * 10 * t) + 10 * np.sin(2 * np.pi * 60 * t)).astype(np.float32).astype(np.float64)
filtering = []
for d in designs[:24:3] + designs[1:24:6]:
    sos = np.array(d["sos"])
    filtering.append(dict(design=designs.index(d), causal=ss.sosfilt(sos, x).tolist(), zeroPhase=ss.sosfiltfilt(sos, x).tolist()))
zi = [ss.sosfilt_zi(np.array(designs[i]["sos"])).ravel().tolist() for i in (0, 9, 19)]

w, h = ss.sosfreqz(np.array(designs[9]["sos"]), worN=64, fs=200)

# Montage: 19 electrodes + EKG, HMS order.
electrodes = ["Fp1", "F3", "C3", "P3", "F7", "T3", "T5", "O1", "Fz", "Cz", "Pz", "Fp2", "F4", "C4", "P4", "F8", "T4", "T6", "O2"]
chains = [("Fp1", "F7"), ("F7", "T3"), ("T3", "T5"), ("T5", "O1"), ("Fp2", "F8"), ("F8", "T4"), ("T4", "T6"), ("T6", "O2"),
          ("Fp1", "F3"), ("F3", "C3"), ("C3", "P3"), ("P3", "O1"), ("Fp2", "F4"), ("F4", "C4"), ("C4", "P4"), ("P4", "O2"),
          ("Fz", "Cz"), ("Cz", "Pz")]
block = (rng.normal(size=(20, 64)) * 40 + rng.normal(size=(20, 1)) * 60).astype(np.float32)
idx = {e: i for i, e in enumerate(electrodes)}
bipolar = np.stack([block[idx[a]] - block[idx[b]] for a, b in chains] + [block[19]])
average = np.concatenate([block[:19] - block[:19].astype(np.float64).mean(axis=0), block[19:]])

json.dump(dict(
    generator=f"scripts/reference/filters_reference.py, numpy {np.__version__}, scipy {scipy.__version__}",
    designs=designs, notches=notches, signal=x.tolist(), filtering=filtering,
    zi=dict(designs=[0, 9, 19], values=zi),
    freqz=dict(design=9, freqHz=w.tolist(), magnitudeDb=(20 * np.log10(np.abs(h))).tolist()),
    montage=dict(input=block.tolist(), bipolar=bipolar.astype(np.float32).tolist(), average=average.astype(np.float32).tolist()),
), sys.stdout)
