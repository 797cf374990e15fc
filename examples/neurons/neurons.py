"""Neurons from scratch: logic gates, activation functions, losses and the learning rate.

    python examples/neurons/neurons.py [--fast] [--out DIR]

Needs no dataset. The notebook ``neurons.ipynb`` has the same cells.
"""

# %% [markdown]
# # Neurons from scratch
#
# A single artificial neuron computes `activation(w · x + b)`. This notebook shows what one
# neuron can and cannot learn (AND and OR yes, XOR no), how a hidden layer of two neurons
# fixes XOR, what the usual activation functions and losses look like, and how the learning
# rate decides whether gradient descent converges. At the end, sabio's MLP built-in learns
# XOR as an ordinary training job.

# %%
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
sys.path.insert(0, str(HERE.parent))

import matplotlib.pyplot as plt
import numpy as np
from _common import example_args

args = example_args("neurons", "Neurons from scratch")
rng = np.random.default_rng(0)

# %% [markdown]
# ## Activation functions
# Step and sign are what the first perceptrons used; sigmoid, tanh and ReLU are
# differentiable (almost everywhere), which gradient descent needs. Softmax turns a vector of
# scores into probabilities.

# %%
z = np.linspace(-5, 5, 201)
activations = {
    "step": (z >= 0).astype(float),
    "sign": np.sign(z),
    "sigmoid": 1 / (1 + np.exp(-z)),
    "tanh": np.tanh(z),
    "ReLU": np.maximum(z, 0),
}
fig, axes = plt.subplots(1, 6, figsize=(18, 3))
for ax, (name, values) in zip(axes, activations.items(), strict=False):
    ax.plot(z, values)
    ax.set_title(name)
    ax.grid(alpha=0.3)
scores = np.array([2.0, 1.0, 0.1])
softmax = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
axes[5].bar(["a", "b", "c"], softmax)
axes[5].set_title("softmax([2, 1, 0.1])")
fig.tight_layout()
fig.savefig(args.out / "activations.png")
print("softmax([2, 1, 0.1]) =", softmax.round(3), "sum =", softmax.sum())

# %% [markdown]
# ## Loss functions
# For a true label of 1, mean squared error grows slowly as the prediction goes wrong;
# cross-entropy punishes a confident wrong answer without bound, which is why classifiers use it.

# %%
p = np.linspace(0.001, 0.999, 200)
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(p, (1 - p) ** 2, label="MSE  (1 - p)²")
ax.plot(p, -np.log(p), label="cross-entropy  -log p")
ax.set_xlabel("predicted probability of the true class")
ax.set_ylim(0, 5)
ax.legend()
fig.tight_layout()
fig.savefig(args.out / "losses.png")

# %% [markdown]
# ## One neuron learns AND and OR, not XOR
# A sigmoid neuron trained by gradient descent on the cross-entropy. Its decision boundary is
# a straight line, and no straight line separates XOR's two classes.

# %%
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
gates = {
    "AND": np.array([0, 0, 0, 1.0]),
    "OR": np.array([0, 1, 1, 1.0]),
    "XOR": np.array([0, 1, 1, 0.0]),
}


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def train_neuron(y: np.ndarray, lr: float = 1.0, epochs: int = 5000) -> tuple[np.ndarray, float]:
    w, b = rng.normal(size=2), 0.0
    for _ in range(epochs):
        out = sigmoid(X @ w + b)
        grad = out - y  # d(cross-entropy)/d(pre-activation)
        w -= lr * X.T @ grad / len(y)
        b -= lr * grad.mean()
    return w, b


single = {}
for gate, y in gates.items():
    w, b = train_neuron(y)
    predicted = (sigmoid(X @ w + b) >= 0.5).astype(float)
    single[gate] = float((predicted == y).mean())
    print(f"{gate:>3}: one neuron predicts {predicted.astype(int)}, accuracy {single[gate]:.2f}")

assert single["AND"] == 1.0 and single["OR"] == 1.0
assert single["XOR"] <= 0.75  # a line gets at most 3 of the 4 XOR points right

# %% [markdown]
# ## A hidden layer of two neurons learns XOR
# Two hidden sigmoid neurons (think "OR" and "NAND") and one output neuron ("AND" of them).
# Trained with backpropagation; some random starts get stuck in a poor local minimum, so we
# try a few seeds and count how many solve it.

# %%


