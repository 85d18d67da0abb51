"""app/tls.py: the self-signed pair (names, permissions, reuse, renewal), the pin, the operator's
own pair, and when the relay serves HTTPS at all."""

import datetime
import hashlib
import os
import ssl
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from app import tls
from app.config import Config
from app.errors import ValidationError

LAN = ["192.168.1.20", "10.0.0.7"]


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _sans(path: Path) -> tuple[set[str], set[str]]:
    san = _cert(path).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return (set(san.get_values_for_type(x509.DNSName)),
            {str(a) for a in san.get_values_for_type(x509.IPAddress)})


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _write_pair(folder: Path, key: object, *, days: int = 30, name: str = "op") -> Path:
    """A certificate for ``key`` signed by itself, as an operator (or openssl) would make."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relay.example")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key())  # type: ignore[attr-defined]
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=2 * abs(days)))
            .not_valid_after(now + datetime.timedelta(days=days))
            .sign(key, hashes.SHA256()))  # type: ignore[arg-type]
    path = folder / f"{name}-cert.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def _write_key(folder: Path, key: object, name: str = "op") -> Path:
    path = folder / f"{name}-key.pem"
    path.write_bytes(key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return path


# --- the self-signed pair ---------------------------------------------------------------------

def test_self_signed_covers_names_and_addresses_with_owner_only_key(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "tls"
    cert, key = tls.ensure_self_signed(folder, ["deskbox", "deskbox.local"], LAN)
    names, ips = _sans(cert)
    assert {"deskbox", "deskbox.local", "localhost"} <= names
    assert {"127.0.0.1", "::1", *LAN} <= ips
    assert _mode(key) == 0o600 and _mode(folder) == 0o700 and _mode(cert) == 0o644
    # A real, usable server pair: OpenSSL loads it, and the key is what the cert certifies.
    ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key)
    assert set(folder.iterdir()) == {cert, key}  # no temp files left behind


def test_validity_is_within_apples_825_day_cap(tmp_path: Path) -> None:
    cert, _ = tls.ensure_self_signed(tmp_path / "tls", [], [])
    parsed = _cert(cert)
    assert parsed.not_valid_after_utc - parsed.not_valid_before_utc <= datetime.timedelta(
        days=825, minutes=10)
    assert parsed.not_valid_after_utc > datetime.datetime.now(datetime.UTC) + \
        datetime.timedelta(days=800)


def test_key_is_owner_only_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        _, key = tls.ensure_self_signed(tmp_path / "tls", ["h"], LAN)
    finally:
        os.umask(old)
    assert _mode(key) == 0o600


def test_second_call_reuses_the_same_certificate(tmp_path: Path) -> None:
    cert, _ = tls.ensure_self_signed(tmp_path / "tls", ["deskbox"], LAN)
    first = tls.fingerprint_sha256(cert)
    cert, _ = tls.ensure_self_signed(tmp_path / "tls", ["deskbox"], list(reversed(LAN)))
    assert tls.fingerprint_sha256(cert) == first
    # fewer addresses than covered is still covered
    cert, _ = tls.ensure_self_signed(tmp_path / "tls", [], LAN[:1])
    assert tls.fingerprint_sha256(cert) == first


def test_changed_address_regenerates(tmp_path: Path) -> None:
    cert, key = tls.ensure_self_signed(tmp_path / "tls", ["deskbox"], LAN)
    first = tls.fingerprint_sha256(cert)
    key.chmod(0o644)  # the old key's mode must not survive into the new one
    cert, key = tls.ensure_self_signed(tmp_path / "tls", ["deskbox"], ["192.168.7.3"])
    assert tls.fingerprint_sha256(cert) != first
    _, ips = _sans(cert)
    assert "192.168.7.3" in ips and not set(LAN) & ips  # the old addresses are gone
    assert _mode(key) == 0o600
    ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key)


def test_changed_hostname_regenerates(tmp_path: Path) -> None:
    cert, _ = tls.ensure_self_signed(tmp_path / "tls", ["deskbox"], LAN)
    first = tls.fingerprint_sha256(cert)
    cert, _ = tls.ensure_self_signed(tmp_path / "tls", ["renamed"], LAN)
    assert tls.fingerprint_sha256(cert) != first and "renamed" in _sans(cert)[0]


def test_expired_unreadable_or_mismatched_pair_is_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    cert, key = tls.ensure_self_signed(folder, ["deskbox"], LAN)
    own_key = serialization.load_pem_private_key(key.read_bytes(), password=None)
    # expired: the same key, a certificate that ended yesterday
    _write_pair(folder, own_key, days=-1, name="old").replace(cert)
    cert, key = tls.ensure_self_signed(folder, ["deskbox"], LAN)
    assert _cert(cert).not_valid_after_utc > datetime.datetime.now(datetime.UTC)
    # garbage certificate
    first = tls.fingerprint_sha256(cert)
    cert.write_bytes(b"not a certificate")
    cert, key = tls.ensure_self_signed(folder, ["deskbox"], LAN)
    assert tls.fingerprint_sha256(cert) != first
    # key that does not belong to the certificate (a crash between the two writes)
    second = tls.fingerprint_sha256(cert)
    _write_key(folder, ec.generate_private_key(ec.SECP256R1()), name="other").replace(key)
    cert, key = tls.ensure_self_signed(folder, ["deskbox"], LAN)
    assert tls.fingerprint_sha256(cert) != second
    ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key)


def test_fingerprint_is_sha256_of_der_in_colon_hex(tmp_path: Path) -> None:
    cert, _ = tls.ensure_self_signed(tmp_path / "tls", ["deskbox"], LAN)
    der = _cert(cert).public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest().upper()
    expected = ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))
    assert tls.fingerprint_sha256(cert) == expected
    # the same bytes the TLS handshake presents
    assert der == ssl.PEM_cert_to_DER_cert(cert.read_text())


# --- the operator's own pair -------------------------------------------------------------------

def test_operator_pair_accepted(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert_path, key_path = _write_pair(tmp_path, key), _write_key(tmp_path, key)
    assert tls.load_operator_pair(str(cert_path), str(key_path)) == (cert_path, key_path)


@pytest.mark.parametrize("case, message", [
    ("missing cert", "HTTPS certificate file: "),
    ("missing key", "HTTPS private key file: "),
    ("garbage cert", "is not a PEM certificate"),
    ("garbage key", "is not a PEM private key"),
    ("mismatched", "does not belong to the certificate"),
    ("encrypted key", "is encrypted"),
    ("cert only", "set both the certificate file and the private key file"),
])
def test_operator_pair_errors_are_clear(tmp_path: Path, case: str, message: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert_path, key_path = _write_pair(tmp_path, key), _write_key(tmp_path, key)
    if case == "missing cert":
        cert_path = tmp_path / "missing.pem"
    elif case == "missing key":
        key_path = tmp_path / "missing.pem"
    elif case == "garbage cert":
        cert_path.write_text("-----BEGIN CERTIFICATE-----\nnonsense\n")
    elif case == "garbage key":
        key_path.write_bytes(b"\x00\x01 garbage")
    elif case == "mismatched":
        key_path = _write_key(tmp_path, ec.generate_private_key(ec.SECP256R1()), name="other")
    elif case == "encrypted key":
        key_path.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret")))
    args = (str(cert_path), "") if case == "cert only" else (str(cert_path), str(key_path))
    with pytest.raises(ValidationError) as caught:
        tls.load_operator_pair(*args)
    assert message in caught.value.message
    if case.startswith("missing"):
        assert caught.value.message.endswith("missing.pem was not found")
    assert "Traceback" not in caught.value.message and "\n" not in caught.value.message


# --- when to serve HTTPS ----------------------------------------------------------------------

@pytest.mark.parametrize("mode, host, https", [
    ("auto", "127.0.0.1", False), ("auto", "::1", False), ("auto", "localhost", False),
    ("auto", "127.0.0.2", False), ("auto", "0.0.0.0", True), ("auto", "::", True),
    ("auto", "192.168.1.20", True),
    ("on", "127.0.0.1", True), ("on", "localhost", True), ("on", "0.0.0.0", True),
    ("off", "127.0.0.1", False), ("off", "0.0.0.0", False),
])
def test_resolve_matrix(tmp_path: Path, mode: str, host: str, https: bool) -> None:
    config = Config(data_dir=tmp_path, database_url=None)
    plan = tls.resolve(config, host, mode)
    assert (plan is not None) == https
    if plan is not None:
        assert plan.self_signed and plan.cert_file.parent == tmp_path / "tls"
        assert plan.fingerprint == tls.fingerprint_sha256(plan.cert_file)
        names, ips = _sans(plan.cert_file)
        assert "localhost" in names and "127.0.0.1" in ips
        assert set(tls.machine_hostnames()) <= names
        assert set(tls.lan_ipv4_addresses()) <= ips
        if host == "192.168.1.20":
            assert host in ips  # bound to one address: the certificate is valid for it
        context = tls.ssl_context(plan)
        assert context.minimum_version == ssl.TLSVersion.TLSv1_2


def test_resolve_with_operator_files_and_bad_mode(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, database_url=None)
    key = ec.generate_private_key(ec.SECP256R1())
    cert_path, key_path = _write_pair(tmp_path, key), _write_key(tmp_path, key)
    plan = tls.resolve(config, "0.0.0.0", "auto", str(cert_path), str(key_path))
    assert plan is not None and not plan.self_signed
    assert (plan.cert_file, plan.key_file) == (cert_path, key_path)
    assert not (tmp_path / "tls").exists()  # no self-signed pair made when not needed
    with pytest.raises(ValidationError, match="not found"):
        tls.resolve(config, "0.0.0.0", "on", str(tmp_path / "nope.pem"), str(key_path))
    with pytest.raises(ValidationError, match=r"^HTTPS must be one of auto, on, off, not"):
        tls.resolve(config, "0.0.0.0", "always")
    # off never looks at the files
    assert tls.resolve(config, "0.0.0.0", "off", str(tmp_path / "nope.pem"), "") is None


def _handshake(server: ssl.SSLContext, client: ssl.SSLContext, name: str) -> bytes:
    """A real TLS handshake in memory (no sockets); returns the DER the server presented."""
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    client_side = client.wrap_bio(c_in, c_out, server_hostname=name)
    server_side = server.wrap_bio(s_in, s_out, server_side=True)
    done = [False, False]
    for _ in range(20):
        for i, (side, out, peer_in) in enumerate(((client_side, c_out, s_in),
                                                   (server_side, s_out, c_in))):
            if not done[i]:
                try:
                    side.do_handshake()
                    done[i] = True
                except ssl.SSLWantReadError:
                    pass
            peer_in.write(out.read())
        if all(done):
            der = client_side.getpeercert(binary_form=True)
            assert der is not None
            return der
    raise AssertionError("handshake did not finish")


@pytest.mark.parametrize("name", ["deskbox", "localhost", "192.168.1.20", "127.0.0.1", "::1"])
def test_self_signed_certificate_verifies_as_a_pinned_trust_anchor(tmp_path: Path,
                                                                    name: str) -> None:
    """Clients trust the file itself; even strict X.509 checking (Python 3.13's default) accepts
    it, for every name and address it lists, and the pin matches what the handshake shows."""
    cert, key = tls.ensure_self_signed(tmp_path / "tls", ["deskbox"], LAN)
    plan = tls.TlsPlan(cert, key, tls.fingerprint_sha256(cert), self_signed=True)
    client = ssl.create_default_context(cafile=str(cert))
    client.verify_flags |= ssl.VERIFY_X509_STRICT
    der = _handshake(tls.ssl_context(plan), client, name)
    assert hashlib.sha256(der).digest().hex(":").upper() == plan.fingerprint


def test_other_names_are_refused(tmp_path: Path) -> None:
    cert, key = tls.ensure_self_signed(tmp_path / "tls", ["deskbox"], LAN)
    plan = tls.TlsPlan(cert, key, tls.fingerprint_sha256(cert), self_signed=True)
    client = ssl.create_default_context(cafile=str(cert))
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(tls.ssl_context(plan), client, "192.168.1.99")
