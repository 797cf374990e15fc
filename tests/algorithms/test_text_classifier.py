"""The text-classifier built-in: the three model types as real job programs, data checks with
clear errors, per-epoch metrics, the evaluation report and the inference handlers."""

from __future__ import annotations

import json
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sabio import image_uris
from sabio.algorithms._errors import PayloadError
from sabio.algorithms.text_classifier import inference
from sabio.algorithms.text_classifier._program import main
from sabio.model import Model
from sabio.session import Session

from ._jobs import DATASETS, Job, finish_job, job_environ, make_job, start_job

_KEYWORDS = {
    "flu": ["fever", "cough", "chills", "aching muscles", "sore throat", "runny nose"],
    "eczema": ["itchy skin", "red patches", "dry skin", "a rash", "scaly elbows", "cracked hands"],
    "migraine": ["headache", "throbbing pain", "nausea", "light hurts", "blurred vision", "dizzy"],
}
_FILLER = ["for days", "since monday", "and I feel tired", "at night", "a lot", "it is bad"]


def symptoms(n_per_class: int = 30, seed: int = 0) -> pd.DataFrame:
    """Synthetic symptom descriptions: each names three keywords of its class."""
    rng = np.random.default_rng(seed)
    rows = []
    for label, words in _KEYWORDS.items():
        for _ in range(n_per_class):
            picked = rng.choice(words, size=3, replace=False)
            filler = rng.choice(_FILLER, size=2, replace=False)
            text = f"I have {picked[0]} {filler[0]}, also {picked[1]} and {picked[2]} {filler[1]}."
            rows.append({"label": label, "text": text})
    return pd.DataFrame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _jsonl(frame: pd.DataFrame) -> str:
    return "\n".join(json.dumps(r) for r in frame.to_dict(orient="records")) + "\n"


def _specs() -> dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    data = symptoms(40)
    train, valid, test = data.iloc[:80], data.iloc[80:100], data.iloc[100:]
    valid = pd.concat([valid, train.iloc[:3]], ignore_index=True)  # 3 texts leak from train
    names = {"text": "symptoms", "label": "disease"}
    renamed, renamed_test = train.rename(columns=names), test.rename(columns=names)
    jsonl = "application/jsonlines"
    return {
        "tfidf": (
            {"train": train, "validation": valid, "test": test},
            {"model_type": "tfidf", "_tuning_objective_metric": "validation:macro_f1"},
            {},
        ),
        "bilstm": (
            {"train": _jsonl(renamed), "test": _jsonl(renamed_test)},
            {
                "model_type": "bilstm",
                "epochs": 2,
                "embedding_dim": 8,
                "rnn_units": 8,
                "batch_size": 16,
                "text_column": "symptoms",
                "label_column": "disease",
                "_tuning_objective_metric": "test:accuracy",
                "num_threads": 1,
            },
            {"fmt": "jsonl", "content_types": dict.fromkeys(("train", "test"), jsonl)},
        ),
    }


@pytest.fixture(scope="module")
def jobs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Job]]:
    """Start the standard jobs together; ``jobs(name)`` waits for one."""
    root = tmp_path_factory.mktemp("text")
    started: dict[str, tuple[Job, subprocess.Popen[str]]] = {}
    for name, (channels, hps, kw) in _specs().items():
        job = make_job(root / name, channels, hps, header=True, **kw)
        started[name] = (job, start_job(job, "text_classifier"))
    done: dict[str, Job] = {}

    def get(name: str) -> Job:
        if name not in done:
            job, process = started[name]
            done[name] = finish_job(job, process)
            if job.returncode != 0:
                raise AssertionError(f"job {name} failed:\n{job.stderr[-3000:]}")
        return done[name]

    yield get
    for _, process in started.values():
        if process.poll() is None:
            process.kill()
            process.communicate()


def _run_inline(root: Path, channels: dict[str, Any], hps: dict[str, Any]) -> tuple[int, str]:
    job = make_job(root, channels, hps, header=True)
    status = main(job_environ(job))
    return status, job.failure or ""


