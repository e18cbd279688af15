"""The in-process JVM keeps its signal handlers to the end of a pytest session.

pytest's fault handler plugin, when the session ends, restores the SIGSEGV handler it found at the
start, which removes the JVM's (started by knng during the session). HotSpot relies on its handler:
some null dereferences (in compiled code and in its own stubs) reach it as SIGSEGVs, which it turns
into NullPointerExceptions. Java code running after that, as JPype's stop of the JVM at exit does,
can kill the process. This project's pytest configuration disables that plugin; the test runs a
pytest session with that configuration whose last act is such a dereference, and checks that the
process ends normally (and, without the configuration, that it does not).
"""

import os
import subprocess
import sys
import textwrap

import pytest

from knng import _engine

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = os.path.join(os.path.dirname(HERE), "pyproject.toml")

CONFTEST = textwrap.dedent("""
    import pytest

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(config):
        # After every other plugin's end-of-session work: a null dereference that HotSpot
        # catches through its SIGSEGV handler (String.valueOf(char[] null) copies from null).
        import jpype
        string = jpype.JClass("java.lang.String")
        survived = 0
        for _ in range(100):
            try:
                string.valueOf(None)
            except Exception:
                survived += 1
        print("java threw", survived, "times")
""")

SESSION = textwrap.dedent("""
    import numpy as np
    import knng

    def test_a_graph_through_the_jvm():
        g = knng.kneighbors_graph(np.arange(20, dtype=np.float32).reshape(10, 2), 2)
        assert g.nnz == 20
""")


def _session(tmp_path, config_args):
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_session.py").write_text(SESSION)
    env = dict(os.environ, KNNG_BACKEND="jpype", PYTHONPATH=os.path.dirname(HERE))
    env.pop("PYTHONFAULTHANDLER", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path)] + config_args + [str(tmp_path)],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(_engine.backend().name != "jpype", reason="the in-process JVM needs JPype")
def test_the_jvm_keeps_its_signal_handlers_through_the_session_end(tmp_path):
    r = _session(tmp_path, ["-c", CONFIG])
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "1 passed" in r.stdout and "java threw 100 times" in r.stdout, r.stdout


@pytest.mark.skipif(_engine.backend().name != "jpype", reason="the in-process JVM needs JPype")
def test_without_the_configuration_the_same_session_crashes(tmp_path):
    # What the configuration is there for: with pytest's fault handler plugin left on, the same
    # session dies by SIGSEGV once compiled Java code runs after the session's end.
    r = _session(tmp_path, ["-c", os.devnull, "-p", "faulthandler"])
    assert r.returncode == -11, (r.returncode, r.stdout[-2000:], r.stderr[-2000:])
