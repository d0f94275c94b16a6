#!/bin/sh
# Egress rules of a bank's VDI hosts, applied at boot.
# The resolver address comes from the environment, so DNS cannot be judged from this file.
IPT=/usr/sbin/iptables
$IPT -F OUTPUT
$IPT -P OUTPUT DROP
$IPT -A OUTPUT -o lo -j ACCEPT
$IPT -A OUTPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
$IPT -A OUTPUT -p udp -d "$DNS_SERVER" --dport 53 -j ACCEPT
$IPT -A OUTPUT -p tcp --dport 443 -j ACCEPT
# Media: only the TURN port, and only a part of the high range.
$IPT -A OUTPUT -p udp --dport 3478 -j ACCEPT
$IPT -A OUTPUT -p udp --dport 10000:20000 -j ACCEPT
