"""Runs the rKL-LD paper's code (sebaleh87/dds_optim, checked out outside this repository) on
the CPU and records every metric it logs, so that its runs can be set beside bridgelab's.

    python tools/crosscheck/run_paper_code.py --paper-code ../dds_optim --log run.jsonl -- \
        --SDE_Loss Bridge_rKL_logderiv --Energy_Config GMMDistrax ...   # main.py's own options

Its `main.py` imports packages that the paths run here never call (wandb for logging; torch,
torchquad, pykeops, pytheus and inference_gym for other targets and metrics). This runner puts
stand-ins for them in `sys.modules` before `main.py` runs: the wandb stand-in writes each
`wandb.log` call as one JSON line (`{"step": k, "metrics": {...}}`, numbers only) to --log; the
others answer every attribute with another stand-in. Nothing of the paper's code is copied
here; see docs/crosscheck.md for the versions and the commands.
"""

import argparse
import importlib.abc
import importlib.machinery
import json
import math
import os
import runpy
import sys
import types
import uuid


class _Anything(types.ModuleType):
    """A module whose attributes are stand-ins: sub-modules for lower-case names, classes
    (which can be subclassed) for capitalised ones; calling one returns its argument, so that
    decorators such as `@torch.no_grad()` leave the function as it is."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name[:1].isupper():
            value = type(name, (), {"__init__": lambda self, *a, **k: None, "__call__": lambda self, *a, **k: a[0] if a else None})
        else:
            value = _Anything(f"{self.__name__}.{name}")
        setattr(self, name, value)
        return value

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and callable(args[0]):
            return args[0]
        return lambda f: f


STAND_INS = ["torch", "torchquad", "pykeops", "pytheus", "inference_gym"]


class _StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers `import X` and `from X.y import Z` for the stand-in packages and everything
    below them."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in STAND_INS:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _Anything(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def _number(value):
    try:
        import numpy as np

        value = float(np.mean(np.asarray(value, dtype=float)))
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else str(value)


def _wandb(log_path):
    wandb = types.ModuleType("wandb")
    out = open(log_path, "a", buffering=1)

    def log(metrics, step=None, **_):
        numbers = {}
        for key, value in metrics.items():
            number = _number(value)
            if number is not None:
                numbers[key] = number
        if numbers:
            out.write(json.dumps({"step": step, "metrics": numbers}) + "\n")

    wandb.init = lambda *a, **k: None
    wandb.log = log
    wandb.finish = lambda *a, **k: None
    wandb.run = types.SimpleNamespace(name=f"crosscheck-{uuid.uuid4().hex[:8]}")
    wandb.Settings = lambda *a, **k: None
    wandb.Image = lambda *a, **k: None

    class Table:
        def __init__(self, *a, **k):
            pass

        def add_data(self, *a, **k):
            pass

    wandb.Table = Table
    return wandb


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper-code", required=True, help="a checkout of sebaleh87/dds_optim")
    parser.add_argument("--log", required=True, help="JSON lines file the metrics are appended to")
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="main.py's options, after --")
    args = parser.parse_args()
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest

    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import numpy as np

    if not hasattr(np, "infty"):
        np.infty = np.inf  # the code predates NumPy 2
    sys.modules["wandb"] = _wandb(os.path.abspath(args.log))
    sys.meta_path.insert(0, _StandInFinder())

    code = os.path.abspath(args.paper_code)
    os.chdir(code)
    sys.path.insert(0, code)
    sys.argv = ["main.py", "--GPU", "-1", *rest]
    runpy.run_path(os.path.join(code, "main.py"), run_name="__main__")


if __name__ == "__main__":
    main()
