#!/usr/bin/env bash
# The offline pictures' icon store (vendors/offline/pictures/build.py): fetch two pinned npm
# tarballs with `npm pack`, check their sha256, build $OUT/icons.json.gz. Run by `make install`;
# nothing is fetched at run time. Without npm it says so and stops: the offline image provider
# then draws title cards only.
#   scripts/pictures.sh PYTHON OUT
set -euo pipefail
python=$1
out=$2
# name@version and the sha256 of its tarball, checked before anything is read from it.
icons="@iconify-json/fluent-emoji-flat@1.2.6"
icons_sha="7d064769dee690815f823bc5bcc511d957198caf9f5edd8dd9c1aa48a6aeb175"
keywords="openmoji@17.0.0"
keywords_sha="55ee7d13485dec86e9f38c1f3a645a13382d33ff97c0cd845ee824b0aef45e68"

if ! command -v npm >/dev/null 2>&1; then
  echo "note: npm is missing, so the offline pictures have no icons (title cards only);"
  echo "      install it (sudo apt-get install -y npm) and run make install again"
  exit 0
fi
src="$out/src"
mkdir -p "$src"
fetch() {  # fetch SPEC SHA256 -> prints the tarball's path
  local spec=$1 sha=$2 file
  file=$(cd "$src" && npm pack --silent "$spec" | tail -n1)
  if [ "$(sha256sum "$src/$file" | cut -d' ' -f1)" != "$sha" ]; then
    rm -f "$src/$file"
    echo "error: $spec: its tarball does not have the pinned sha256 $sha" >&2
    exit 1
  fi
  echo "$src/$file"
}
icons_tgz=$(fetch "$icons" "$icons_sha")
keywords_tgz=$(fetch "$keywords" "$keywords_sha")
"$python" -m vendors.offline.pictures.build --icons "$icons_tgz" --keywords "$keywords_tgz" --out "$out"
rm -rf "$src"
