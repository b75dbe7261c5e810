#!/usr/bin/python3
"""Scikit-learn reference values for normlab's data normalizers.

Run with Debian's interpreter (python3-sklearn, python3-torch):
    /usr/bin/python3 reference/sklearn_scalers.py
Writes core/src/test/resources/sklearn/scalers.safetensors (float64 tensors, settings in the
metadata), which org.normlab.data.preprocess tests compare against; tests need no Python.
"""
import os
import sys

import numpy as np
import sklearn
import torch
from sklearn.decomposition import PCA
from sklearn.preprocessing import MinMaxScaler, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from golden_io import write_case  # noqa: E402

OUT = os.path.join(HERE, "..", "core", "src", "test", "resources", "sklearn", "scalers.safetensors")


def data(rng, n):
    """Six features of different scales: normal, uniform, log-normal, a correlated one, a
    constant one (zero variance) and a large-scale one."""
    a = rng.normal(5.0, 2.0, n)
    b = rng.uniform(-3.0, 7.0, n)
    c = rng.lognormal(0.0, 0.7, n)
    d = 0.8 * a - 0.5 * b + rng.normal(0.0, 0.5, n)
    e = np.full(n, 3.5)
    f = rng.normal(-2000.0, 700.0, n)
    return np.stack([a, b, c, d, e, f], axis=1)


def main():
    rng = np.random.default_rng(20180211)
    train = data(rng, 150)
    test = data(rng, 20) * 1.5 - 1.0  # shifted and wider: outside the training range
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64))  # noqa: E731

    tensors = {"train": t(train), "test": t(test)}
    mm = MinMaxScaler().fit(train)
    tensors.update(minmax_data_min=t(mm.data_min_), minmax_data_max=t(mm.data_max_),
                   minmax_scale=t(mm.scale_), minmax_min=t(mm.min_),
                   minmax_test=t(mm.transform(test)))
    mmc = MinMaxScaler(feature_range=(-1.0, 2.0), clip=True).fit(train)
    tensors.update(minmax_clip_test=t(mmc.transform(test)),
                   minmax_clip_inverse=t(mmc.inverse_transform(mmc.transform(test))))
    ss = StandardScaler().fit(train)
    tensors.update(standard_mean=t(ss.mean_), standard_var=t(ss.var_),
                   standard_scale=t(ss.scale_), standard_test=t(ss.transform(test)))
    tensors.update(standard_no_mean_test=t(StandardScaler(with_mean=False).fit(train).transform(test)),
                   standard_no_std_test=t(StandardScaler(with_std=False).fit(train).transform(test)))
    # PCA whitening on the five non-constant features (the constant one makes the covariance singular).
    cols = [0, 1, 2, 3, 5]
    pca = PCA(whiten=True, svd_solver="full").fit(train[:, cols])
    tensors.update(pca_mean=t(pca.mean_), pca_components=t(pca.components_),
                   pca_explained_variance=t(pca.explained_variance_),
                   pca_test=t(pca.transform(test[:, cols])))
    meta = {"sklearn": sklearn.__version__, "numpy": np.__version__,
            "minmax_clip_range": "-1.0,2.0", "pca_columns": ",".join(map(str, cols))}
    write_case(OUT, "sklearn_reference", meta, tensors)
    print(f"scikit-learn {sklearn.__version__}: wrote {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
