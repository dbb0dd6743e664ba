#!/bin/bash -e
# Host side: the firmware wheel, its service, the board name, udev rules, the data mount.
install -d "${ROOTFS_DIR}/usr/src/switchboard" "${ROOTFS_DIR}/etc/switchboard"
install -m 644 files/switchboard-*.whl "${ROOTFS_DIR}/usr/src/switchboard/"
install -m 644 files/switchboard.service "${ROOTFS_DIR}/etc/systemd/system/switchboard.service"
install -m 644 files/65-switchboard-modem.rules "${ROOTFS_DIR}/etc/udev/rules.d/"
install -m 644 files/66-switchboard-voice-modem.rules "${ROOTFS_DIR}/etc/udev/rules.d/"
echo "${SWITCHBOARD_BOARD:-pi-usbmodem}" > "${ROOTFS_DIR}/etc/switchboard/board"
install -d "${ROOTFS_DIR}/var/lib/switchboard"
grep -q 'LABEL=sbdata' "${ROOTFS_DIR}/etc/fstab" ||
	echo 'LABEL=sbdata /var/lib/switchboard ext4 defaults,noatime,nofail,x-systemd.growfs 0 2' \
		>> "${ROOTFS_DIR}/etc/fstab"
grep -q '^dtparam=watchdog=on' "${ROOTFS_DIR}/boot/firmware/config.txt" ||
	echo 'dtparam=watchdog=on' >> "${ROOTFS_DIR}/boot/firmware/config.txt"
