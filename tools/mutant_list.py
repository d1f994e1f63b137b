"""The hand-made mutants of ``tools/mutants.py``: realistic bugs, one per entry.

Each mutant is ``M(id, file, old, new, why)``: in ``file``, the exact snippet ``old``
(it must occur exactly once) is replaced by ``new``; ``why`` says what the bug is. The
tests run against a mutant are those listed for its file in ``TESTS`` (fast, focused
files first: ``pytest -x`` stops at the first failure).

When the code changes, a snippet may no longer be found: the runner reports the mutant
as *stale*. Re-anchor it on the new code (same bug, new snippet) or delete it if the
code it mutated is gone. Add a mutant for every bug you fix: if the tests catch it, the
fix stays fixed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    id: str
    file: str
    old: str
    new: str
    why: str
    tests: tuple


ENGINE_TESTS = ("tests/test_special_points.py", "tests/test_grad_mode_nesting.py",
                "tests/test_engine_values.py", "tests/test_engine_semantics.py",
                "tests/test_ops.py", "tests/test_gradcheck.py", "tests/test_losses.py",
                "tests/test_nn.py", "tests/test_tensor.py")
TESTS = {
    "minigrad/tensor.py": ENGINE_TESTS,
    "minigrad/ops.py": ENGINE_TESTS,
    "minigrad/ops_more.py": ENGINE_TESTS,
    "minigrad/grad_mode.py": ENGINE_TESTS,
    "minigrad/dtypes.py": ENGINE_TESTS,
    "minigrad/gradcheck/__init__.py": ("tests/test_gradcheck_catches.py",
                                       "tests/test_gradcheck.py"),
    "optim": ("tests/test_optimizer_references.py", "tests/test_optim.py",
              "tests/test_optim_torch.py"),
    "lr_scheduler": ("tests/test_closed_forms.py", "tests/test_lr_scheduler.py",
                     "tests/test_lr_scheduler_torch.py"),
    "minigrad/checkpoint.py": ("tests/test_edge_cases_data.py", "tests/test_checkpoint.py"),
    "minigrad/data/": ("tests/test_edge_cases_data.py", "tests/test_data.py"),
    "minigrad/lr_search.py": ("tests/test_edge_cases_search.py", "tests/test_lr_search.py"),
    "minigrad/curvature.py": ("tests/test_edge_cases_search.py", "tests/test_curvature.py"),
}


def _tests_for(file: str) -> tuple:
    if file in TESTS:
        return TESTS[file]
    if "/lr_scheduler/" in file:
        return TESTS["lr_scheduler"]
    if file.startswith("minigrad/optim/"):
        return TESTS["optim"]
    if file.startswith("minigrad/data/"):
        return TESTS["minigrad/data/"]
    raise KeyError(f"no covering tests listed for {file}")


MUTANTS: list = []


def M(id, file, old, new, why):  # noqa: A002 - short on purpose: one line per mutant
    MUTANTS.append(Mutant(id, file, old, new, why, _tests_for(file)))


# ======================================================================================
# Engine: tensor.py (graph, backward, accumulation, in-place changes)
# ======================================================================================
T = "minigrad/tensor.py"
M("to-array-float64-default", T, "array = array.astype(DEFAULT_DTYPE)",
  "array = array.astype(np.float64)", "Python floats become float64, not float32")
M("to-array-int32", T, "array = array.astype(np.int64)", "array = array.astype(np.int32)",
  "Python ints become int32, not int64")
M("make-ignores-grad-mode", T, "if _mode.enabled and _any_requires_grad(parents):",
  "if _any_requires_grad(parents):", "ops record the graph inside no_grad")
M("make-all-parents", T, "        if parent.requires_grad:\n            return True\n    return False",
  "        if not parent.requires_grad:\n            return False\n    return bool(parents)",
  "an op records only if every input requires grad")
M("saved-version-off", T, "out._saved_versions = tuple([_version_of(t) for t in saved])",
  "out._saved_versions = tuple([_version_of(t) + 1 for t in saved])",
  "saved versions recorded one too high: every backward refuses")
M("backward-overwrites-not-sums", T, "grads[parent] = grads[parent] + parent_grad",
  "grads[parent] = parent_grad", "a tensor used twice gets only one contribution")
M("in-place-changes-not-counted", T, "        _latest_in_place_change[0] = next(_in_place_numbers)\n", "",
  "backward thinks nothing changed in place and skips every saved-input check")
M("backward-skips-version-check", T, "            if now != version:", "            if now < version:",
  "backward misses tensors changed in place since the op")
M("backward-keeps-graph", T, "node._backward = _RELEASED", "pass",
  "the graph is never released after backward")
M("seed-gradient-shape-unchecked", T, "        if array.shape != self.shape:\n            raise RuntimeError(f\"Mismatch in shape",
  "        if False:\n            raise RuntimeError(f\"Mismatch in shape",
  "backward(gradient) accepts a gradient of the wrong shape")
M("accumulate-assigns", T, "self._grad.array += grad", "self._grad.array[...] = grad",
  "a second backward replaces .grad instead of adding")
M("accumulate-no-copy-check", T, "if (id(owner) in taken or not (flags.writeable and flags.c_contiguous)",
  "if (False or not (flags.writeable and flags.c_contiguous)",
  "two leaves fed the same gradient array share one .grad")
M("accumulate-rebinds", T, "            self._grad.array += grad\n",
  "            self._grad = Tensor._wrap(self._grad.array + grad)\n",
  "a second backward makes a new .grad: a caller holding the old one misses the sum")
M("inplace-leaf-check", T, "if self._backward is None and _mode.enabled:",
  "if self._backward is None and not _mode.enabled:",
  "in-place change of a leaf that requires grad allowed outside no_grad")
M("inplace-no-version-bump", T, "            self._version_box[0] += 1\n", "            self._version_box[0] += 0\n",
  "in-place changes after the first do not count a version")
M("inplace-alpha-ignored", T, "value = value * alpha", "value = value",
  "add_(other, alpha=) ignores alpha")
M("inplace-cast-check", T, "if dtypes.category(result) > dtypes.category(self.dtype):",
  "if dtypes.category(result) > 2:", "int_tensor += 0.5 silently truncates")
M("sub-inplace-adds", T, "return self._inplace(np.subtract, other, alpha)",
  "return self._inplace(np.add, other, alpha)", "sub_ adds")
M("rsub-order", T, "return ops.sub(other, self)", "return ops.sub(self, other)",
  "2 - t computes t - 2")
M("rtruediv-order", T, "return ops.div(other, self)", "return ops.div(self, other)",
  "2 / t computes t / 2")
M("backward-not-reversed", T, "for node in reversed(topological_order(self)):",
  "for node in topological_order(self):", "the graph walked inputs first")
M("dim-range", T, "if not isinstance(dim, numbers.Integral) or not low <= dim <= high:",
  "if not isinstance(dim, numbers.Integral) or not low <= dim <= high + 1:",
  "dim = ndim accepted")
M("detach-keeps-grad", T, "return Tensor._make(self.array, (), None, \"\", view_of=self)",
  "return self", "detach returns the tensor itself, still in the graph")
M("grad-setter-no-shape-check", T, "if value.shape != self.shape:",
  "if value.shape != self.shape and False:", "a .grad of the wrong shape is accepted")

# ======================================================================================
# Engine: ops.py (forward and backward of every op)
# ======================================================================================
O = "minigrad/ops.py"
M("unbroadcast-no-stretched", O, "if n == 1 and grad.shape[added + i] != 1)",
  "if n == 1 and grad.shape[added + i] != 1 and False)",
  "axes stretched from length 1 are not summed")
M("unbroadcast-mean", O, "return grad.sum(axis=tuple(range(added)) + stretched).reshape(shape)",
  "return grad.mean(axis=tuple(range(added)) + stretched).reshape(shape)",
  "broadcast gradients averaged instead of summed")
M("sub-grad-sign", O, "unbroadcast(-g, b.shape) if b.requires_grad else None)",
  "unbroadcast(g, b.shape) if b.requires_grad else None)", "∂(a−b)/∂b = +1")
M("add-alpha-dropped", O, "    if alpha != 1:\n        b = mul(b, alpha)\n    a, b, x, y, dtype = _pair(a, b)\n    return Tensor._make(_in_dtype(x + y, dtype), (a, b), _add_backward",
  "    a, b, x, y, dtype = _pair(a, b)\n    return Tensor._make(_in_dtype(x + y, dtype), (a, b), _add_backward",
  "add(a, b, alpha=) ignores alpha")
M("mul-by-number-grad-unscaled", O, "return (g * c if a.requires_grad else None, g * c if",
  "return (g if a.requires_grad else None, g * c if", "∂(a·c)/∂a = 1 instead of c")
M("mul-grads-swapped", O, "return (unbroadcast(g * y, a.shape) if a.requires_grad else None,\n            unbroadcast(g * x, b.shape)",
  "return (unbroadcast(g * x, a.shape) if a.requires_grad else None,\n            unbroadcast(g * y, b.shape)",
  "∂(ab)/∂a = a")
M("div-grad-b-sign", O, "unbroadcast(-g * x / (y * y), b.shape)",
  "unbroadcast(g * x / (y * y), b.shape)", "∂(a/b)/∂b = +a/b²")
M("div-grad-b-power", O, "unbroadcast(-g * x / (y * y), b.shape)",
  "unbroadcast(-g * x / y, b.shape)", "∂(a/b)/∂b = −a/b")
M("div-int-floor", O, "    if dtype.kind != \"f\":\n        dtype = DEFAULT_DTYPE\n        x, y = _cast(x, dtype), _cast(y, dtype)\n",
  "", "integer division keeps an integer dtype")
M("pow-base-at-zero-exponent", O, "local = np.where(y == 0, 0, y * x ** (y - 1))",
  "local = y * x ** (y - 1)", "∂aᵇ/∂a is nan at a = 0, b = 0 (no special case)")
M("pow-base-formula", O, "local = np.where(y == 0, 0, y * x ** (y - 1))",
  "local = np.where(y == 0, 0, y * x ** y)", "∂aᵇ/∂a = b·aᵇ")
M("pow-exponent-at-zero", O, "local = np.where((x == 0) & (y >= 0), 0, out * np.log(x))",
  "local = out * np.log(x)", "∂aᵇ/∂b is nan at a = 0 (no special case)")
M("pow-exponent-at-zero-strict", O, "local = np.where((x == 0) & (y >= 0), 0, out * np.log(x))",
  "local = np.where((x == 0) & (y > 0), 0, out * np.log(x))",
  "∂aᵇ/∂b at a = 0, b = 0 is nan instead of 0")
M("pow-exponent-log-base", O, "local = np.where((x == 0) & (y >= 0), 0, out * np.log(x))",
  "local = np.where((x == 0) & (y >= 0), 0, np.log(x))", "∂aᵇ/∂b = ln a")
M("matmul-grad-a-no-transpose", O, "grad_a = unbroadcast(g2 @ b2.swapaxes(-1, -2), a2.shape)",
  "grad_a = unbroadcast(g2 @ b2, a2.shape) if b2.shape[-1] == b2.shape[-2] else unbroadcast(g2 @ b2.swapaxes(-1, -2), a2.shape)",
  "∂L/∂A = g·B for square B")
M("matmul-transposed-branch", O, "grad_b = (g2.T @ a2).T", "grad_b = g2.T @ a2",
  "the x @ W.T branch forgets the final transpose")
M("linear-bias-grad-mean", O, "grad_bias = rows.sum(axis=0) if usual_bias else",
  "grad_bias = rows.mean(axis=0) if usual_bias else",
  "linear's bias gradient averaged over the batch")
M("linear-weight-grad-batched", O, "rows.T @ X2 if weight",
  "(g.T @ x.array).reshape(W.shape) if weight",
  "linear's weight gradient wrong for batched (3-D) inputs")
M("sum-grad-not-restored", O, "    return (_spread(_restore_reduced(g, dims, keep, a.shape), a.shape),)",
  "    return (_spread(g, a.shape),)",
  "sum's gradient spread without putting the reduced axis back (wrong for square inputs)")
M("mean-grad-not-divided", O, "return (_spread(_restore_reduced(g, dims, keep, a.shape) / n, a.shape),)",
  "return (_spread(_restore_reduced(g, dims, keep, a.shape), a.shape),)",
  "∂mean/∂aᵢ = 1 instead of 1/n")
M("mean-n-over-all", O, "n = a.array.size if dims is None else math.prod(a.shape[i] for i in dims)",
  "n = a.array.size", "mean over a dim divides by the number of all elements")
M("amax-ties-not-split", O, "share = is_extreme / is_extreme.sum(axis=dims, keepdims=True)",
  "share = is_extreme", "amax gives every tied maximum the full gradient")
M("amax-ties-first-only", O, "share = is_extreme / is_extreme.sum(axis=dims, keepdims=True)",
  "share = is_extreme / is_extreme.sum()", "amax splits ties over the whole tensor")
M("max-dim-splits-ties", O, "np.put_along_axis(grad, chosen, g.reshape(chosen.shape), axis=d)",
  "grad += (x == np.take_along_axis(x, chosen, axis=d)) * g.reshape(chosen.shape)",
  "max(dim) gives every tie the gradient, not the chosen index")
M("max-dim-argmin", O, "return _max_or_min(input, dim, keepdim, axis, keepdims, np.argmax, MaxResult, \"max\")",
  "return _max_or_min(input, dim, keepdim, axis, keepdims, np.argmin, MaxResult, \"max\")",
  "max(dim) returns the minimum")
M("max-full-is-min", O, "return _extreme(a, (), False, None, None, np.max if name == \"max\" else np.min, name)",
  "return _extreme(a, (), False, None, None, np.max, name)", "min() with no dim gives the max")
M("getitem-assign-not-add", O, "        np.add.at(grad, index, g)",
  "        grad[index] = g", "a repeated index gets one contribution")
M("permute-inverse-wrong", O, "ctx=(inverse,)", "ctx=(axes,)",
  "permute's gradient permuted forwards, not back")
M("exp-grad-input", O, "return (g * out,)", "return (g * _floating(parents[0]),)",
  "∂eᵃ/∂a = a")
M("log-grad", O, "return (g / x,)", "return (g * x,)", "∂ln a/∂a = a")
M("relu-grad-at-zero", O, "passes = out != 0 ", "passes = out >= 0 ",
  "relu lets the gradient through at exactly 0")
M("relu-grad-nan", O, "passes = out != 0 ", "passes = out > 0 ",
  "relu blocks the gradient at nan")
M("pow-number-exponent-zero", O, "grad_a = g * (y * x ** (y - 1)) if y != 0 else np.zeros_like(g)",
  "grad_a = g * (y * x ** (y - 1))", "x ** 0 has a nan gradient at x = 0 (number exponent)")
M("cross-entropy-mean-divisor", O, "divisor = len(labels) if reduction == \"mean\" else 1",
  "divisor = 1", "cross_entropy(reduction='mean') backward not divided by N")
M("tanh-grad", O, "return (g * (1 - out * out),)", "return (g * (1 - out),)",
  "∂tanh/∂a = 1 − z")
M("sigmoid-grad", O, "return (g * out * (1 - out),)", "return (g * out,)",
  "∂σ/∂a = σ")
M("softmax-grad", O, "return (out * (g - (g * out).sum(axis=d, keepdims=True)),)",
  "return (out * (g - g.sum(axis=d, keepdims=True)),)", "softmax backward forgets the weights")
M("log-softmax-grad", O, "return (g - np.exp(out) * g.sum(axis=d, keepdims=True),)",
  "return (g - np.exp(out),)", "log_softmax backward assumes Σg = 1")
M("log-softmax-unstable", O, "    shifted = x - x.max(axis=d, keepdims=True)\n    out = shifted - np.log",
  "    shifted = x\n    out = shifted - np.log", "log_softmax without the max shift (overflows)")
M("cross-entropy-no-onehot", O, "grad[rows, labels] -= 1", "grad[rows, labels] -= 0.5",
  "cross-entropy gradient subtracts half the one-hot")
M("softmax-legacy-dim", O, "dim = 0 if ndim in (0, 1, 3) else 1", "dim = -1",
  "F.softmax without dim normalises the last axis, not PyTorch's legacy choice")

# ======================================================================================
# Engine: ops_more.py, grad_mode.py, dtypes.py
# ======================================================================================
OM = "minigrad/ops_more.py"
M("cos-grad-sign", OM, "return (g * -np.sin(x),)", "return (g * np.sin(x),)",
  "∂cos/∂a = sin a")
M("sqrt-grad", OM, "return (g * (0.5 / out),)", "return (g * (1 / out),)",
  "∂√a/∂a = 1/√a")
M("abs-grad-at-zero", OM, "    return (g * np.sign(x),)",
  "    return (g * np.where(x >= 0, 1.0, -1.0),)", "∂|a|/∂a = 1 at a = 0")
M("clamp-bound-excluded", OM, "        inside &= x >= low\n", "        inside &= x > low\n",
  "clamp gives no gradient to an element exactly at the lower bound")
M("clamp-high-ignored", OM, "        inside &= x <= high\n", "        pass\n",
  "clamp passes the gradient above the upper bound")
M("remainder-grad-b-sign", OM, "unbroadcast(-g * quotient, b.shape) if b.requires_grad else None)",
  "unbroadcast(g * quotient, b.shape) if b.requires_grad else None)", "∂(a mod b)/∂b = +⌊a/b⌋")
M("remainder-truncates", OM, "    quotient = np.floor_divide(x, y)\n", "    quotient = np.trunc(x / y)\n",
  "the remainder's gradient uses the truncated quotient (wrong for mixed signs)")
M("maximum-ties-to-a", OM, "a_share = np.where(wins(x, y), 1.0, np.where(x == y, 0.5, 0.0))",
  "a_share = np.where(wins(x, y), 1.0, np.where(x == y, 1.0, 0.0))",
  "maximum gives a tie's whole gradient to the first input")
M("where-grad-not-routed", OM, "unbroadcast(np.where(mask, 0, g), b.shape)",
  "unbroadcast(g, b.shape)", "where sends the gradient to both branches")
M("var-correction-ignored", OM, "return total(centred * centred, dims, keepdim) / builtins.max(n - correction, 0)",
  "return total(centred * centred, dims, keepdim) / n", "var divides by n whatever the correction")
M("cat-split-offsets", OM, "sizes = np.cumsum([t.shape[d] for t in parts])[:-1]",
  "sizes = [t.shape[d] for t in parts][:-1]", "cat's gradient split at the wrong places")
M("unsqueeze-dim-range", OM, "d = _dim(dim, a.ndim + 1)", "d = _dim(dim, a.ndim)",
  "unsqueeze cannot add a trailing axis, negative dims shift")
M("to-dtype-grad-not-cast", OM, "    return (g.astype(a.dtype),)", "    return (g,)",
  "the gradient through .to(dtype) keeps the wrong dtype")

G = "minigrad/grad_mode.py"
M("no-grad-exit-not-restored", G, "    def __exit__(self, *exc_info):\n        _set_grad_enabled(self._previous)",
  "    def __exit__(self, *exc_info):\n        _set_grad_enabled(True)",
  "leaving a block always turns grad mode on (nested no_grad broken)")
M("no-grad-swallows-exceptions", G, "        _set_grad_enabled(self._previous)\n        return False",
  "        _set_grad_enabled(self._previous)\n        return True",
  "an exception raised inside no_grad is swallowed")
M("grad-mode-global", G, "class _GradMode(threading.local):", "class _GradMode:",
  "grad mode shared by every thread")
M("set-grad-enabled-decorator", G, "        _set_grad_enabled(self._previous)\n        return super().__call__(function)",
  "        return super().__call__(function)",
  "@set_grad_enabled(False) switches grad off for the whole program")

D = "minigrad/dtypes.py"
M("promote-numpy-rule", D, "        return a if ca > cb else b\n", "        return np.promote_types(a, b)\n",
  "int64 with float16 promotes to float64 (numpy's rule)")
M("python-int-as-float", D, "    if isinstance(value, numbers.Integral):\n        return np.dtype(np.int64)",
  "    if isinstance(value, numbers.Integral):\n        return DEFAULT_DTYPE",
  "a Python int counts as float32")
M("combine-lower-wins", D, "    if lower is None or higher.kind == \"f\":\n        return higher",
  "    if lower is None:\n        return higher",
  "a float64 0-d tensor upgrades a float32 tensor")
M("zero-dim-as-dimensioned", D, "tier, dtype = (0 if value.ndim else 1), value.dtype",
  "tier, dtype = 0, value.dtype", "0-d tensors count as full tensors in promotion")

# ======================================================================================
# gradcheck
# ======================================================================================
GC = "minigrad/gradcheck/__init__.py"
M("gradcheck-one-sided", GC, "grad[i] = (f_plus - f_minus) / (2 * eps)",
  "grad[i] = (f_plus - _weighted_output(fn, inputs, weights)) / eps",
  "forward differences instead of central ones")
M("gradcheck-eps-half", GC, "grad[i] = (f_plus - f_minus) / (2 * eps)",
  "grad[i] = (f_plus - f_minus) / eps", "the central difference not divided by 2ε")
M("gradcheck-abs-only-too-large", GC, "error = np.abs(numerical - analytical)",
  "error = analytical - numerical", "only gradients that are too large are caught")
M("gradcheck-nan-passes", GC, "bad = ~(error <= allowed)", "bad = error > allowed",
  "a nan gradient passes the check")
M("gradcheck-all-must-be-bad", GC, "    if not bad.any():\n        return",
  "    if not bad.all():\n        return", "fails only when every element is wrong")
M("gradcheck-mean-error", GC, "    bad = ~(error <= allowed)",
  "    error = np.full_like(error, error.mean())\n    bad = ~(error <= allowed)",
  "compares the mean error, so one wrong element of many passes")
M("gradcheck-rtol-on-analytical", GC, "allowed = atol + rtol * np.abs(numerical)",
  "allowed = atol + rtol * np.abs(numerical) + rtol * np.abs(analytical) * 10",
  "the tolerance grows with the analytical gradient (a too-large one passes)")
M("gradcheck-float32", GC, "copies.append(Tensor(x.array, dtype=np.float64, requires_grad=x.requires_grad))",
  "copies.append(Tensor(x.array, requires_grad=x.requires_grad))", "checks in float32")
M("gradcheck-fast-no-normalise", GC, "    direction /= np.linalg.norm(direction)\n", "",
  "fast mode's random direction not normalised (tolerance meaningless)")
M("gradcheck-fast-default", GC, "fast_mode: bool = False, seed: int = 0",
  "fast_mode: bool = True, seed: int = 0",
  "fast mode (one random direction) by default: one wrong element of a large input passes")
M("gradcheck-ones-weights", GC, "    return rng.standard_normal(out.shape)",
  "    return np.ones(out.shape)", "non-scalar outputs checked through their sum only")

# ======================================================================================
# Optimizers
# ======================================================================================
SGD = "minigrad/optim/sgd.py"
M("sgd-dampening-on-first", SGD, "                    b = np.array(g, copy=True)\n",
  "                    b = (1 - tau) * g\n", "the first buffer is dampened")
M("sgd-no-dampening", SGD, "b += (1 - tau) * g", "b += g", "dampening ignored")
M("sgd-nesterov-wrong", SGD, "g = g + mu * b if group[\"nesterov\"] else b",
  "g = mu * b if group[\"nesterov\"] else b", "Nesterov step drops the gradient")
M("sgd-weight-decay-after-momentum", SGD, "            g = l2_penalty(g, theta, group[\"weight_decay\"])\n            if mu != 0:",
  "            if mu != 0:", "weight decay ignored")
M("sgd-buffer-starts-at-zero", SGD, "                    b = np.array(g, copy=True)\n",
  "                    b = np.zeros_like(g)\n", "the momentum buffer starts at 0, not at g₁")

AD = "minigrad/optim/adam.py"
M("adam-no-bias-correction-1", AD, "step_size = eta / (1 - beta1 ** t)", "step_size = eta",
  "m̂ not bias-corrected")
M("adam-no-bias-correction-2", AD, "denominator = np.sqrt(v) / (1 - beta2 ** t) ** 0.5 + eps",
  "denominator = np.sqrt(v) + eps", "v̂ not bias-corrected")
M("adam-eps-inside-sqrt", AD, "denominator = np.sqrt(v) / (1 - beta2 ** t) ** 0.5 + eps",
  "denominator = np.sqrt(v / (1 - beta2 ** t) + eps)", "ε inside the square root")
M("adam-amsgrad-ignored", AD, "                v = np.maximum(v_max, v, out=v_max)\n", "                pass\n",
  "amsgrad does nothing")
M("adam-amsgrad-min", AD, "                v = np.maximum(v_max, v, out=v_max)\n",
  "                v = np.minimum(v, v + 1, out=v_max)\n", "amsgrad keeps the current v, not the max")
M("adamw-decay-not-lr-scaled", AD, "theta *= 1 - eta * group[\"weight_decay\"]",
  "theta *= 1 - group[\"weight_decay\"]", "AdamW decay not scaled by η")
M("adamw-decay-coupled", AD, "            if group[\"decoupled_weight_decay\"]:\n                theta *= 1 - eta * group[\"weight_decay\"]       # AdamW: decay θ itself\n            else:\n                g = l2_penalty(g, theta, group[\"weight_decay\"])  # Adam: through g_t",
  "            g = l2_penalty(g, theta, group[\"weight_decay\"])",
  "AdamW decays through the gradient, like Adam")
M("adam-second-moment-g", AD, "v += (1 - beta2) * g * g", "v += (1 - beta2) * np.abs(g)",
  "v averages |g| instead of g²")
M("adam-first-moment-beta2", AD, "m += (1 - beta1) * (g - m)", "m += (1 - beta2) * (g - m)",
  "m uses β₂")
M("adamw-default-decay", AD, "def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,",
  "def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,",
  "AdamW's default weight decay 0")

AG = "minigrad/optim/adagrad.py"
M("adagrad-lr-decay-from-t", AG, "eta_t = float(group[\"lr\"]) / (1 + (t - 1) * group[\"lr_decay\"])",
  "eta_t = float(group[\"lr\"]) / (1 + t * group[\"lr_decay\"])", "lr decay counted from t, not t − 1")
M("adagrad-eps-inside", AG, "theta -= eta_t * (g / (np.sqrt(s) + group[\"eps\"]))",
  "theta -= eta_t * (g / np.sqrt(s + group[\"eps\"]))", "ε inside the root")
M("adagrad-initial-accumulator", AG, "\"sum\": state_tensor(np.full_like(p.array, group[\"initial_accumulator_value\"]))",
  "\"sum\": state_tensor(np.zeros_like(p.array))", "initial_accumulator_value ignored")
M("adagrad-weight-decay-ignored", AG, "            g = l2_penalty(g, theta, group[\"weight_decay\"])\n            eta_t",
  "            eta_t", "Adagrad's weight decay ignored")

RM = "minigrad/optim/rmsprop.py"
M("rmsprop-centered-sign", RM, "d = np.sqrt(v - g_bar * g_bar) + group[\"eps\"]",
  "d = np.sqrt(v + g_bar * g_bar) + group[\"eps\"]", "centred RMSprop adds ḡ²")
M("rmsprop-alpha-swapped", RM, "v += (1 - alpha) * g * g", "v += alpha * g * g",
  "the new g² weighted by α")
M("rmsprop-momentum-lr-inside", RM, "                b += g / d\n                theta -= eta * b",
  "                b += eta * g / d\n                theta -= b", "η inside the momentum buffer")
M("rmsprop-grad-avg-alpha", RM, "g_bar += (1 - alpha) * (g - g_bar)", "g_bar += alpha * (g - g_bar)",
  "ḡ weighted the wrong way")

OP = "minigrad/optim/optimizer.py"
M("zero-grad-keeps", OP, "                        p._grad = None\n", "                        pass\n",
  "zero_grad() leaves the gradients")
M("optimizer-steps-without-grad", OP, "                if grad is None:\n                    continue\n",
  "                if grad is None:\n                    grad = p.grad = Tensor(np.zeros_like(p.array))\n",
  "parameters without a gradient are stepped (weight decay moves them)")
M("state-dict-steps-not-restored", OP, "        return step_count(float(np.asarray(value)))\n",
  "        return step_count()\n", "load_state_dict() restarts the step count at 0")
M("load-state-step-off-by-one", OP, "        return step_count(float(np.asarray(value)))\n",
  "        return step_count(float(np.asarray(value)) + 1)\n", "the restored step count is off by one")
M("group-defaults-not-filled", OP, "            group.setdefault(name, default)",
  "            group[name] = default", "a group's own hyper-parameters replaced by the defaults")
M("l2-penalty-sign", OP, "return g + weight_decay * theta if weight_decay != 0 else g",
  "return g - weight_decay * theta if weight_decay != 0 else g", "weight decay pushes θ away from 0")

# ======================================================================================
# Learning-rate schedulers
# ======================================================================================
BF = "minigrad/optim/lr_scheduler/by_formula.py"
M("steplr-closed-form-no-floor", BF, "return [eta_0 * self.gamma ** (self.last_epoch // self.step_size)",
  "return [eta_0 * self.gamma ** (self.last_epoch / self.step_size)",
  "StepLR's closed form without the floor")
M("steplr-recursive-off-by-one", BF, "if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:",
  "if self.last_epoch == 0 or (self.last_epoch + 1) % self.step_size != 0:",
  "StepLR decays one step early")
M("multistep-count-ignored", BF, "return [lr * self.gamma ** hits for lr in self._current_lrs()]",
  "return [lr * self.gamma for lr in self._current_lrs()]", "a milestone listed twice decays once")
M("multistep-closed-form-late", BF, "passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)",
  "passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch - 1)",
  "MultiStepLR's closed form one step late")
M("exponential-closed-form", BF, "return [eta_0 * self.gamma ** self.last_epoch for eta_0 in self.base_lrs]",
  "return [eta_0 * self.gamma ** (self.last_epoch + 1) for eta_0 in self.base_lrs]",
  "ExponentialLR's closed form one step ahead")
M("inverse-time-k-squared", BF, "return [eta_0 / (1 + self.k * self.last_epoch) for eta_0 in self.base_lrs]",
  "return [eta_0 / (1 + self.k * self.last_epoch) ** 2 for eta_0 in self.base_lrs]",
  "η₀/(1+kt)² instead of η₀/(1+kt)")
M("cosine-bottom-branch", BF, "return [lr + (eta_0 - eta_min) * (1 - math.cos(math.pi / T)) / 2",
  "return [lr + (eta_0 - eta_min) * (1 - math.cos(math.pi / T))",
  "the step after the bottom of the cosine jumps twice as far")
M("cosine-closed-form-period", BF, "* (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2",
  "* (1 + math.cos(2 * math.pi * self.last_epoch / self.T_max)) / 2",
  "cosine closed form with half the period")
M("cosine-eta-min-ignored", BF, "* (lr - eta_min) + eta_min for lr in self._current_lrs()]",
  "* lr for lr in self._current_lrs()]", "cosine annealing ignores eta_min")
M("linear-closed-form-no-min", BF, "return [eta_0 * (f_s + (f_e - f_s) * min(T, t) / T) for eta_0 in self.base_lrs]",
  "return [eta_0 * (f_s + (f_e - f_s) * t / T) for eta_0 in self.base_lrs]",
  "LinearLR's closed form keeps changing after total_iters")
M("linear-recursive-past-end", BF, "        if self._is_initial or t > T:\n            return self._current_lrs()\n        return [lr * (1.0 + (f_e",
  "        if self._is_initial or t > T + 1:\n            return self._current_lrs()\n        return [lr * (1.0 + (f_e",
  "LinearLR changes once more after total_iters")
M("polynomial-closed-form-power", BF, "return [eta_0 * (1.0 - min(T, t) / T) ** self.power for eta_0 in self.base_lrs]",
  "return [eta_0 * (1.0 - min(T, t) / T) for eta_0 in self.base_lrs]",
  "PolynomialLR's closed form ignores the power")
M("polynomial-recursive-no-power", BF, "decay = ((1.0 - t / T) / (1.0 - (t - 1) / T)) ** self.power",
  "decay = ((1.0 - t / T) / (1.0 - (t - 1) / T))", "PolynomialLR ignores the power")
M("constant-lr-never-restores", BF, "        if self.last_epoch != self.total_iters:\n", "        if True:\n",
  "ConstantLR never goes back to the full rate")
M("multiplicative-from-base", BF, "return [group[\"lr\"] * f(self.last_epoch)",
  "return [self.base_lrs[0] * f(self.last_epoch)",
  "MultiplicativeLR multiplies the initial rate instead of the current one")
M("lambda-from-current", BF, "        return [eta_0 * f(self.last_epoch)\n                for f, (eta_0, _) in",
  "        return [eta_0 * f(self.last_epoch + 1)\n                for f, (eta_0, _) in",
  "LambdaLR evaluates f one step ahead")

CY = "minigrad/optim/lr_scheduler/cyclic.py"
M("onecycle-linear-anneal-reversed", CY, "return (end - start) * pct + start",
  "return (start - end) * pct + end", "linear annealing runs backwards")
M("onecycle-cos-anneal", CY, "return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)",
  "return end + (start - end) * (math.cos(math.pi * pct) + 1)", "cosine annealing overshoots by 2×")
M("onecycle-min-lr", CY, "group[\"min_lr\"] = group[\"initial_lr\"] / final_div_factor",
  "group[\"min_lr\"] = top / final_div_factor", "min_lr from max_lr, not initial_lr")
M("onecycle-phase-end", CY, "_phase(float(pct_start * n) - 1, \"initial_lr\", \"max_lr\",\n                       \"max_momentum\", \"base_momentum\"),\n                _phase(n - 1, \"max_lr\"",
  "_phase(float(pct_start * n), \"initial_lr\", \"max_lr\",\n                       \"max_momentum\", \"base_momentum\"),\n                _phase(n - 1, \"max_lr\"",
  "the warm-up ends one step late (two-phase)")
M("onecycle-momentum-not-cycled", CY, "                    if self.cycle_momentum:\n                        _set_momentum(group, self.use_beta1,",
  "                    if False:\n                        _set_momentum(group, self.use_beta1,",
  "OneCycleLR never moves the momentum")
M("onecycle-overstep", CY, "if t > self.total_steps:", "if t > self.total_steps + 1:",
  "OneCycleLR allows two steps too many")
M("cyclic-height", CY, "height = (x - 1) / (self.step_ratio - 1)", "height = 1 - x",
  "the falling half ignores step_size_down")
M("cyclic-triangular2", CY, "return 1 / (2.0 ** (x - 1))", "return 1 / (2.0 ** x)",
  "triangular2 halves the first cycle too")
M("cyclic-momentum-same-way", CY, "_set_momentum(group, self.use_beta1, high - (high - low) * height * scale)",
  "_set_momentum(group, self.use_beta1, low + (high - low) * height * scale)",
  "momentum cycles with the rate instead of against it")
M("cyclic-beta1-index", CY, "group[\"betas\"] = (momentum, *group[\"betas\"][1:])",
  "group[\"betas\"] = (group[\"betas\"][0], momentum)", "cycles β₂ instead of β₁")

SQ = "minigrad/optim/lr_scheduler/sequential.py"
M("sequential-milestone-late", SQ, "if i > 0 and self._milestones[i - 1] == self.last_epoch:",
  "if i > 0 and self._milestones[i - 1] == self.last_epoch - 1:",
  "the next scheduler is not restarted at the milestone")
M("sequential-restart-by-step", SQ, "            scheduler._update_lr(0)\n", "            scheduler.step()\n",
  "at a milestone the next scheduler continues instead of restarting at step 0")
M("sequential-no-undo", SQ, "        self._undo_initial_steps(self)             # ... and to before step 0\n", "",
  "the inner schedulers' construction steps are not undone (one step ahead)")
LD = "minigrad/optim/lr_scheduler/loss_driven.py"
M("plateau-patience-off-by-one", LD, "if self.num_bad_epochs > self.patience:",
  "if self.num_bad_epochs >= self.patience:", "the rate is cut one epoch early")
M("plateau-threshold-rel", LD, "return a < best * (1.0 - self.threshold)", "return a < best",
  "any decrease counts as an improvement (threshold ignored)")
M("plateau-max-mode", LD, "return a > best * (self.threshold + 1.0)", "return a > best * (1.0 - self.threshold)",
  "max mode's relative threshold points the wrong way")
M("plateau-cooldown-ignored", LD, "            self.cooldown_counter = self.cooldown\n", "",
  "cooldown never starts")
M("plateau-min-lr-ignored", LD, "new_lr = max(old_lr * self.factor, min_lr)", "new_lr = old_lr * self.factor",
  "min_lr not respected")
M("plateau-eps-ignored", LD, "if old_lr - new_lr > self.eps:", "if old_lr - new_lr >= 0:",
  "changes smaller than eps are applied")
M("loss-ratio-compounds", LD, "self._set_lrs([eta * f for eta in self.base_lrs])",
  "self._set_lrs([eta * f for eta in self._last_lr])", "the factor compounds (the article's code)")
M("loss-ratio-floor", LD, "f = max(self.alpha, self.gamma * dJ / dJ_prev)",
  "f = self.gamma * dJ / dJ_prev", "no floor α")

# ======================================================================================
# Checkpoints, data, search, curvature
# ======================================================================================
CK = "minigrad/checkpoint.py"
M("checkpoint-allow-pickle", CK, "with np.load(path, allow_pickle=False) as archive:",
  "with np.load(path, allow_pickle=True) as archive:", "a pickled object array is unpickled")
M("checkpoint-no-signature-check", CK, "    if signature != ZIP_SIGNATURE:\n", "    if False:\n",
  "a non-zip file is not recognised as such")
M("checkpoint-version-ignored", CK, "    if int(version) != FORMAT_VERSION:\n", "    if False:\n",
  "another format version is read")
M("checkpoint-temporary-left", CK, "            os.remove(temporary)\n", "            pass\n",
  "a failed save leaves its temporary file behind")
M("checkpoint-no-rollback", CK, "        for target, backup in loaded:\n            target.load_state_dict(backup)\n", "",
  "a checkpoint that does not fit leaves the model half loaded")
M("checkpoint-optimizer-scalars-lost", CK, "                scalars.setdefault(str(index), {})[name] = value",
  "                pass", "the step counts are not saved")

SP = "minigrad/data/split.py"
M("split-floor", SP, "n_val, n_test = round(val_fraction * len(y)), round(test_fraction * len(y))",
  "n_val, n_test = int(val_fraction * len(y)), round(test_fraction * len(y))",
  "the validation size rounded down, not to nearest")
M("split-ceil-test", SP, "n_val, n_test = round(val_fraction * len(y)), round(test_fraction * len(y))",
  "n_val, n_test = round(val_fraction * len(y)), -int(-test_fraction * len(y) // 1)",
  "the test size rounded up")
M("split-overlap", SP, "train.append(indices[k_val + k_test:])", "train.append(indices[k_val:])",
  "the training set overlaps the test set")
M("split-stratify-ignored", SP, "groups = _classes(y) if stratify else [np.arange(len(y))]",
  "groups = [np.arange(len(y))]", "stratify=True does nothing")
M("split-remainders-ignored", SP, "    order = order[np.argsort(-remainders[order], kind=\"stable\")]\n", "",
  "stratified leftovers go to random classes, not to the largest remainders")
BA = "minigrad/data/batching.py"
M("batches-drop-last-off-by-one", BA, "stop = len(order) - batch_size + 1 if drop_last else len(order)",
  "stop = len(order) - batch_size if drop_last else len(order)",
  "drop_last drops a full last batch when batch_size divides n")
M("loader-len-ceil", BA, "return -(-len(self.y) // self.batch_size)  # ceil(n / batch_size)",
  "return len(self.y) // self.batch_size + 1", "len(loader) one too many when batch_size divides n")
M("loader-same-order-each-epoch", BA, "        self.epoch += 1\n        return batches(",
  "        return batches(", "every epoch has the same order")
M("loader-len-drop-last", BA, "return len(self.y) // self.batch_size\n",
  "return -(-len(self.y) // self.batch_size)\n", "len(loader) ignores drop_last")

LS = "minigrad/lr_search.py"
M("search-best-includes-diverged", LS, "finished = [r for r in self.results if r.ok]\n        self.best",
  "finished = [r for r in self.results if not r.failed]\n        self.best",
  "a diverged (nan/inf) trial can be chosen as best")
M("search-nan-min", LS, "self.best = min(finished, key=lambda r: r.value) if finished else None",
  "self.best = min(self.results, key=lambda r: r.value) if finished else None",
  "min over every trial: a nan first in the list wins")
M("search-diverged-flag", LS, "diverged = error is None and not math.isfinite(value)",
  "diverged = error is None and math.isnan(value)", "an infinite metric is not flagged as diverged")
M("search-log-uniform", LS, "lrs = 10 ** rng.uniform(math.log10(low), math.log10(high), size=n)",
  "lrs = rng.uniform(low, high, size=n)", "log=True draws linearly")
M("search-not-sorted", LS, "    results.sort(key=lambda r: r.lr)\n", "",
  "results not sorted by learning rate")
M("range-test-no-bias-correction", LS, "smoothed.append(average / (1 - smooth ** (i + 1)))",
  "smoothed.append(average)", "the smoothed loss is not bias-corrected")
M("range-test-schedule", LS, "(np.arange(num_iter) / (num_iter - 1))", "(np.arange(num_iter) / num_iter)",
  "the range test never reaches end_lr")

CU = "minigrad/curvature.py"
M("hvp-step-ignores-direction-norm", CU, "h = eps * max(1.0, _norm(theta)) / v_norm",
  "h = eps * max(1.0, _norm(theta))", "the step ignores ‖v‖ (fine on a quadratic, wrong elsewhere)")
M("hvp-normalises-direction", CU, "return [(gp - gm) / (2 * h) for gp, gm in zip(grad_plus, grad_minus)]",
  "return [(gp - gm) / (2 * h * v_norm) for gp, gm in zip(grad_plus, grad_minus)]",
  "returns H v/‖v‖ instead of H v")
M("hvp-one-sided", CU, "return [(gp - gm) / (2 * h) for gp, gm in zip(grad_plus, grad_minus)]",
  "return [(gp - gm) / h for gp, gm in zip(grad_plus, grad_minus)]",
  "the central difference not divided by 2h")
M("hvp-restores-nothing", CU, "            p.array, p.grad = data, grad\n", "            p.grad = grad\n",
  "parameters keep the perturbed float64 values")
M("eig-absolute-tolerance", CU, "if residual <= tol * spectral or beta == 0",
  "if residual <= tol or beta == 0",
  "absolute tolerance: stops at once when the curvature is tiny")
M("eig-largest-magnitude", CU, "return float(values[-1]), vectors[:, -1], float(np.max(np.abs(values)))",
  "k = int(np.argmax(np.abs(values)))\n    return float(values[k]), vectors[:, k], float(np.max(np.abs(values)))",
  "the eigenvalue of largest magnitude, not the largest (a negative one can win)")
M("eig-residual-wrong-component", CU, "residual = beta * abs(s[-1])", "residual = beta * abs(s[0])",
  "the Ritz residual from the first component: stops too early or too late")
M("eig-no-reorthogonalisation", CU, "        for _ in range(2):                    # twice is enough", "        for _ in range(0):                    # twice is enough",
  "the Lanczos basis is not orthogonalised at all")
M("hessian-not-symmetrised", CU, "    return (H + H.T) / 2", "    return H",
  "the Hessian not symmetrised")
