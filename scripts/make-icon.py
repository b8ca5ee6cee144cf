"""Draws resources/icon.png (256×256): an EEG trace with a spike-wave burst on a dark tile.

Run: python3 scripts/make-icon.py
"""
import math
import struct
import zlib

N = 256
bg, fg, accent = (17, 20, 24), (90, 169, 255), (255, 138, 128)
px = [[bg for _ in range(N)] for _ in range(N)]
for row in range(3):
    y0 = 70 + row * 58
    color = accent if row == 1 else fg
    prev = None
    for x in range(24, N - 24):
        t = (x - 24) / (N - 48)
        y = y0 + 10 * math.sin(2 * math.pi * 5 * t + row)
        if row == 1 and 0.35 < t < 0.65:
            y -= 28 * max(0.0, math.cos(2 * math.pi * 3 * (t - 0.35))) ** 9 - 10 * math.sin(2 * math.pi * 3 * (t - 0.35))
        iy = int(round(y))
        lo, hi = (iy, iy) if prev is None else (min(prev, iy), max(prev, iy))
        for yy in range(lo - 2, hi + 3):
            if 0 <= yy < N:
                px[yy][x] = color
        prev = iy
raw = b"".join(b"\x00" + bytes(c for p in row for c in p) for row in px)
chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
open("resources/icon.png", "wb").write(png)
