"""Shared test fixtures' building blocks: small models with random, non-symmetric weights; which notebooks need PyTorch."""

import numpy as np

from rnn_lib import RNN


def random_model(V=6, O=2, H=5, scale=0.5, seed=1):
    """An RNN with N(0, scale^2) weights and biases: no zeros, no symmetry to hide bugs."""
    rng = np.random.default_rng(seed)
    model = RNN(V, O, H, rng=rng, init=scale)
    model.bh = rng.standard_normal((H, 1)) * 0.1
    model.by = rng.standard_normal((O, 1)) * 0.1
    return model


def interrupted_after_one_epoch(train):
    """``train`` (a trainer taking ``callback=``) stopped by Ctrl-C right after its first epoch's callback."""
    def interrupted(*args, callback, **kwargs):
        def stop(history):
            callback(history)
            raise KeyboardInterrupt
        return train(*args, callback=stop, **kwargs)
    return interrupted


def unwritable_folder(tmp_path):
    """A folder this process cannot create files in, or skip the test.

    A folder with mode 0o500 serves for a normal user; root may write anywhere
    except in special file systems such as /sys, which serves then.
    """
    import os

    import pytest

    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    for candidate in (str(folder), "/sys"):
        try:
            fd = os.open(os.path.join(candidate, ".probe"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError:
            return candidate
        os.close(fd)
        os.unlink(os.path.join(candidate, ".probe"))
    pytest.skip("no folder here refuses this process's writes")


def execute_notebook(path, timeout=600):
    """Execute a copy of the notebook at ``path`` in a fresh kernel of this interpreter; return it.

    The kernel runs ``sys.executable`` (as nbval's ``--nbval-current-env``) in the notebook's folder,
    and is shut down afterwards. The file itself is not changed.
    """
    import sys

    import nbformat
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    name = "rnn-course-current-env"

    class CurrentEnv(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            if kernel_name == name:
                return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                                  display_name="Python (current environment)", language="python")
            return super().get_kernel_spec(kernel_name)

    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name=name, kernel_spec_manager=CurrentEnv())
    client = NotebookClient(nb, km=km, timeout=timeout, kernel_name=name,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    return nb



def _root_conftest():
    """The repository's ``conftest.py``, loaded by path (pytest loads it as a plugin, not as an importable module)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("rnn_lib_root_conftest", Path(__file__).resolve().parents[1] / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_CONFTEST = _root_conftest()
notebook_needs_torch = _CONFTEST.notebook_needs_torch
#: The one-line reason a test that needs PyTorch gives where it is missing (as ``conftest.py`` skips them).
TORCH_REASON = f"this test {_CONFTEST.TORCH_MISSING}"
