"""The inference contract (SageMaker-compatible), framework-free.

Handlers come from the user's ``inference.py``, a Model's ``entry_point``, the training
script, or a built-in algorithm's ``inference`` module; the model server and batch
transform both call :meth:`Handlers.invoke`.

Example:
    >>> from pathlib import Path
    >>> from sabio.inference import load_handlers
    >>> handlers = load_handlers(Path("model"))  # doctest: +SKIP
    >>> model = handlers.load_model()  # doctest: +SKIP
    >>> handlers.invoke(model, b"1,2,3", "text/csv", "application/json")  # doctest: +SKIP
    (b'[0.7]', 'application/json', {'decode': 1e-05, 'predict': 0.0004, 'encode': 6e-06})
"""

from sabio.inference._codecs import choose_accept, decode, encode, media_type
from sabio.inference._errors import ModelError, PayloadError, status_for
from sabio.inference._handlers import Context, Handlers, load_handlers
from sabio.inference._kind import MODEL
from sabio.inference._prepare import prepare_model
from sabio.inference._spec import ModelSpec

__all__ = [
    "MODEL",
    "Context",
    "Handlers",
    "ModelError",
    "ModelSpec",
    "PayloadError",
    "choose_accept",
    "decode",
    "encode",
    "load_handlers",
    "media_type",
    "prepare_model",
    "status_for",
]