def test_text_classifier_tfidf_report_metrics_and_warnings(jobs: Callable[[str], Job]) -> None:
    job = jobs("tfidf")
    evaluation = job.evaluation()
    section = evaluation["multiclass_classification_metrics"]
    assert evaluation["dataset"] == "test"
    assert section["accuracy"]["value"] > 0.9
    assert section["accuracy"]["ci_lower"] <= section["accuracy"]["value"]
    assert set(section["confusion_matrix"]) == {"eczema", "flu", "migraine"}
    assert set(evaluation["per_class"]["flu"]) == {"precision", "recall", "f1", "support"}
    assert any("3 of 23 validation texts also occur" in w for w in evaluation["warnings"])
    assert "How well each class is found" in (job.model_dir / "report.html").read_text()
    assert {"validation:accuracy", "validation:macro_f1", "validation:loss"} <= job.metric_names()
    assert "Tuning objective validation:macro_f1 = " in job.stdout
    meta = json.loads((job.model_dir / "sabio-model.json").read_text())
    assert meta["model_type"] == "tfidf" and meta["classes"] == ["eczema", "flu", "migraine"]


def test_text_classifier_bilstm_logs_per_epoch_metrics(jobs: Callable[[str], Job]) -> None:
    from safetensors.torch import load_file

    job = jobs("bilstm")
    records = [r for r in job.metrics() if r["name"] == "validation:macro_f1"]
    assert [r["step"] for r in records] == [0, 1]  # validation_split 0.1 held out by default
    assert {"train:loss", "validation:loss", "validation:accuracy", "test:accuracy"} <= (
        job.metric_names()
    )
    weights = load_file(str(job.model_dir / "model.safetensors"))
    assert weights["embedding.weight"].shape[1] == 8
    config = json.loads((job.model_dir / "text-classifier.json").read_text())
    assert 8 <= config["tokenizer"]["max_len"] <= 30  # a percentile of the training lengths


@pytest.mark.parametrize("name", ["tfidf", "bilstm"])
def test_text_classifier_inference_formats(jobs: Callable[[str], Job], name: str) -> None:
    model = inference.model_fn(str(jobs(name).model_dir))
    column = model.text_column
    bodies = [
        ('{"instances": ["I have fever and cough", "itchy skin and a rash"]}', "application/json"),
        ('["I have fever and cough", "itchy skin and a rash"]', "application/json"),
        ("I have fever and cough\n\nitchy skin and a rash\n", "text/plain"),
        (f'{column}\n"I have fever, and cough"\nitchy skin and a rash\n', "text/csv"),
        (json.dumps({column: "fever and cough"}) + '\n"a rash"', "application/jsonlines"),
    ]  # fmt: skip
    for body, content_type in bodies:
        prediction = inference.predict_fn(inference.input_fn(body, content_type), model)
        np.testing.assert_allclose(prediction.probabilities.sum(axis=1), 1.0, rtol=1e-6)
        assert prediction.probabilities.shape == (2, 3)
    answer = json.loads(inference.output_fn(prediction, "application/json")[0])
    first = answer["predictions"][0]
    assert first["top_k"][0]["label"] == first["predicted_label"]
    assert len(first["top_k"]) == 3 and answer["labels"] == ["eczema", "flu", "migraine"]
    csv_body, kind = inference.output_fn(prediction, "text/csv")
    assert kind == "text/csv" and len(str(csv_body).splitlines()) == 2
    lines = inference.output_fn(prediction, "application/jsonlines")[0]
    assert len(str(lines).splitlines()) == 2


def test_text_classifier_tfidf_learns_keywords(jobs: Callable[[str], Job]) -> None:
    model = inference.model_fn(str(jobs("tfidf").model_dir))
    request = inference.input_fn("throbbing pain and nausea\nred patches, dry skin", "text/plain")
    labels = [r["predicted_label"] for r in inference.predict_fn(request, model).records()]
    assert labels == ["migraine", "eczema"]


def test_text_classifier_inference_bad_requests(jobs: Callable[[str], Job]) -> None:
    model = inference.model_fn(str(jobs("tfidf").model_dir))
    with pytest.raises(PayloadError, match="Unsupported content type 'image/png'"):
        inference.input_fn(b"...", "image/png")
    with pytest.raises(PayloadError, match="body is empty"):
        inference.input_fn("  ", "text/plain")
    with pytest.raises(PayloadError, match=r"position \[1\].*empty"):
        inference.predict_fn(inference.input_fn('["fever", "  "]', "application/json"), model)
    with pytest.raises(PayloadError, match="'text' string field"):
        inference.predict_fn(inference.input_fn('[{"words": 3}]', "application/json"), model)
    with pytest.raises(PayloadError, match="quote texts that contain commas"):
        inference.predict_fn(inference.input_fn("fever, cough\n", "text/csv"), model)
    prediction = inference.predict_fn(["fever"], model)
    with pytest.raises(PayloadError, match="Unsupported accept type"):
        inference.output_fn(prediction, "application/x-npy")