def train_xor(seed: int, lr: float = 2.0, epochs: int = 5000) -> tuple[float, list[float]]:
    g = np.random.default_rng(seed)
    w1, b1 = g.normal(size=(2, 2)), np.zeros(2)
    w2, b2 = g.normal(size=2), 0.0
    y = gates["XOR"]
    history = []
    for _ in range(epochs):
        hidden = sigmoid(X @ w1 + b1)
        out = sigmoid(hidden @ w2 + b2)
        history.append(float(-np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))))
        d_out = (out - y) / len(y)
        d_hidden = np.outer(d_out, w2) * hidden * (1 - hidden)
        w2 -= lr * hidden.T @ d_out
        b2 -= lr * d_out.sum()
        w1 -= lr * X.T @ d_hidden
        b1 -= lr * d_hidden.sum(axis=0)
    predicted = (sigmoid(sigmoid(X @ w1 + b1) @ w2 + b2) >= 0.5).astype(float)
    return float((predicted == y).mean()), history


results = [train_xor(seed) for seed in range(10)]
solved = sum(accuracy == 1.0 for accuracy, _ in results)
print(f"2-2-1 network solved XOR from {solved} of 10 random starts")
best_history = next(history for accuracy, history in results if accuracy == 1.0)
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(best_history)
ax.set_xlabel("epoch")
ax.set_ylabel("cross-entropy")
ax.set_title("XOR with one hidden layer of 2")
fig.tight_layout()
fig.savefig(args.out / "xor_loss.png")
assert solved >= 5

# %% [markdown]
# ## The learning rate
# Gradient descent on the one-neuron OR problem with four learning rates: too small crawls,
# a good one converges in a few hundred steps, and on the simple bowl `f(w) = w²` a step
# larger than 1 overshoots further every time and diverges.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3))
for lr in (0.01, 0.1, 1.0, 10.0):
    w, b, losses = np.zeros(2), 0.0, []
    for _ in range(500):
        out = sigmoid(X @ w + b)
        losses.append(
            float(-np.mean(gates["OR"] * np.log(out) + (1 - gates["OR"]) * np.log(1 - out)))
        )
        grad = out - gates["OR"]
        w -= lr * X.T @ grad / 4
        b -= lr * grad.mean()
    left.plot(losses, label=f"lr={lr}")
left.set_xlabel("step")
left.set_ylabel("cross-entropy")
left.set_title("one neuron, OR")
left.legend()
for lr in (0.1, 0.5, 0.9, 1.05):
    w, path = 1.0, []
    for _ in range(30):
        path.append(w)
        w -= lr * 2 * w  # the gradient of w² is 2w
    right.plot(np.abs(path), label=f"lr={lr}")
right.set_yscale("log")
right.set_xlabel("step")
right.set_ylabel("|w|")
right.set_title("f(w) = w²: lr > 1 diverges")
right.legend()
fig.tight_layout()
fig.savefig(args.out / "learning_rate.png")

# %% [markdown]
# ## The MLP built-in learns XOR as a training job
# The same problem through sabio's SageMaker-style workflow: upload a headerless CSV with the
# label first, train the `mlp` built-in with one hidden layer, read the job's metrics. XOR has
# only four rows, so the validation channel is the training data itself.

# %%
import tempfile

import sabio as sagemaker
from sabio.estimator import Estimator

session = sagemaker.Session()
with tempfile.TemporaryDirectory() as tmp:
    rows = np.column_stack([gates["XOR"], X])
    np.savetxt(Path(tmp) / "xor.csv", np.repeat(rows, 8, axis=0), delimiter=",", fmt="%g")
    data_uri = session.upload_data(str(Path(tmp) / "xor.csv"), key_prefix="neurons/xor")

mlp = Estimator(
    image_uri=sagemaker.image_uris.retrieve("mlp"),
    role=sagemaker.get_execution_role(),
    instance_count=1,
    instance_type="local",
    hyperparameters={
        "hidden_layers": "4",
        "activation": "tanh",
        "learning_rate": 0.05,
        "batch_size": 32,
        "epochs": 150 if args.fast else 400,
        "early_stopping_patience": 0,
        "dropout": 0.0,
        "predictor_type": "binary_classifier",
    },
    base_job_name="neurons-xor",
)
mlp.fit({"train": data_uri, "validation": data_uri}, logs=False)
final = {m["MetricName"]: m["Value"] for m in mlp.describe()["FinalMetricDataList"]}
print(f"MLP built-in on XOR: validation accuracy {final['validation:accuracy']:.2f}")
print("model artefact:", mlp.model_data)
print("figures in", args.out)
