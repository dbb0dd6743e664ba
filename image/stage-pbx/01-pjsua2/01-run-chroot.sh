#!/bin/bash -e
# In the image: build pjproject with our limits and its pjsua2 Python binding
# into the firmware's venv (the pip wheel would cap the box at 4 SIP calls).
VENV=/opt/switchboard/venv
python3 -m venv --system-site-packages "${VENV}"
src=$(mktemp -d)
tar -xzf /usr/src/switchboard/pjproject.tar.gz -C "${src}" --strip-components=1
cp /usr/src/switchboard/config_site.h "${src}/pjlib/include/pj/config_site.h"
cd "${src}"
./configure --prefix=/usr/local --enable-shared --enable-epoll --disable-video \
	--disable-v4l2 --disable-opencore-amr --disable-sdl --disable-ffmpeg CFLAGS="-O2 -fPIC"
make dep
make -j"$(nproc)"
make install
ldconfig
cd pjsip-apps/src/swig/python
make PYTHON_EXE="${VENV}/bin/python"
"${VENV}/bin/python" -m pip install --no-deps .
"${VENV}/bin/python" -c 'import pjsua2; print("pjsua2", pjsua2.Endpoint().libVersion().full)'
cd /
rm -rf "${src}" /usr/src/switchboard/pjproject.tar.gz
