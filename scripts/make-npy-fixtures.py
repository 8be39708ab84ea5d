#!/usr/bin/env python3
"""Writes the numpy fixtures of Tests/FDFALanguageTests/NpyTests.swift (the tests never need numpy).

    /tmp/venv/bin/python scripts/make-npy-fixtures.py      # any Python with numpy

- dtypes.npz (np.savez_compressed: deflated members): one array per dtype and byte order, named
  after it ("lt_f2", "gt_f8", "u1", "b1", ...), each holding the values below.
- list.npz (np.savez(path, a, b): stored members arr_0, arr_1): a 2×3 float32 and a 4-element int64.
- huge.npy: float64 [1.0, 1e300] (beyond float32's range).
"""
import os
import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "FDFALanguageTests", "Fixtures")
os.makedirs(out, exist_ok=True)
signed = [1, -2, 3, -128 + 1]
unsigned = [1, 2, 250, 0]
floats = [0.5, -2.0, 1024.0, -0.125]
arrays = {}
for order, tag in [("<", "lt"), (">", "gt")]:
    for kind in ["f2", "f4", "f8"]:
        arrays[f"{tag}_{kind}"] = np.array(floats, dtype=order + kind)
    for kind in ["i2", "i4", "i8"]:
        arrays[f"{tag}_{kind}"] = np.array(signed, dtype=order + kind)
    for kind in ["u2", "u4", "u8"]:
        arrays[f"{tag}_{kind}"] = np.array(unsigned, dtype=order + kind)
arrays["i1"] = np.array(signed, dtype="i1")
arrays["u1"] = np.array(unsigned, dtype="u1")
arrays["b1"] = np.array([True, False, True, True])
np.savez_compressed(os.path.join(out, "dtypes.npz"), **arrays)
np.savez(os.path.join(out, "list.npz"), np.arange(6, dtype=np.float32).reshape(2, 3), np.array([7, -8, 9, 10], dtype=np.int64))
np.save(os.path.join(out, "huge.npy"), np.array([1.0, 1e300]))
print("wrote", out)