def test_text_classifier_one_example_per_class_fails_clearly(tmp_path: Path) -> None:
    data = symptoms(1)
    status, failure = _run_inline(tmp_path / "job", {"train": data}, {})
    assert status == 1
    assert failure.startswith("ClientError: Channel 'train': 3 of 3 classes have fewer than")
    assert "min_examples_per_class=2" in failure and "0.0 accuracy" in failure


def test_text_classifier_missing_column_suggests_name(tmp_path: Path) -> None:
    data = symptoms(3).rename(columns={"text": "texts"})
    status, failure = _run_inline(tmp_path / "job", {"train": data}, {})
    assert status == 1
    assert "no text column 'text'" in failure and "Did you mean 'texts'?" in failure
    assert "'text_column' hyperparameter" in failure


def test_text_classifier_empty_text_fails(tmp_path: Path) -> None:
    data = symptoms(3)
    data.loc[4, "text"] = "   "
    status, failure = _run_inline(tmp_path / "job", {"train": data}, {})
    assert status == 1 and "1 row(s) have an empty text in column 'text'" in failure
    assert "first rows, counting from 1: [5]" in failure


def test_text_classifier_unseen_test_label_fails(tmp_path: Path) -> None:
    data = symptoms(3)
    test = pd.DataFrame({"label": ["gout"], "text": ["swollen toe"]})
    status, failure = _run_inline(tmp_path / "job", {"train": data, "test": test}, {})
    assert status == 1 and "Channel 'test' has label(s) ['gout'] that never occur" in failure


@pytest.mark.parametrize(
    ("hps", "message"),
    [
        ({"model_type": "tfidf", "epochs": 3}, "apply to model_type 'bilstm' or 'pretrained'"),
        ({"model_type": "cnn"}, "must be one of 'tfidf', 'bilstm', 'pretrained'"),
        ({"model_type": "bilstm", "freeze_layers": 2}, "need model_type='pretrained'"),
        ({"_tuning_objective_metric": "validation:rmse"}, "does not apply to text"),
        ({"_tuning_objective_metric": "test:accuracy"}, "no 'test' data"),
    ],
)
def test_text_classifier_bad_hyperparameters(
    tmp_path: Path, hps: dict[str, Any], message: str
) -> None:
    status, failure = _run_inline(tmp_path / "job", {"train": symptoms(3)}, hps)
    assert status == 1 and failure.startswith("ClientError:") and message in failure


def test_text_classifier_real_symptom_data_tfidf(tmp_path: Path) -> None:
    path = DATASETS / "symptom2disease.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent (shared datasets are not part of the repository)")
    from sklearn.model_selection import train_test_split

    frame = pd.read_csv(path).drop_duplicates("text")[["label", "text"]]
    train, test = train_test_split(frame, test_size=0.2, stratify=frame["label"], random_state=0)
    status, failure = _run_inline(tmp_path / "job", {"train": train, "test": test}, {})
    assert status == 0, failure
    evaluation = json.loads((tmp_path / "job" / "model" / "evaluation.json").read_text())
    assert evaluation["multiclass_classification_metrics"]["accuracy"]["value"] >= 0.96


def test_text_classifier_batch_transform_of_a_text_file(
    jobs: Callable[[str], Job], sabio_home: Path, tmp_path: Path
) -> None:
    """A file of texts, one per line, through a real transform job: one answer per line."""
    archive = tmp_path / "model.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(jobs("tfidf").model_dir.iterdir()):
            tar.add(path, arcname=path.name)
    session = Session()
    model = Model(
        model_data=session.upload_data(str(archive), key_prefix="text-model"),
        image_uri=image_uris.retrieve("text-classifier"),
        sagemaker_session=session,
    )
    texts = ["I have fever and cough", "itchy skin and a rash", "throbbing pain and nausea"] * 4
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "texts.txt").write_text("\n".join(texts) + "\n")
    transformer = model.transformer(
        instance_count=1,
        instance_type="local",
        accept="application/jsonlines",
        output_path="s3://sabio-default/text-out",
    )
    data = session.upload_data(str(tmp_path / "in"), key_prefix="texts")
    transformer.transform(data, content_type="text/plain", split_type="Line", logs=False)
    lines = session.read_s3_file("sabio-default", "text-out/texts.txt.out").splitlines()
    labels = [json.loads(line)["predicted_label"] for line in lines]
    assert labels == ["flu", "eczema", "migraine"] * 4
