#!/usr/bin/env bash
# Installs nginx (Debian's package) for the tests of the standalone front (nginx-ingress/
# nginx.conf.template) and for hack/local-stack.sh. The package's own service never starts: the
# tests and the stack run nginx themselves, on loopback, with every path under their own prefix.
# Idempotent; as a user other than root it only says how to install (hack/debian-package.sh).
#
#   hack/nginx.sh
exec "$(dirname "$0")/debian-package.sh" nginx nginx
