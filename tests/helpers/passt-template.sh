#!/bin/sh
# passt-template.sh NS: gives the network namespace NS (made by the caller)
# what passt (network = user) takes its configuration from: a default
# route. Its loopback up, a veth pair with both ends in NS, 10.9.0.2/24 on
# one, the route via 10.9.0.1 (nothing answers there: the guest only
# reaches NS's loopback through passt's gateway). Nothing outside NS is
# touched. Used by tests/helpers/net.bash, bench/net.sh and
# profiles/measure/measure-passt.sh.
set -eu
ip -n "$1" link set lo up
ip -n "$1" link add sbxtpl0 type veth peer name sbxtpl1
ip -n "$1" addr add 10.9.0.2/24 dev sbxtpl0
ip -n "$1" link set sbxtpl0 up
ip -n "$1" link set sbxtpl1 up
ip -n "$1" route add default via 10.9.0.1
