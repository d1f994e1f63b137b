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
    optimizer/type              the optimizer's class name ("Adam"), to refuse another
    scheduler                   the scheduler's state_dict(), JSON
    extra                       the keyword arguments of save(), JSON

JSON text is stored as a 0-d unicode array. Saving is atomic: the archive is written to
a temporary file ``.NAME.<random>.tmp`` in the same directory, flushed to disk, then
renamed over the old checkpoint (``os.replace``), so a crash mid-save leaves the previous
checkpoint intact. A process killed mid-save cannot clean up its temporary file; the
next save to the same path removes such leftovers.

Loading trusts nothing in the file: whatever is wrong with it (not a zip, truncated,
a ``format_version`` that is not a number, JSON that does not parse or has the wrong
layout, missing or unexpected entries) raises :class:`CheckpointError` naming the file,
never a bare ``KeyError`` or ``JSONDecodeError`` from inside.
"""

from __future__ import annotations

import json
import os
import re
import uuid

import numpy as np

from minigrad.tensor import Tensor

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
        arrays["optimizer/type"] = np.array(type(optimizer).__name__)
    if scheduler is not None:
        arrays["scheduler"] = _json_array(scheduler.state_dict(), "scheduler state")
        arrays["scheduler/type"] = np.array(type(scheduler).__name__)
    arrays["extra"] = _json_array(extra, "extra values")
    _write_atomically(os.fspath(path), arrays)


def _pack_optimizer(state_dict: dict) -> dict:
    """Optimizer state as flat arrays: arrays under their own keys, the rest as JSON."""
    arrays, scalars = {}, {}
    for index, param_state in state_dict["state"].items():
        for name, value in param_state.items():
            if isinstance(value, Tensor):                # the optimizer's state tensors
                value = value.numpy()
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
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot save checkpoint {path}: the directory "
                                f"{directory} does not exist")
    _remove_stale_temporaries(directory, name)
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


def _remove_stale_temporaries(directory: str, name: str) -> None:
    """Delete ``.NAME.<32 hex digits>.tmp`` files an earlier, killed save left behind.

    Only this target's own temporaries match the pattern; a save running at the same
    time on the same target would be racing anyway (the last rename wins).
    """
    pattern = re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{32}}\.tmp")
    for entry in os.listdir(directory):
        if pattern.fullmatch(entry):
            try:
                os.remove(os.path.join(directory, entry))
            except FileNotFoundError:
                pass


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
    _check_version(arrays, path)
    model_state = {key[len("model/"):]: value for key, value in arrays.items()
                   if key.startswith("model/")}
    if optimizer is not None:
        _check_optimizer_type(arrays, optimizer, path)
    optimizer_state = None if optimizer is None else _unpack_optimizer(arrays, path)
    scheduler_state = None if scheduler is None else _read_json(arrays, "scheduler", path)
    if scheduler is not None:
        _check_scheduler_state(arrays, scheduler_state, scheduler, path)
    extra = _read_json(arrays, "extra", path)
    if not isinstance(extra, dict):
        raise CheckpointError(f"checkpoint {path} is damaged: its 'extra' entry should be a "
                              f"JSON object, not {_short(extra)}")

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
    except (KeyError, ValueError, TypeError, AttributeError, IndexError) as error:
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
    except Exception as error:      # noqa: BLE001 - whatever the zip or npy reader hit
        # (BadZipFile, a CRC error, EOFError, a header claiming an impossible shape...)
        raise CheckpointError(f"cannot read checkpoint {path}: the file is truncated or "
                              f"corrupt ({error})") from error


def _check_version(arrays: dict, path: str) -> None:
    version = arrays.get("format_version")
    if version is None:
        raise CheckpointError(f"{path} is an .npz file but not a minigrad checkpoint "
                              "(it has no 'format_version' entry)")
    if not (version.shape == () and version.dtype.kind in "iu"):
        raise CheckpointError(f"checkpoint {path} is damaged: its format_version should be "
                              f"one integer, but it is {version.dtype} of shape "
                              f"{version.shape}: {_short(version)}")
    if int(version) != FORMAT_VERSION:
        raise CheckpointError(f"{path} has checkpoint format version {int(version)}; "
                              f"this minigrad reads version {FORMAT_VERSION}")


def _check_optimizer_type(arrays: dict, optimizer, path: str) -> None:
    """Refuse to load one optimizer's state into another kind (Adam's into SGD)."""
    if "optimizer/type" not in arrays:      # checkpoints written before the type was kept
        return
    saved, wanted = _text(arrays, "optimizer/type", path), type(optimizer).__name__
    if saved != wanted:
        raise CheckpointError(f"checkpoint {path} holds the state of a {saved} optimizer; "
                              f"it cannot be loaded into a {wanted}. Build a {saved} "
                              "(with the same parameters) to resume, or load without "
                              "optimizer= to take only the model")


def _check_scheduler_state(arrays: dict, state, scheduler, path: str) -> None:
    """The saved scheduler is of this type, and each entry is of the kind it has now."""
    if "scheduler/type" in arrays:
        saved, wanted = _text(arrays, "scheduler/type", path), type(scheduler).__name__
        if saved != wanted:
            raise CheckpointError(f"checkpoint {path} holds the state of a {saved} "
                                  f"scheduler; it cannot be loaded into a {wanted}")
    if not isinstance(state, dict):
        raise CheckpointError(f"checkpoint {path} is damaged: the scheduler state should be "
                              f"a JSON object, not {_short(state)}")
    current = scheduler.state_dict()
    for key, value in state.items():
        if key in current and _kind(value) != _kind(current[key]) and None not in (
                value, current[key]):
            raise CheckpointError(f"checkpoint {path} is damaged: the scheduler's {key!r} "
                                  f"is {_short(value)}, but {type(scheduler).__name__} "
                                  f"keeps a {_kind(current[key])} there")


def _kind(value) -> str:
    """What JSON makes of a value: 'number', 'text', 'list', 'object' (or 'null')."""
    if value is None:
        return "null"
    if isinstance(value, (bool, int, float, np.number)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple, np.ndarray)):
        return "list"
    return "object" if isinstance(value, dict) else type(value).__name__


def _text(arrays: dict, key: str, path: str) -> str:
    value = arrays[key]
    if not (value.shape == () and value.dtype.kind == "U"):
        raise CheckpointError(f"checkpoint {path} is damaged: entry {key!r} should be text, "
                              f"but it is {value.dtype} of shape {value.shape}")
    return str(value)


def _short(value, limit=60) -> str:
    text = repr(value.tolist() if isinstance(value, np.ndarray) else value)
    return text if len(text) <= limit else text[:limit] + "..."


def _read_json(arrays: dict, key: str, path: str):
    if key == "extra" and key not in arrays:        # save() always writes it
        raise CheckpointError(f"checkpoint {path} is damaged: it has no 'extra' entry")
    if key not in arrays:
        what = "optimizer state" if key.startswith("optimizer") else f"{key!r} entry"
        raise CheckpointError(f"checkpoint {path} has no {what} (it was saved without "
                              "one); load it without that argument")
    text = _text(arrays, key, path)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise CheckpointError(f"checkpoint {path} is damaged: entry {key!r} is not valid "
                              f"JSON ({error})") from None


def _unpack_optimizer(arrays: dict, path: str) -> dict:
    """Rebuild the optimizer's ``state_dict()`` from the flat keys of :func:`_pack_optimizer`."""
    rest = _read_json(arrays, "optimizer/json", path)

    def damaged(what):
        return CheckpointError(f"checkpoint {path} is damaged: the optimizer state {what}")

    if not (isinstance(rest, dict) and isinstance(rest.get("state"), dict)
            and isinstance(rest.get("param_groups"), list)):
        raise damaged("should be a JSON object with 'state' (an object) and "
                      "'param_groups' (a list)")
    state = {}
    for index, values in rest["state"].items():
        if not isinstance(values, dict):
            raise damaged(f"of parameter {index!r} should be an object, not {values!r}")
        state[_parameter_index(index, damaged)] = dict(values)
    for key, value in arrays.items():
        if key.startswith("optimizer/state/"):
            index, slash, name = key[len("optimizer/state/"):].partition("/")
            if not slash or not name:
                raise damaged(f"has an entry {key!r} that is not 'optimizer/state/<index>/"
                              "<name>'")
            state.setdefault(_parameter_index(index, damaged), {})[name] = value
    for i, group in enumerate(rest["param_groups"]):
        if not (isinstance(group, dict) and isinstance(group.get("params"), list)
                and all(isinstance(p, int) and not isinstance(p, bool)
                        for p in group["params"])):
            raise damaged(f"has a parameter group {i} without a list of parameter "
                          "indices under 'params'")
    return {"state": state, "param_groups": rest["param_groups"]}


def _parameter_index(text, damaged) -> int:
    """A parameter index from a key: ``"3"`` → 3; anything else is damage."""
    if not (isinstance(text, str) and text.isdigit() and text.isascii()):
        raise damaged(f"is keyed by {text!r}, which is not a parameter index")
    return int(text)
