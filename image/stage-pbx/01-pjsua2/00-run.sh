#!/bin/bash -e
# Host side: put the verified pjproject source and our config_site.h into the root.
install -d "${ROOTFS_DIR}/usr/src/switchboard"
install -m 644 files/pjproject.tar.gz "${ROOTFS_DIR}/usr/src/switchboard/pjproject.tar.gz"
install -m 644 files/config_site.h "${ROOTFS_DIR}/usr/src/switchboard/config_site.h"
