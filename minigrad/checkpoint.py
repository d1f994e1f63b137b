"""Save and restore a training run: model, optimizer and scheduler in one ``.npz`` file.

Resuming must continue *exactly* where training stopped, so a checkpoint holds more than
the weights: the optimizer's per-parameter state (Adam's moving averages :math:`m_t,
v_t` and step count :math:`t`), its hyper-parameters (the current learning rate), the
scheduler's position, and whatever else you pass (say a DataLoader's ``state_dict()``,
so the batches come in the same order).

The file is a plain numpy ``.npz`` archive — never pickle, which would run code from the
file when it is loaded. Arrays are stored under flat keys::

    format_version              1
    model/0.weight              the model's state_dict(), one array per parameter
    optimizer/state/0/exp_avg   the optimizer's per-parameter arrays
    optimizer/json              everything else the optimizer has (numbers, groups), JSON
    scheduler                   the scheduler's state_dict(), JSON
    extra                       the keyword arguments of save(), JSON

JSON text is stored as a 0-d unicode array. Saving is atomic: the archive is written to
a temporary file in the same directory, flushed to disk, then renamed over the old
checkpoint (``os.replace``), so a crash mid-save leaves the previous checkpoint intact.
"""

from __future__ import annotations

import json
import os
import uuid
import zipfile

import numpy as np

FORMAT_VERSION = 1
ZIP_SIGNATURE = b"PK\x03\x04"  # the first bytes of every zip file, so of every .npz


class CheckpointError(ValueError):
    """A checkpoint file that is corrupt, not a minigrad checkpoint, or does not fit."""


# ---------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------
def save(path, model, optimizer=None, scheduler=None, **extra) -> None:
    """Write the state of a training run to ``path`` (an ``.npz`` file), atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write; an existing file is replaced only once the new one is complete.
    model : Module
        Its ``state_dict()`` is saved.
    optimizer, scheduler : optional
        Their ``state_dict()`` is saved too.
    **extra
        JSON-serialisable values to keep alongside (epoch number, a DataLoader's
        ``state_dict()``, notes); :func:`load` returns them.
    """
    arrays = {"format_version": np.array(FORMAT_VERSION)}
    for name, value in model.state_dict().items():
        arrays[f"model/{name}"] = np.asarray(value)
    if optimizer is not None:
        arrays.update(_pack_optimizer(optimizer.state_dict()))
    if scheduler is not None:
        arrays["scheduler"] = _json_array(scheduler.state_dict(), "scheduler state")
    arrays["extra"] = _json_array(extra, "extra values")
    _write_atomically(os.fspath(path), arrays)


def _pack_optimizer(state_dict: dict) -> dict:
    """Optimizer state as flat arrays: arrays under their own keys, the rest as JSON."""
    arrays, scalars = {}, {}
    for index, param_state in state_dict["state"].items():
        for name, value in param_state.items():
            if isinstance(value, np.ndarray):
                arrays[f"optimizer/state/{index}/{name}"] = value
            else:
                scalars.setdefault(str(index), {})[name] = value
    rest = {"state": scalars, "param_groups": state_dict["param_groups"]}
    arrays["optimizer/json"] = _json_array(rest, "optimizer state")
    return arrays


def _json_array(value, what: str) -> np.ndarray:
    """``value`` as JSON text in a 0-d unicode array (numpy scalars become numbers)."""
    try:
        text = json.dumps(value, default=_numpy_scalar)
    except TypeError as error:
        raise TypeError(f"cannot save the {what}: {error}. Checkpoints hold numbers, "
                        "strings, lists and dicts (JSON), never pickled objects") from None
    return np.array(text)


def _numpy_scalar(value):
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON serialisable")


def _write_atomically(path: str, arrays: dict) -> None:
    """Write the ``.npz`` to a temporary file beside ``path``, fsync, then rename it."""
    directory, name = os.path.split(os.path.abspath(path))
    temporary = os.path.join(directory, f".{name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "xb") as file:
            np.savez(file, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------
def load(path, model, optimizer=None, scheduler=None) -> dict:
    """Restore a run saved by :func:`save` into ``model`` (and optimizer, scheduler).

    Parameters
    ----------
    path : str or os.PathLike
        The checkpoint file.
    model : Module
        Must have exactly the saved parameter names and shapes.
    optimizer, scheduler : optional
        Restored if given; the checkpoint must then contain their state.

    Returns
    -------
    dict
        The ``**extra`` values given to :func:`save`.

    Raises
    ------
    CheckpointError
        If the file is truncated, corrupt or not a minigrad checkpoint, or its contents
        do not fit the model, optimizer or scheduler. The message names the file.
    """
    path = os.fspath(path)
    arrays = _read_arrays(path)
    version = arrays.get("format_version")
    if version is None:
        raise CheckpointError(f"{path} is an .npz file but not a minigrad checkpoint "
                              "(it has no 'format_version' entry)")
    if int(version) != FORMAT_VERSION:
        raise CheckpointError(f"{path} has checkpoint format version {int(version)}; "
                              f"this minigrad reads version {FORMAT_VERSION}")
    model_state = {key[len("model/"):]: value for key, value in arrays.items()
                   if key.startswith("model/")}
    optimizer_state = None if optimizer is None else _unpack_optimizer(arrays, path)
    scheduler_state = None if scheduler is None else _read_json(arrays, "scheduler", path)
    extra = _read_json(arrays, "extra", path)

    # All or nothing: if the optimizer does not fit, the model gets its old weights back.
    loaded = []
    try:
        for target, state in ((model, model_state), (optimizer, optimizer_state),
                              (scheduler, scheduler_state)):
            if target is not None:
                backup = target.state_dict()
                if target is model:       # a model's state_dict shares its memory: copy it
                    backup = {name: value.clone() for name, value in backup.items()}
                target.load_state_dict(state)
                loaded.append((target, backup))
    except (KeyError, ValueError, TypeError) as error:
        for target, backup in loaded:
            target.load_state_dict(backup)
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        raise CheckpointError(f"checkpoint {path} does not fit: {message}") from error
    return extra


def _read_arrays(path: str) -> dict:
    """Every array in the archive (read now, so a damaged file fails here, clearly)."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no checkpoint file at {path}")
    with open(path, "rb") as file:
        signature = file.read(len(ZIP_SIGNATURE))
    if signature != ZIP_SIGNATURE:
        raise CheckpointError(f"cannot read checkpoint {path}: it is not an .npz archive "
                              f"(an .npz file is a zip file, starting {ZIP_SIGNATURE!r}; "
                              f"this one starts {signature!r})")
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise CheckpointError(f"cannot read checkpoint {path}: the file is truncated or "
                              f"corrupt ({error})") from error


def _read_json(arrays: dict, key: str, path: str):
    if key not in arrays:
        what = "optimizer state" if key.startswith("optimizer") else f"{key!r} entry"
        raise CheckpointError(f"checkpoint {path} has no {what} (it was saved without "
                              "one); load it without that argument")
    return json.loads(str(arrays[key]))


def _unpack_optimizer(arrays: dict, path: str) -> dict:
    """Rebuild the optimizer's ``state_dict()`` from the flat keys of :func:`_pack_optimizer`."""
    rest = _read_json(arrays, "optimizer/json", path)
    state = {int(index): dict(values) for index, values in rest["state"].items()}
    for key, value in arrays.items():
        if key.startswith("optimizer/state/"):
            index, name = key[len("optimizer/state/"):].split("/", 1)
            state.setdefault(int(index), {})[name] = value
    return {"state": state, "param_groups": rest["param_groups"]}
