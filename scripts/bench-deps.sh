#!/usr/bin/env bash
# What `npm run bench` drives besides Node: Debian wrk, nginx and redis-server (serve with a
# Redis revocation source). Installed when missing (as root; otherwise it says what to install).
exec bash "$(dirname "$0")/debian-deps.sh" bench-deps wrk nginx redis-server
