"""HTTPS for the relay: the operator's certificate, or a self-signed one made on first use.

API keys travel in every request's ``Authorization`` header, so a relay reachable from the LAN
must not speak plain HTTP by default. There is no public name to get a CA-signed certificate
for, so RelayDesk makes its own and shows its SHA-256 fingerprint: clients pin that (or trust
the certificate file) instead of a CA. Loopback-only relays keep plain HTTP by default, where
nobody can listen in.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
import socket
import ssl
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from app.config import Config
from app.errors import ValidationError

MODES = ("auto", "on", "off")
CERT_NAME = "relaydesk-cert.pem"
KEY_NAME = "relaydesk-key.pem"
# Apple platforms reject any TLS server certificate valid for more than 825 days, even one the
# user trusts by hand, so a longer life would lock out Macs and iPhones. Pinned clients must
# re-pin when it is renewed (RENEW_BEFORE ahead of expiry, on a start of the relay).
VALIDITY = datetime.timedelta(days=825)
RENEW_BEFORE = datetime.timedelta(days=30)
ALWAYS_NAMES = ("localhost",)
ALWAYS_ADDRESSES = ("127.0.0.1", "::1")
WILDCARD_HOSTS = ("", "0.0.0.0", "::")


@dataclass(frozen=True, slots=True)
class TlsPlan:
    """What the relay serves HTTPS with: a certificate/key pair and its pin."""

    cert_file: Path
    key_file: Path
    fingerprint: str
    self_signed: bool


# --- deciding ----------------------------------------------------------------------------------

def is_loopback(host: str) -> bool:
    """True when only this machine can connect: ``localhost`` or a loopback IP.

    A wildcard ("0.0.0.0", "::", "") or any other name/address is reachable from the network.
    """
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def resolve(config: Config, host: str, mode: str, cert_file: str = "",
            key_file: str = "") -> TlsPlan | None:
    """Decide how the relay on ``host`` serves: a ``TlsPlan`` for HTTPS, ``None`` for HTTP.

    ``auto`` means HTTPS exactly when ``host`` is reachable beyond loopback. With no operator
    files the self-signed pair in ``data_dir/tls`` is used (made or renewed as needed).
    Raises ``ValidationError`` for an unknown mode or unusable operator files.
    """
    if mode not in MODES:
        raise ValidationError("HTTPS must be one of {modes}, not {mode!r}", param="tls_mode",
                              modes=", ".join(MODES), mode=mode)
    if mode == "off" or (mode == "auto" and is_loopback(host)):
        return None
    if cert_file or key_file:
        cert, key = load_operator_pair(cert_file, key_file)
        return TlsPlan(cert, key, fingerprint_sha256(cert), self_signed=False)
    addresses = lan_ipv4_addresses()
    bound = host.strip().strip("[]")
    if bound not in WILDCARD_HOSTS and _is_ip(bound) and bound not in addresses:
        addresses.append(bound)  # a relay bound to one address must be valid for it
    cert, key = ensure_self_signed(config.data_dir / "tls", machine_hostnames(), addresses)
    return TlsPlan(cert, key, fingerprint_sha256(cert), self_signed=True)


def ssl_context(plan: TlsPlan) -> ssl.SSLContext:
    """A server-side context for ``plan``: TLS 1.2 or newer (older versions are broken)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(plan.cert_file, plan.key_file)
    except (ssl.SSLError, OSError) as exc:
        raise ValidationError("cannot use the HTTPS certificate {cert} with the key {key}: "
                              "{error}", cert=str(plan.cert_file), key=str(plan.key_file),
                              error=str(getattr(exc, "reason", None) or exc)) from None
    return context


# --- the machine's names -----------------------------------------------------------------------

def machine_hostnames() -> list[str]:
    """Names LAN clients may use for this machine: its hostname, and ``<name>.local`` (mDNS)."""
    name = socket.gethostname().strip().lower()
    if not name:
        return []
    return [name] if "." in name else [name, f"{name}.local"]


