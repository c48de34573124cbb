#!/usr/bin/env python3
"""The AutoFit benchmark's data: scikit-learn's bundled datasets (Debian's python3-sklearn, no
download) written as CSV with one fixed split (75 % train, 25 % test, stratified for classes, seed 0).
Usage: datasets.py OUT_DIR  -> OUT_DIR/<name>-train.csv, OUT_DIR/<name>-test.csv; prints the names."""
import csv
import os
import sys

from sklearn import datasets
from sklearn.model_selection import train_test_split

# name -> (loader, task)
DATASETS = {
    "iris": (datasets.load_iris, "classification"),
    "wine": (datasets.load_wine, "classification"),
    "breast_cancer": (datasets.load_breast_cancer, "classification"),
    "digits": (datasets.load_digits, "classification"),
    "diabetes": (datasets.load_diabetes, "regression"),
}


def split(name):
    """The fixed split every peer uses: X_train, X_test, y_train, y_test, task."""
    loader, task = DATASETS[name]
    d = loader()
    strat = d.target if task == "classification" else None
    xtr, xte, ytr, yte = train_test_split(d.data, d.target, test_size=0.25, random_state=0, stratify=strat)
    return xtr, xte, ytr, yte, task


def write(path, x, y, task):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"f{j}" for j in range(x.shape[1])] + ["target"])
        for row, label in zip(x, y):
            # Class labels as text so the CSV reader sees a categorical target.
            w.writerow([repr(float(v)) for v in row] + [f"c{int(label)}" if task == "classification" else repr(float(label))])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in DATASETS:
        xtr, xte, ytr, yte, task = split(name)
        write(os.path.join(out, f"{name}-train.csv"), xtr, ytr, task)
        write(os.path.join(out, f"{name}-test.csv"), xte, yte, task)
        print(name, task, len(ytr), len(yte))


if __name__ == "__main__":
    main()
