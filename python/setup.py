"""Bundles knng's jar into the package: `pip install ./python` (from a knng checkout) builds the
jar with the checkout's ./knng launcher (Maven, or the Maven wrapper on a JDK-only machine) and
installs it as knng/lib/knng.jar. KNNG_JAR=path/to/knng.jar bundles a jar built elsewhere."""

import os
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.dirname(HERE)


def built_jar():
    given = os.environ.get("KNNG_JAR")
    if given:
        if not os.path.isfile(given):
            raise SystemExit("error: KNNG_JAR=%s: no such file" % given)
        return given
    launcher = os.path.join(CHECKOUT, "knng")
    if not os.path.isfile(launcher):
        raise SystemExit("error: knng.jar: not in a knng checkout (no %s); set KNNG_JAR" % launcher)
    # The launcher rebuilds the jar when it is missing or older than the sources.
    subprocess.run(["bash", launcher, "--version"], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(CHECKOUT, "knng-cli", "target", "knng.jar")


class BuildWithJar(build_py):
    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "knng", "lib")
        os.makedirs(target, exist_ok=True)
        shutil.copyfile(built_jar(), os.path.join(target, "knng.jar"))


setup(cmdclass={"build_py": BuildWithJar})
