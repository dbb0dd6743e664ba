#!/bin/bash -e
# In the image: install the firmware, its user, and make the root read-only.
VENV=/opt/switchboard/venv
"${VENV}/bin/python" -m pip install /usr/src/switchboard/switchboard-*.whl
ln -sf "${VENV}/bin/switchboard" /usr/bin/switchboard
ln -sf "${VENV}/bin/switchboard-modem-id" /usr/bin/switchboard-modem-id
rm -rf /usr/src/switchboard
id switchboard >/dev/null 2>&1 || useradd --system --home /var/lib/switchboard \
	--shell /usr/sbin/nologin --groups dialout,gpio,audio,spi switchboard
systemctl enable switchboard.service
systemctl mask ModemManager.service
install -d /etc/systemd/journald.conf.d
printf '[Journal]\nStorage=volatile\n' > /etc/systemd/journald.conf.d/volatile.conf
raspi-config nonint enable_overlayfs
