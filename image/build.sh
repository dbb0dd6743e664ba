#!/usr/bin/env bash
# Build the Switchboard Raspberry Pi image with pi-gen (README.md beside this file).
#   image/build.sh PI_GEN_DIR [--record]
# --record: the first release build writes the pjproject archive's sha256 into
# pjproject/SOURCE (commit it); every other build refuses an archive that differs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
pigen=${1:?usage: image/build.sh PI_GEN_DIR [--record]}
record=${2:-}
[ -x "$pigen/build-docker.sh" ] || { echo "build.sh: $pigen is not a pi-gen checkout" >&2; exit 1; }

source_value() { sed -n "s/^$1=//p" "$here/pjproject/SOURCE"; }
version=$(source_value version)
url=$(source_value url)
want=$(source_value sha256)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "build.sh: fetching pjproject $version"
curl -fsSL "$url" -o "$work/pjproject.tar.gz"
got=$(sha256sum "$work/pjproject.tar.gz" | cut -d' ' -f1)
if [ -z "$want" ]; then
  if [ "$record" != "--record" ]; then
    echo "build.sh: no sha256 recorded in image/pjproject/SOURCE; run once with --record" \
         "on the release build machine and commit the file" >&2
    exit 1
  fi
  sed -i "s/^sha256=.*/sha256=$got/" "$here/pjproject/SOURCE"
  echo "build.sh: recorded sha256=$got in image/pjproject/SOURCE; commit it"
elif [ "$got" != "$want" ]; then
  echo "build.sh: pjproject archive sha256 $got differs from the recorded $want" >&2
  exit 1
fi

echo "build.sh: making the default prompts (espeak-ng, sox) into the wheel"
python3 "$repo/scripts/make_prompts.py"
echo "build.sh: building the firmware wheel"
python3 -m pip wheel --no-deps -q -w "$work/dist" "$repo"

stage="$pigen/stage-pbx"
rm -rf "$stage"
cp -r "$here/stage-pbx" "$stage"
install -d "$stage/01-pjsua2/files" "$stage/02-app/files"
cp "$work/pjproject.tar.gz" "$stage/01-pjsua2/files/"
cp "$here/pjproject/config_site.h" "$stage/01-pjsua2/files/"
cp "$work"/dist/switchboard-*.whl "$stage/02-app/files/"
cp "$repo/systemd/switchboard.service" "$stage/02-app/files/"
cp "$here/config" "$pigen/config"
# stage2's image is not wanted, only ours
touch "$pigen/stage2/SKIP_IMAGES"
cd "$pigen"
./build-docker.sh
