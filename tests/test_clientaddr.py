"""The client address behind trusted proxies (X-Forwarded-For, rightmost untrusted hop)."""

import pytest

from portal.clientaddr import client_address, counted_as, parse_networks
from portal.settings import load_settings

PROXIES = parse_networks("127.0.0.1, ::1, 10.0.0.0/8")


def test_without_trusted_proxies_the_socket_peer_counts_and_the_header_is_ignored():
    assert client_address(peer="198.51.100.7", forwarded_for=["1.2.3.4"]) == "198.51.100.7"
    assert client_address(peer="127.0.0.1", forwarded_for=["1.2.3.4"]) == "127.0.0.1"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_counts():
    # the client wrote "6.6.6.6" itself; the proxies appended the real hops on the right
    header = ["6.6.6.6, 198.51.100.7, 10.1.2.3"]
    assert client_address(peer="127.0.0.1", forwarded_for=header, trusted=PROXIES) == "198.51.100.7"
    assert client_address(peer="10.0.0.5", forwarded_for=["203.0.113.9"], trusted=PROXIES) == "203.0.113.9"
    # several header lines are one list, in order
    assert client_address(peer="::1", forwarded_for=["6.6.6.6", "198.51.100.8"], trusted=PROXIES) == "198.51.100.8"


def test_a_forged_header_from_an_untrusted_peer_changes_nothing():
    assert client_address(peer="198.51.100.7", forwarded_for=["10.0.0.1"], trusted=PROXIES) == "198.51.100.7"


@pytest.mark.parametrize("header", [[], ["10.0.0.2, 127.0.0.1"], ["not-an-address"]])
def test_no_readable_client_behind_a_proxy_means_no_address(header):
    assert client_address(peer="127.0.0.1", forwarded_for=header, trusted=PROXIES) == ""


def test_no_peer_means_no_address():
    assert client_address(peer=None) == "" and client_address(peer="") == ""


def test_setting_is_parsed_and_a_bad_entry_is_named():
    settings = load_settings({"PORTAL_TRUSTED_PROXIES": "127.0.0.1 ::1,10.0.0.0/8"})
    assert len(settings.trusted_networks) == 3
    with pytest.raises(ValueError, match="nonsense"):
        _ = load_settings({"PORTAL_TRUSTED_PROXIES": "nonsense"}).trusted_networks


def test_an_ipv6_address_is_counted_by_its_64_and_ipv4_as_itself():
    assert counted_as("2001:db8:1:2:abcd::7") == counted_as("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert counted_as("2001:db8:1:3::1") != counted_as("2001:db8:1:2::1")
    assert counted_as("203.0.113.7") == "203.0.113.7"
