#!/usr/bin/env bash
# Installs chrony (chronyd, a standard NTP implementation) for the media clock's tests: they run
# a real chronyd as an NTP server on loopback (test-support ChronyServer) and as a standard client
# of the service's SNTP responder (ChronyQuery, `chronyd -Q`). chronyd runs there with -x: it never
# sets the system clock. The package's service never starts. Idempotent; as a user other than root
# it only says how to install (hack/debian-package.sh).
#
#   hack/chrony.sh
exec "$(dirname "$0")/debian-package.sh" chrony chronyd
