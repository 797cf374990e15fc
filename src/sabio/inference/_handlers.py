"""Resolving a model's inference handlers the way SageMaker's inference toolkits do.

A user module may define ``model_fn(model_dir)``, ``input_fn(body, content_type)``,
``predict_fn(data, model)`` and ``output_fn(prediction, accept)``, or one
``transform_fn(model, body, content_type, accept)``. Each may take one extra ``context``
argument. Missing handlers fall back to defaults (NumPy decoding of CSV/JSON/JSON Lines/NPY,
``model.predict``, encoding to the ``Accept`` type). Built-in algorithms bring their own
module, so a built-in model needs no user code.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from sabio.exceptions import NotFoundError, ValidationError, did_you_mean
from sabio.inference import _codecs
from sabio.inference._errors import ModelError, PayloadError
from sabio.inference._fast import FastPredict, fast_predictor, is_xgboost_booster, prepare
from sabio.inference._tensorflow import TensorFlowServingModel, find_saved_model, load_saved_model
from sabio.inference._torch import from_tensor, is_torch_module, to_tensor, torch_predict

__all__ = ["Context", "Handlers", "load_handlers"]

META_FILE = "sabio-model.json"
XGBOOST_FILES = ("xgboost-model", "model.json", "model.ubj")
TORCHSCRIPT_FILES = ("model.pth", "model.pt")
# Bodies of these types reach input_fn as ``str`` (as in SageMaker's framework containers);
# everything else as ``bytes``.
_TEXT_TYPES = frozenset({"text/csv", "application/json", "application/jsonlines", "text/libsvm"})
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


@dataclass
class Context:
    """The ``context`` argument handed to handlers that ask for one.

    Attributes:
        model_dir: folder of the extracted model.
        system_properties: SageMaker's ``{"model_dir": ..., "gpu_id": None}``.
    """

    model_dir: str
    system_properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Handler:
    fn: Callable[..., Any]
    context: bool  # the signature takes one more positional argument

    def __call__(self, ctx: Context, *args: Any) -> Any:
        return self.fn(*args, ctx) if self.context else self.fn(*args)


def _handler(module: ModuleType | None, name: str, arity: int) -> _Handler | None:
    fn = getattr(module, name, None) if module is not None else None
    if fn is None or not callable(fn):
        return None
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return _Handler(fn, False)
    positional = [p for p in params if p.kind in _POSITIONAL]
    return _Handler(fn, len(positional) > arity)


def _payload(exc: BaseException, default: int, prefix: str = "") -> PayloadError:
    """Turn an error from a decode/predict/encode step into a :class:`PayloadError`."""
    if isinstance(exc, PayloadError):  # raised on purpose: its message and status stand
        return exc
    return PayloadError(f"{prefix}{str(exc) or type(exc).__name__}", default)


def _answer(result: Any, accept: str) -> tuple[bytes, str]:
    """Normalise what output_fn/transform_fn returned into ``(body, content_type)``."""
    content_type: str | None = None
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], str):
        result, content_type = result
    elif callable(getattr(result, "get_data", None)) and hasattr(result, "mimetype"):
        # A response object, as SageMaker's containers let handlers return
        # (sagemaker_containers' worker.Response, a Flask/Werkzeug Response).
        content_type = result.mimetype or None
        result = result.get_data()
    if isinstance(result, bytes | bytearray | memoryview):
        body = bytes(result)
    elif isinstance(result, str):
        body = result.encode()
    else:  # a plain dict/list/array: answer JSON
        body = json.dumps(_codecs.to_jsonable(result)).encode()
        content_type = content_type or "application/json"
    if content_type is None:
        kind = _codecs.media_type(accept)
        content_type = "application/json" if kind in ("", "*/*") else accept
    return body, content_type


class Handlers:
    """The resolved handler set of one model.

    Args:
        model_dir: folder of the extracted model.
        module: the user's or built-in's handler module (None: defaults only).
        source: what the handlers came from, for messages ("inference.py", a module name).
    """

    def __init__(self, model_dir: Path, module: ModuleType | None, source: str) -> None:
        self.model_dir = Path(model_dir)
        self.module = module
        self.source = source
        self.context = Context(
            str(self.model_dir), {"model_dir": str(self.model_dir), "gpu_id": None}
        )
        self._model_fn = _handler(module, "model_fn", 1)
        self._input_fn = _handler(module, "input_fn", 2)
        self._predict_fn = _handler(module, "predict_fn", 2)
        self._output_fn = _handler(module, "output_fn", 2)
        self._transform_fn = _handler(module, "transform_fn", 4)
        # The last model predicted on by default and its fast path (found once per model).
        self._fast: tuple[Any, FastPredict | None] | None = None
        #: A PyTorch model, once loaded: the default input_fn hands it tensors.
        self._torch_model: Any = None
        # No handler of its own: a SavedModel answers TensorFlow Serving's REST contract.
        self._serves_tensorflow = not any(
            (self._input_fn, self._predict_fn, self._output_fn, self._transform_fn)
        )

    def __repr__(self) -> str:
        return f"Handlers(source={self.source!r}, model_dir={str(self.model_dir)!r})"

    # ------------------------------------------------------------------ model
    def load_model(self) -> Any:
        """Load the model once (``model_fn(model_dir)``, or a default loader).

        Raises:
            ValidationError: no ``model_fn`` and no model file sabio can load by default.
        """
        if self._model_fn is not None:
            model = self._model_fn(self.context, str(self.model_dir))
        else:
            model = _default_model_fn(self.model_dir, self.source)
        self._torch_model = model if is_torch_module(model) else None
        return model

    # ------------------------------------------------------------- the steps
    def decode(self, body: bytes, content_type: str) -> Any:
        """``input_fn``: request body → model input.

        Raises:
            PayloadError: unsupported content type (415) or a malformed body (400).
        """
        kind = _codecs.media_type(content_type)
        try:
            if self._input_fn is None:
                decoded = _codecs.decode(body, content_type)
                if self._torch_model is not None:  # SageMaker's PyTorch toolkit: a tensor
                    return to_tensor(decoded, self._torch_model)
                return decoded
            data: bytes | str = body
            if kind in _TEXT_TYPES:
                data = body.decode("utf-8")
            return self._input_fn(self.context, data, content_type)
        except (
            ValueError,
            TypeError,
            KeyError,
            IndexError,
            UnicodeDecodeError,
            OverflowError,
            RecursionError,
        ) as exc:
            raise _payload(exc, 400, f"input_fn rejected the {kind or 'untyped'} body: ") from None

    def predict(self, model: Any, data: Any) -> Any:
        """``predict_fn``: model input → prediction.

        Raises:
            PayloadError: (400) the model rejected the input (wrong number of features ...).
            ModelError: (500) the handler failed for another reason.
        """
        try:
            if self._predict_fn is None:
                return self._default_predict(model, data)
            return self._predict_fn(self.context, data, model)
        except (ValueError, KeyError, IndexError, OverflowError) as exc:
            raise _payload(exc, 400, "The model rejected the input: ") from None

    def encode(self, prediction: Any, accept: str) -> tuple[bytes, str]:
        """``output_fn``: prediction → ``(body, content_type)``.

        Raises:
            PayloadError: (406) the accept type is not supported.
        """
        try:
            if self._output_fn is None:
                return _codecs.encode(from_tensor(prediction), accept)
            return _answer(self._output_fn(self.context, prediction, accept), accept)
        except (ValueError, TypeError) as exc:
            if isinstance(exc, PayloadError):
                raise _payload(exc, 406) from None
            raise ModelError(f"output_fn of {self.source} failed: {exc}") from exc

    def invoke(
        self, model: Any, body: bytes, content_type: str, accept: str
    ) -> tuple[bytes, str, dict[str, float]]:
        """Answer one request: decode, predict, encode.

        Returns:
            ``(response body, response content type, {"decode": s, "predict": s,
            "encode": s})``.

        Raises:
            PayloadError: bad input (``status_code`` 400/406/413/415).
            ModelError: a handler failed on valid input.
        """
        if self._transform_fn is not None:
            start = time.perf_counter()
            try:
                result = self._transform_fn(self.context, model, body, content_type, accept)
            except (
                ValueError,
                KeyError,
                IndexError,
                UnicodeDecodeError,
                OverflowError,
                RecursionError,
            ) as exc:
                raise _payload(exc, 400, "transform_fn rejected the request: ") from None
            answer = _answer(result, accept)
            return (
                answer[0],
                answer[1],
                {
                    "decode": 0.0,
                    "predict": time.perf_counter() - start,
                    "encode": 0.0,
                },
            )
        t0 = time.perf_counter()
        if isinstance(model, TensorFlowServingModel) and self._serves_tensorflow:
            out, out_type = model.handle(body, content_type)
            return (
                out,
                out_type,
                {"decode": 0.0, "predict": time.perf_counter() - t0, "encode": 0.0},
            )
        data = self.decode(body, content_type)
        t1 = time.perf_counter()
        prediction = self.predict(model, data)
        t2 = time.perf_counter()
        out, out_type = self.encode(prediction, accept)
        t3 = time.perf_counter()
        return out, out_type, {"decode": t1 - t0, "predict": t2 - t1, "encode": t3 - t2}

    def _default_predict(self, model: Any, data: Any) -> Any:
        cached = self._fast
        if cached is None or cached[0] is not model:
            cached = self._fast = (model, fast_predictor(model))
        fast = None if cached[1] is None else cached[1](data)
        if fast is not None:
            return fast
        return _plain_predict(model, data)


def _plain_predict(model: Any, data: Any) -> Any:
    if is_torch_module(model):
        return torch_predict(model, data)
    if is_xgboost_booster(model):
        # inplace_predict skips building a DMatrix: several times faster for a few rows.
        return model.inplace_predict(data)
    if hasattr(model, "predict"):
        return model.predict(data)
    if callable(model):
        return model(data)
    raise ModelError(
        f"The model is a {type(model).__name__}, which has no predict(): define "
        "predict_fn(data, model) in inference.py."
    )


def _default_model_fn(model_dir: Path, source: str) -> Any:
    builtin = _meta_builtin(model_dir)
    if builtin is not None:
        module = importlib.import_module(_builtin_name(builtin))
        return module.model_fn(str(model_dir))
    for name in XGBOOST_FILES:
        if (model_dir / name).is_file():
            import xgboost as xgb

            booster = xgb.Booster()
            booster.load_model(bytearray((model_dir / name).read_bytes()))
            booster.set_param({"nthread": 1})  # one request at a time; workers scale out
            prepare(booster)
            return booster
    saved_model = find_saved_model(model_dir)
    if saved_model is not None:  # SageMaker's TensorFlow Serving container
        return load_saved_model(saved_model)
    for name in TORCHSCRIPT_FILES:
        if (model_dir / name).is_file():
            # SageMaker's PyTorch toolkit loads a TorchScript model.pth when there is no
            # model_fn (TorchScript, not a pickle: no Python code from the archive runs).
            import torch

            return torch.jit.load(str(model_dir / name), map_location="cpu")  # type: ignore[no-untyped-call]
    files = sorted(p.name for p in model_dir.iterdir())[:20] if model_dir.is_dir() else []
    raise ValidationError(
        f"No model_fn in {source} and no model file sabio can load by default in {model_dir} "
        f"(files: {files}). Define model_fn(model_dir) in inference.py (or in the entry point) "
        "that loads and returns your model."
    )


def _import_file(path: Path, code_dir: Path) -> ModuleType:
    # A unique module name per file: two models in one process must not share a module.
    name = f"sabio_user_{abs(hash(str(path))):x}_{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    if str(code_dir) not in sys.path:
        sys.path.insert(0, str(code_dir))
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ValidationError(f"Cannot import {path}: it is not a Python file.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except ModuleNotFoundError as exc:
        del sys.modules[name]
        raise ValidationError(
            f"Importing the inference code {path.name} failed: module {exc.name!r} is not "
            f"installed in this Python environment. List it in a requirements.txt next to "
            f"{path.name} (sabio installs it before serving, as for training), or pip install "
            "it into sabio's environment."
        ) from exc
    except Exception as exc:
        del sys.modules[name]
        raise ValidationError(
            f"Importing the inference code {path.name} failed: {type(exc).__name__}: {exc}. "
            "Fix the error in the script; if it is the training script, it must be importable "
            "without training, so put the training code under `if __name__ == '__main__':`."
        ) from exc
    return module


def _meta_builtin(model_dir: Path) -> str | None:
    """The built-in that ``sabio-model.json`` names (``sabio.algorithms.<name>``), or None.

    Raises:
        ValidationError: the file is not JSON, or names no sabio built-in (an archive cannot
            make sabio import an arbitrary module).
    """
    path = model_dir / META_FILE
    if not path.is_file():
        return None
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise ValidationError(f"{path} is not valid JSON: {exc}.") from None
    algorithm = meta.get("algorithm") if isinstance(meta, dict) else None
    if not algorithm:
        return None
    from sabio.algorithms._builtins import BUILTINS

    names = [b.name for b in BUILTINS]
    if algorithm not in names:
        raise ValidationError(
            f"{path} names the algorithm {algorithm!r}, which is not a sabio built-in."
            f"{did_you_mean(str(algorithm), names)} Expected one of {', '.join(names)}."
        )
    return f"sabio.algorithms.{algorithm}"


def _builtin_name(module: str) -> str:
    return module if module.endswith(".inference") else f"{module}.inference"


def load_handlers(
    model_dir: Path,
    *,
    code_dir: Path | None = None,
    entry_point: str | None = None,
    builtin_module: str | None = None,
) -> Handlers:
    """Find a model's handlers.

    Order: ``entry_point`` in ``code_dir`` or the model's ``code/`` folder (a Model's
    ``entry_point``/``source_dir`` or the training script), ``inference.py`` in ``code_dir``
    (a ``source_dir`` the user gave), ``inference.py`` in the model's ``code/`` folder *only
    for a model that is not a built-in* (SageMaker's framework containers do the same), the
    built-in's ``inference`` module (``builtin_module`` or the algorithm named in
    ``sabio-model.json``), else the defaults. A built-in model never runs code from its
    archive unless ``entry_point`` names it.

    Raises:
        NotFoundError: ``entry_point`` is not in the code folder, or ``model_dir`` is missing.
        ValidationError: the user module cannot be imported.
    """
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise NotFoundError(f"Model folder {model_dir} does not exist.")
    if builtin_module is None:
        builtin_module = _meta_builtin(model_dir)
    # A built-in loads only its own safe formats: code in its archive runs only when the user
    # names it (entry_point); a source_dir the user gave is theirs. A framework model (no
    # built-in) uses the archive's code/ as SageMaker's framework containers do.
    archive_code = model_dir / "code" if entry_point or builtin_module is None else None
    folders = [d for d in (code_dir, archive_code) if d is not None and d.is_dir()]
    if entry_point:
        for folder in folders:
            path = folder / entry_point
            if path.is_file():
                return Handlers(model_dir, _import_file(path, folder), path.name)
        looked = ", ".join(str(f) for f in folders) or "no code folder"
        raise NotFoundError(
            f"Inference entry point {entry_point!r} not found (looked in {looked}). Pass the "
            "script that defines model_fn (and optionally input_fn/predict_fn/output_fn)."
        )
    for folder in folders:
        if (folder / "inference.py").is_file():
            module = _import_file(folder / "inference.py", folder)
            return Handlers(model_dir, module, "inference.py")
    if builtin_module:
        name = _builtin_name(builtin_module)
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise ValidationError(
                f"Built-in inference module {name!r} cannot be imported: {exc}."
            ) from exc
        return Handlers(model_dir, module, name)
    return Handlers(model_dir, None, "the default handlers")