def lan_ipv4_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses, without sending any traffic.

    The hostname's addresses alone often give only 127.0.1.1 (Debian's /etc/hosts), so the
    address of the default route's interface is added too: "connecting" a UDP socket only picks
    a route, nothing is sent.
    """
    found: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(info[4][0]))
    except OSError:
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere for real
            found.append(str(probe.getsockname()[0]))
    except OSError:
        pass
    return [a for a in _unique(found) if not a.startswith(("127.", "0."))]


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# --- the self-signed pair ----------------------------------------------------------------------

def ensure_self_signed(folder: Path, hostnames: Iterable[str],
                       addresses: Iterable[str]) -> tuple[Path, Path]:
    """Return the self-signed pair in ``folder``, making it only when needed.

    The existing pair is kept (so its pinned fingerprint stays valid) while it parses, the key
    matches, it is not within ``RENEW_BEFORE`` of expiry and it covers every name and address
    asked for (plus localhost, 127.0.0.1 and ::1). Otherwise, e.g. after the LAN address
    changed, a new pair overwrites it: the old one cannot serve those clients anyway, and a
    stale private key left lying around would only be a liability.
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    names = _unique([*ALWAYS_NAMES, *(h.strip().lower() for h in hostnames
                                      if h.strip() and h.strip().isascii())])
    ips = _unique([*ALWAYS_ADDRESSES, *(str(ipaddress.ip_address(a.strip()))
                                        for a in addresses if a.strip())])
    if _still_good(cert_path, key_path, names, ips):
        key_path.chmod(0o600)  # an operator's copy-back must not widen it
        return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _build_certificate(key, names, ips)
    _write_atomic(key_path, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()), 0o600)
    _write_atomic(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return cert_path, key_path


def _build_certificate(key: ec.EllipticCurvePrivateKey, names: Sequence[str],
                       ips: Sequence[str]) -> x509.Certificate:
    """P-256: small, fast, and accepted by every TLS 1.2+ client.

    The extensions (SKI/AKI, CA:FALSE, serverAuth) are the ones strict verifiers such as
    Python 3.13's default context insist on, so pinning by trusting the file just works.
    """
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "RelayDesk"),  # clients check the SAN only
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "RelayDesk self-signed"),
    ])
    public = key.public_key()
    san = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(a)) for a in ips]
    return (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))  # tolerate slightly slow clocks
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public),
                       critical=False)
        .sign(key, hashes.SHA256())
    )


def _still_good(cert_path: Path, key_path: Path, names: Sequence[str],
                ips: Sequence[str]) -> bool:
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, TypeError, UnsupportedAlgorithm, x509.ExtensionNotFound):
        return False
    if _spki(key.public_key()) != _spki(cert.public_key()):
        return False  # e.g. a crash between writing the key and the certificate
    now = datetime.datetime.now(datetime.UTC)
    if cert.not_valid_after_utc - RENEW_BEFORE <= now or cert.not_valid_before_utc > now:
        return False
    have_names = {n.lower() for n in san.get_values_for_type(x509.DNSName)}
    have_ips = {str(a) for a in san.get_values_for_type(x509.IPAddress)}
    return set(names) <= have_names and set(ips) <= have_ips


def _write_atomic(path: Path, data: bytes, mode: int) -> None:
    """Write via a temp file created with ``mode`` (mkstemp: 0600, O_EXCL), then rename.

    The key is never readable by others, not even between create and chmod, and a crash
    leaves either the old file or the new one, never half of one.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _spki(public_key: PublicKeyTypes) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


# --- operator files and the pin ----------------------------------------------------------------

def fingerprint_sha256(cert_path: Path) -> str:
    """SHA-256 of the certificate's DER bytes as ``AB:CD:…``, as browsers and openssl show it."""
    cert = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest().hex(":").upper()


def load_operator_pair(cert_file: str | os.PathLike[str],
                       key_file: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Check the operator's certificate and key before the relay binds, so a typo or a
    mismatched pair is one clear sentence instead of an OpenSSL traceback at start-up.

    The certificate file may hold a chain (leaf first, as ``fullchain.pem`` does).
    """
    if not str(cert_file).strip() or not str(key_file).strip():
        raise ValidationError("an HTTPS certificate needs its private key: set both the "
                              "certificate file and the private key file (or neither, for "
                              "RelayDesk's own certificate)", param="tls_cert_file")
    cert_path, key_path = Path(cert_file).expanduser(), Path(key_file).expanduser()
    cert_bytes = _read(cert_path, "certificate")
    key_bytes = _read(key_path, "private key")
    try:
        cert = x509.load_pem_x509_certificates(cert_bytes)[0]
    except ValueError:
        raise ValidationError("HTTPS certificate file: {path} is not a PEM certificate",
                              param="tls_cert_file", path=str(cert_path)) from None
    try:
        key = serialization.load_pem_private_key(key_bytes, password=None)
    except TypeError:
        raise ValidationError("HTTPS private key file: {path} is encrypted; RelayDesk needs an "
                              "unencrypted key (protect the file with permissions instead)",
                              param="tls_key_file", path=str(key_path)) from None
    except (ValueError, UnsupportedAlgorithm):
        raise ValidationError("HTTPS private key file: {path} is not a PEM private key",
                              param="tls_key_file", path=str(key_path)) from None
    if _spki(key.public_key()) != _spki(cert.public_key()):
        raise ValidationError("HTTPS private key file: {key} does not belong to the certificate "
                              "{cert}", param="tls_key_file", key=str(key_path),
                              cert=str(cert_path))
    return cert_path, key_path


def _read(path: Path, what: str) -> bytes:
    param = "tls_cert_file" if what == "certificate" else "tls_key_file"
    field = "HTTPS certificate file" if what == "certificate" else "HTTPS private key file"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ValidationError("{field}: {path} was not found", param=param, field=field,
                              path=str(path)) from None
    except OSError as exc:
        raise ValidationError("{field}: cannot read {path} ({error})", param=param, field=field,
                              path=str(path), error=exc.strerror or str(exc)) from None
