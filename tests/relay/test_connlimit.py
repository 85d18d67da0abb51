"""relay.connlimit: per-address and total connection caps."""

from relay.connlimit import ConnectionGate, total_cap


class Conn:
    def __init__(self) -> None:
        self.evicted = False

    def evict(self) -> None:
        self.evicted = True


def test_the_per_address_cap_refuses_the_excess_until_one_closes() -> None:
    gate = ConnectionGate(per_ip=2, total=None)
    a, b, c = Conn(), Conn(), Conn()
    assert gate.admit("10.0.0.1", "10.0.0.1", a) is None
    assert gate.admit("10.0.0.1", "10.0.0.1", b) is None
    assert gate.admit("10.0.0.1", "10.0.0.1", c) == "per_ip"
    assert gate.admit("10.0.0.2", "10.0.0.2", c) is None  # another address
    gate.release("10.0.0.1", a)
    assert gate.admit("10.0.0.1", "10.0.0.1", Conn()) is None
    assert gate.open == 3


def test_exempt_addresses_and_a_zero_cap_are_not_limited() -> None:
    gate = ConnectionGate(per_ip=1, total=None, exempt=lambda ip: ip == "10.0.0.9")
    assert all(gate.admit("10.0.0.9", "10.0.0.9", Conn()) is None for _ in range(5))
    unlimited = ConnectionGate(per_ip=0, total=None)
    assert all(unlimited.admit("10.0.0.1", "10.0.0.1", Conn()) is None for _ in range(5))


def test_at_the_total_cap_the_longest_idle_connection_gives_way() -> None:
    gate = ConnectionGate(per_ip=0, total=3)
    first, second, third, fourth = Conn(), Conn(), Conn(), Conn()
    for conn in (first, second, third):
        assert gate.admit("10.0.0.1", "10.0.0.1", conn) is None
    gate.busy(first)  # serving a request: never pushed out
    assert gate.admit("10.0.0.2", "10.0.0.2", fourth) is None
    assert (first.evicted, second.evicted, third.evicted) == (False, True, False)
    gate.release("10.0.0.1", second)  # the evicted connection closes
    gate.busy(third)
    gate.busy(fourth)
    assert gate.admit("10.0.0.3", "10.0.0.3", Conn()) == "total"  # nothing idle to push out
    gate.idle(third)  # its request ended
    assert gate.admit("10.0.0.3", "10.0.0.3", Conn()) is None
    assert third.evicted and not fourth.evicted


def test_the_total_cap_leaves_files_for_provider_connections() -> None:
    assert total_cap(None) is None
    assert total_cap(1024) == 480
    assert total_cap(100) == 18
