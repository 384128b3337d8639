#!/bin/sh
# Debian's redis-server runs in protected mode when no configuration sets a password; the official redis image
# turns it off (the container network is the boundary), and so does this one: same commands, same behaviour.
exec "/usr/bin/$(basename "$0")" "$@" --protected-mode no
