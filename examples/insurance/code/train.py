"""Insurance charges with a PyTorch neural network: a SageMaker script-mode training script.

Reads ``train.csv`` (with a header, target ``charges``) from the ``train`` channel, one-hot
encodes the categorical columns, standardises inputs and target, trains a one-hidden-layer
network on 80% and reports ``validation mse: <value>`` (in dollars²) every epoch on the
other 20%. Runs unchanged on SageMaker's PyTorch container.
"""

import argparse
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

CATEGORICAL = ["sex", "smoker", "region"]
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def encode(frame, columns=None):
    encoded = pd.get_dummies(frame, columns=CATEGORICAL, dtype=float)
    return encoded if columns is None else encoded.reindex(columns=columns, fill_value=0.0)


def build(n_inputs, num_neurons, activation):
    return nn.Sequential(
        nn.Linear(n_inputs, num_neurons), ACTIVATIONS[activation](), nn.Linear(num_neurons, 1)
    )


def model_fn(model_dir):
    """Load the network and its preprocessing for serving."""
    meta = json.loads((Path(model_dir) / "meta.json").read_text())
    model = build(len(meta["columns"]), meta["num_neurons"], meta["activation"])
    model.load_state_dict(torch.load(Path(model_dir) / "model.pt", weights_only=True))
    return model.eval(), meta


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--num-neurons", type=int, default=64)
    parser.add_argument("--activation", default="relu", choices=sorted(ACTIVATIONS))
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR"))
    parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN"))
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)

    frame = pd.read_csv(Path(args.train) / "train.csv")
    x_frame = encode(frame.drop(columns="charges"))
    x = x_frame.to_numpy(dtype=np.float32)
    y = frame["charges"].to_numpy(dtype=np.float32)
    order = np.random.default_rng(args.seed).permutation(len(x))
    cut = int(0.8 * len(x))
    fit_rows, val_rows = order[:cut], order[cut:]
    x_mean, x_std = x[fit_rows].mean(0), x[fit_rows].std(0) + 1e-6
    y_mean, y_std = y[fit_rows].mean(), y[fit_rows].std()
    xs = torch.from_numpy((x - x_mean) / x_std)
    ys = torch.from_numpy((y - y_mean) / y_std)

    model = build(x.shape[1], args.num_neurons, args.activation)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    loss_fn = nn.MSELoss()
    fit_x, fit_y, val_x = xs[fit_rows], ys[fit_rows], xs[val_rows]
    for epoch in range(args.epochs):
        model.train()
        for batch in torch.randperm(len(fit_x)).split(args.batch_size):
            optimizer.zero_grad()
            loss = loss_fn(model(fit_x[batch]).squeeze(1), fit_y[batch])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            predicted = model(val_x).squeeze(1).numpy() * y_std + y_mean
        mse = float(np.mean((predicted - y[val_rows]) ** 2))
        print(f"epoch {epoch + 1} validation mse: {mse:.1f}")

    torch.save(model.state_dict(), Path(args.model_dir) / "model.pt")
    meta = {
        "columns": list(x_frame.columns),
        "x_mean": x_mean.tolist(),
        "x_std": x_std.tolist(),
        "y_mean": float(y_mean),
        "y_std": float(y_std),
        "num_neurons": args.num_neurons,
        "activation": args.activation,
    }
    (Path(args.model_dir) / "meta.json").write_text(json.dumps(meta))
