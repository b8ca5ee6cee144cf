"""What a generated dataset allows: the KL of oracles and of a hand-feature baseline, against its floor.

Run: python3 scripts/analysis/quality_ceiling.py <cacheDir> <hmsFolder>
(the cache from `hms preprocess <hmsFolder>`; the folder from `hms generate`, for its truth.csv).

Prints one JSON object. Every figure is the mean KL(votes || prediction) over the cache's usable
windows, as `hms train` scores them, and its ratio to the floor KL(votes || truth):
- class oracle: told each window's true main class, predicts that class's mean truth;
- class+ambiguity oracle: also told whether the window went to >= 10 raters;
- feature baseline: hemisphere-symmetric band powers, kurtosis, line length and periodicity per
  chain, softmax regression or a 32-unit MLP, patient-grouped 5-fold cross-validation; the best of
  a small grid chosen on the held-out folds themselves, so it flatters the baseline.
Used for the training issue's quality bar: whether the bar is a matter of the model or of the data.
"""
import csv
import json
import sys

import numpy as np
from scipy.signal import welch
from scipy.stats import kurtosis

CLASSES = ["seizure", "lpd", "gpd", "lrda", "grda", "other"]
BANDS = [(0.5, 1.5), (1.5, 2.5), (2.5, 3.5), (3.5, 5), (5, 8), (8, 13), (13, 20)]
LEFT = [0, 1, 2, 3, 8, 9, 10, 11]
RIGHT = [4, 5, 6, 7, 12, 13, 14, 15]
MIDLINE = [16, 17]
# The labels count samples at 200 Hz; a cache built with --rate 50 stores each 4 samples' mean.
LABEL_FS = 200


def kl(targets, predictions):
    p = np.clip(predictions, 1e-15, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(targets > 0, targets * np.log(targets / p), 0)
    return float(terms.sum(1).mean())


def window_features(x, fs):
    x = x - x.mean(1, keepdims=True)
    f, p = welch(x, fs=fs, nperseg=4 * fs, axis=1)
    powers = np.log(np.stack([p[:, (f >= a) & (f < b)].mean(1) for a, b in BANDS], 1) + 1e-6)
    peakedness = np.log(kurtosis(x, axis=1) + 3.5)[:, None]
    line_length = np.log(np.abs(np.diff(x, axis=1)).mean(1) + 1e-6)[:, None]
    rectified = np.abs(x) - np.abs(x).mean(1, keepdims=True)
    spectrum = np.fft.rfft(rectified, n=2 * x.shape[1], axis=1)
    autocorrelation = np.fft.irfft(spectrum * np.conj(spectrum), axis=1)[:, : x.shape[1]]
    periodicity = (autocorrelation[:, int(0.35 * fs) : 2 * fs].max(1) / autocorrelation[:, 0])[:, None]
    chains = np.concatenate([powers, peakedness, line_length, periodicity], 1)
    symmetric = np.concatenate([(chains[LEFT] + chains[RIGHT]) / 2, np.abs(chains[LEFT] - chains[RIGHT]), chains[MIDLINE]])
    overall = np.concatenate([chains.mean(0), chains.std(0), np.abs(chains[LEFT].mean(0) - chains[RIGHT].mean(0))])
    return np.concatenate([symmetric.ravel(), overall])


def softmax(z):
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def fit(x, y, l2, hidden, steps=2000, lr=0.03):
    """Soft-target cross-entropy (= KL up to a constant) with Adam, full batch."""
    rng = np.random.default_rng(0)
    n, d = x.shape
    width = hidden or d
    params = [np.zeros((width, 6)) if not hidden else rng.normal(0, width**-0.5, (width, 6)), np.log(y.mean(0) + 1e-3)]
    if hidden:
        params += [rng.normal(0, d**-0.5, (d, hidden)), np.zeros(hidden)]
    first = [np.zeros_like(a) for a in params]
    second = [np.zeros_like(a) for a in params]

    def forward(z):
        h = np.maximum(z @ params[2] + params[3], 0) if hidden else z
        return h, softmax(h @ params[0] + params[1])

    for step in range(1, steps + 1):
        h, prob = forward(x)
        dz = (prob - y) / n
        grads = [h.T @ dz + l2 * params[0], dz.sum(0)]
        if hidden:
            dh = dz @ params[0].T * (h > 0)
            grads += [x.T @ dh + l2 * params[2], dh.sum(0)]
        for i, g in enumerate(grads):
            first[i] = 0.9 * first[i] + 0.1 * g
            second[i] = 0.999 * second[i] + 0.001 * g * g
            params[i] -= lr * (first[i] / (1 - 0.9**step)) / (np.sqrt(second[i] / (1 - 0.999**step)) + 1e-8)
    return lambda z: forward(z)[1]


def main(cache_dir, folder):
    manifest = json.load(open(f"{cache_dir}/manifest.json"))
    truth_of = {r["label_id"]: [float(r[c]) for c in CLASSES] for r in csv.DictReader(open(f"{folder}/truth.csv"))}
    recordings = {r["eegId"]: np.load(f"{cache_dir}/{r['file']}", mmap_mode="r") for r in manifest["recordings"]}
    windows = [w for w in manifest["windows"] if not w.get("rejected") and w["eegId"] in recordings]
    samples = manifest["windowSamples"]
    fs = manifest.get("sampleRateHz", LABEL_FS)
    step = LABEL_FS // fs
    x = np.array([window_features(np.asarray(recordings[w["eegId"]][:18, w["startSample"] // step : w["startSample"] // step + samples], np.float64), fs) for w in windows])
    votes = np.array([w["target"] for w in windows])
    truth = np.array([truth_of[w["labelId"]] for w in windows])
    patients = np.array([w["patientId"] for w in windows])
    many = np.array([w["totalVotes"] >= 10 for w in windows])

    floor = kl(votes, truth)
    main_class = truth.argmax(1)
    by_class = np.array([truth[main_class == c].mean(0) for c in main_class])
    by_class_and_raters = np.array([truth[(main_class == c) & (many == m)].mean(0) for c, m in zip(main_class, many)])

    folds = np.random.default_rng(1).permutation(np.unique(patients))
    best = None
    for hidden in (0, 32):
        for l2 in (0.01, 0.03, 0.1, 0.3):
            prediction = np.zeros_like(votes)
            for k in range(5):
                held_out = np.isin(patients, folds[k::5])
                mean, std = x[~held_out].mean(0), x[~held_out].std(0) + 1e-6
                prediction[held_out] = fit((x[~held_out] - mean) / std, votes[~held_out], l2, hidden)((x[held_out] - mean) / std)
            score = kl(votes, prediction)
            if best is None or score < best["kl"]:
                accuracy = float((prediction.argmax(1) == main_class).mean())
                best = {"kl": score, "ratio": score / floor, "accuracy": accuracy, "hidden": hidden, "l2": l2}

    print(json.dumps({
        "windows": len(windows),
        "patients": int(len(np.unique(patients))),
        "floorKL": floor,
        "classOracle": {"kl": kl(votes, by_class), "ratio": kl(votes, by_class) / floor},
        "classAndRatersOracle": {"kl": kl(votes, by_class_and_raters), "ratio": kl(votes, by_class_and_raters) / floor},
        "featureBaseline": best,
    }, indent=1))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
