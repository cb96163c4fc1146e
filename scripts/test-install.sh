#!/usr/bin/env bash
# The package works alone: installs the build tree into a temporary prefix, builds both examples against that prefix
# (copied out of the source tree, so nothing there can be found by accident), runs them on the cpu backend and
# compares their PNGs with the goldens. Usage: test-install.sh BUILD_DIR PNG_DIFF
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$1
png_diff=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log"
test -f "$tmp/prefix/lib/cmake/cuvk/cuvkConfigVersion.cmake"
for ex in hello-interop custom-particles; do
  cp -r "$src/examples/$ex" "$tmp/$ex-src"
  cmake -S "$tmp/$ex-src" -B "$tmp/$ex-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$tmp/prefix" > "$tmp/$ex-configure.log" || { cat "$tmp/$ex-configure.log"; exit 1; }
  cmake --build "$tmp/$ex-build" > "$tmp/$ex-build.log" || { cat "$tmp/$ex-build.log"; exit 1; }
  (cd "$tmp" && "$tmp/$ex-build/$ex" "$tmp/$ex.png" --cpu)
  "$png_diff" "$tmp/$ex.png" "$src/assets/golden/${ex}_cpu.png" 2 0.001
  echo "$ex: built against the installed package, equals its golden"
done
# The C ABI (cuvk::c, libcuvk) from plain C: it builds against the prefix, loads the installed libcuvk and runs
# (the pixels the ABI draws are tests/capi's to check).
cp -r "$src/examples/hello-c" "$tmp/hello-c-src"
cmake -S "$tmp/hello-c-src" -B "$tmp/hello-c-build" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  > "$tmp/hello-c-configure.log" || { cat "$tmp/hello-c-configure.log"; exit 1; }
cmake --build "$tmp/hello-c-build" > "$tmp/hello-c-build.log" || { cat "$tmp/hello-c-build.log"; exit 1; }
# ldd's output is kept whole before it is searched: grep -q leaves at its first match, and under pipefail the
# SIGPIPE that ldd then gets would fail a correct build now and then.
libs=$(ldd "$tmp/hello-c-build/hello-c")
grep -q "$tmp/prefix/lib/libcuvk.so" <<< "$libs" || {
  echo "hello-c does not load the installed libcuvk"; echo "$libs"; exit 1; }
(cd "$tmp" && "$tmp/hello-c-build/hello-c" "$tmp/hello-c.png")
test -s "$tmp/hello-c.png"
echo "hello-c: built against the installed package (cuvk::c), ran on the installed libcuvk"
