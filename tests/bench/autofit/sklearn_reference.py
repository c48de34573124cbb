#!/usr/bin/env python3
"""scikit-learn's reference scores for the AutoFit benchmark, computed once on the same fixed splits
(datasets.py) and kept beside this script in sklearn-reference.json: logistic regression / ridge, an
MLP and a random forest, each with its usual defaults (standardised inputs for the linear and MLP
models). Test accuracy for classification, test R² for regression.
Usage: /usr/bin/python3 sklearn_reference.py (Debian's Python, where python3-sklearn lives)  (rewrites sklearn-reference.json)"""
import json
import os
import platform

import sklearn
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from datasets import DATASETS, split


def models(task):
    if task == "classification":
        return {
            "linear": make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)),
            "mlp": make_pipeline(StandardScaler(), MLPClassifier(max_iter=2000, random_state=0)),
            "forest": RandomForestClassifier(n_estimators=300, random_state=0),
        }
    return {
        "linear": make_pipeline(StandardScaler(), Ridge()),
        "mlp": make_pipeline(StandardScaler(), MLPRegressor(max_iter=5000, random_state=0)),
        "forest": RandomForestRegressor(n_estimators=300, random_state=0),
    }


def main():
    out = {"sklearn": sklearn.__version__, "python": platform.python_version(), "metric": "test accuracy or R2", "datasets": {}}
    for name in DATASETS:
        xtr, xte, ytr, yte, task = split(name)
        scores = {}
        for key, model in models(task).items():
            model.fit(xtr, ytr)
            scores[key] = round(float(model.score(xte, yte)), 4)  # accuracy or R2
        out["datasets"][name] = {"task": task, "train": len(ytr), "test": len(yte), **scores}
        print(name, scores)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "sklearn-reference.json"), "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
