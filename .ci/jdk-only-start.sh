#!/usr/bin/env bash
# Checks "a JDK-only start": that a newcomer with a JDK 17+ and no Maven installed can run the
# README's first command. In a fresh copy of the repository, with a PATH on which there is no
# `mvn`, it runs
#   ./knng build --input examples/iris/iris.csv --k 10 --output iris-knn.npz --mode distance
# (the launcher then builds itself through the Maven wrapper, ./mvnw, which downloads Maven from
# Maven Central), checks the output, and then runs one cheap but real build through ./mvnw
# directly (knng-core, clean package, no tests: CI's `./mvnw clean verify` already runs the tests).
#
# Usage: bash .ci/jdk-only-start.sh [SOURCE_DIR]
#   SOURCE_DIR  a git working tree of knng; default: the repository this script is in.
#   If SOURCE_DIR has no uncommitted changes, it is cloned (`git clone`: exactly what is committed).
#   If it has uncommitted changes (modified, staged or untracked-but-not-ignored files), a clone
#   would leave them out, so its working tree is copied instead: the files `git ls-files -co
#   --exclude-standard` lists (tracked plus untracked, minus what .gitignore ignores, so no
#   target/ directories and no prebuilt jar), which lets one test work before committing it.
#
# Downloads: Maven itself really is downloaded by the wrapper, into a temporary MAVEN_USER_HOME
# (the wrapper's download location), so that step is tested every run. The artifacts (plugins,
# dependencies) still come from the existing ~/.m2/repository, the default local repository, which
# MAVEN_USER_HOME does not move: re-downloading every dependency each run would test Maven
# Central, not this project, and make the check slow.
#
# Exits non-zero with a message saying which step failed; removes its temporary files either way.
set -euo pipefail

src="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)"
fail() { echo "jdk-only-start: FAILED: $*" >&2; exit 1; }
step() { echo "jdk-only-start: $*"; }

git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1 || fail "$src is not a git working tree"
src="$(git -C "$src" rev-parse --show-toplevel)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/knng-jdk-only.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
started=$SECONDS

# 1. A fresh copy of the repository.
if [ -z "$(git -C "$src" status --porcelain --untracked-files=normal)" ]; then
  step "cloning $src (no uncommitted changes)"
  git clone -q "$src" "$tmp/knng" || fail "git clone $src"
else
  step "copying the working tree of $src (it has uncommitted changes, which a clone would miss)"
  mkdir "$tmp/knng"
  # Tracked files deleted in the working tree are listed by ls-files but do not exist: left out.
  (cd "$src" && git ls-files -z -co --exclude-standard |
    while IFS= read -r -d '' f; do if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi; done |
    tar --null -T - -cf -) | tar -xf - -C "$tmp/knng" || fail "copying the working tree of $src"
fi
repo="$tmp/knng"
[ -f "$repo/mvnw" ] || fail "mvnw is missing from the repository"
[ -x "$repo/mvnw" ] || fail "mvnw is not executable in a fresh copy (commit it with mode 755: git update-index --chmod=+x mvnw)"
[ -f "$repo/.mvn/wrapper/maven-wrapper.properties" ] || fail ".mvn/wrapper/maven-wrapper.properties is missing"

# 2. A PATH without Maven: every command of /usr/bin and /bin except Maven's, plus the JDK's
#    bin/ when JAVA_HOME is set (first, as a JDK-only user would have it).
bin="$tmp/bin"
mkdir "$bin"
for dir in /usr/bin /bin; do
  for exe in "$dir"/*; do
    name="${exe##*/}"
    case "$name" in mvn | mvnDebug | mvnyjp | mvnd | mvnd.sh) continue ;; esac
    if [ -x "$exe" ] && [ ! -d "$exe" ] && [ ! -e "$bin/$name" ]; then ln -s "$exe" "$bin/$name"; fi
  done
done
nomvn_path="$bin"
if [ -n "${JAVA_HOME:-}" ]; then nomvn_path="$JAVA_HOME/bin:$nomvn_path"; fi
if env PATH="$nomvn_path" bash -c 'command -v mvn' >/dev/null 2>&1; then
  fail "mvn is still on the PATH built without it: $(env PATH="$nomvn_path" bash -c 'command -v mvn')"
fi
env PATH="$nomvn_path" bash -c 'command -v java' >/dev/null 2>&1 || fail "no java on the PATH (set JAVA_HOME or install a JDK)"
step "PATH without mvn: ok (java: $(env PATH="$nomvn_path" java -version 2>&1 | head -1))"

# The wrapper downloads Maven here; the local repository stays ~/.m2/repository (see the header).
wrapper_home="$tmp/maven-user-home"
mkdir "$wrapper_home"
nomvn() { (cd "$repo" && env PATH="$nomvn_path" MAVEN_USER_HOME="$wrapper_home" "$@"); }

# 3. The README's first command, on that PATH: the launcher must build itself through ./mvnw.
step "running ./knng build --input examples/iris/iris.csv --k 10 --output iris-knn.npz --mode distance"
t=$SECONDS
if ! nomvn ./knng build --input examples/iris/iris.csv --k 10 --output iris-knn.npz --mode distance \
    >"$tmp/knng.log" 2>&1; then
  cat "$tmp/knng.log" >&2
  fail "./knng build on a machine without mvn (output above)"
fi
[ -s "$repo/iris-knn.npz" ] || { cat "$tmp/knng.log" >&2; fail "./knng build made no iris-knn.npz"; }
[ "$(head -c 2 "$repo/iris-knn.npz")" = PK ] || fail "iris-knn.npz is not an .npz (zip) file"
compgen -G "$wrapper_home/wrapper/dists/apache-maven-*/*/bin/mvn" >/dev/null ||
  fail "the build did not go through the Maven wrapper (no Maven downloaded into MAVEN_USER_HOME)"
step "./knng build: ok, $(wc -c <"$repo/iris-knn.npz") bytes written, Maven downloaded by the wrapper ($((SECONDS - t)) s)"

# 4. One real build through the wrapper itself, the way the README's test command (./mvnw clean
#    verify) uses it, here without the tests.
step "running ./mvnw -q -B -pl knng-core -DskipTests clean package"
t=$SECONDS
if ! nomvn ./mvnw -q -B -pl knng-core -DskipTests clean package >"$tmp/mvnw.log" 2>&1; then
  cat "$tmp/mvnw.log" >&2
  fail "./mvnw -pl knng-core package (output above)"
fi
compgen -G "$repo/knng-core/target/knng-core-*.jar" >/dev/null || fail "./mvnw made no knng-core jar"
step "./mvnw package: ok ($((SECONDS - t)) s)"

step "passed in $((SECONDS - started)) s"
