"""A second launch of RelayDesk on the same data folder brings the running window forward.

The running instance listens on a local socket named after its data folder (the folder's lock,
gui/main.py, decides who runs); a second launch finds the lock taken, asks the running one to
show itself, and exits.
"""

import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

SHOW = b"show\n"


def server_name(data_dir: Path) -> str:
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    return f"relaydesk-{digest}"


class InstanceServer(QObject):
    """Signals:
        show_requested(): another launch asked this instance to come forward.
    """

    show_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        name = server_name(data_dir)
        QLocalServer.removeServer(name)  # a socket file left by a crashed instance
        self.listening = self._server.listen(name)
        self._open: set[QLocalSocket] = set()  # accepted, not yet read
        self._server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while (conn := self._server.nextPendingConnection()) is not None:
            self._open.add(conn)
            conn.readyRead.connect(self._read)
            if conn.bytesAvailable():
                self._read_from(conn)

    def _read(self) -> None:
        conn = self.sender()
        if isinstance(conn, QLocalSocket) and conn in self._open:
            self._read_from(conn)

    def _read_from(self, conn: QLocalSocket) -> None:
        """One request per connection; the connection is then let go (deleted by Qt later)."""
        self._open.discard(conn)
        conn.readyRead.disconnect(self._read)
        if bytes(conn.readAll().data()).startswith(SHOW.strip()):
            self.show_requested.emit()
        conn.abort()
        conn.deleteLater()

    def close(self) -> None:
        self._server.close()


def ask_to_show(data_dir: Path, timeout_ms: int = 1000) -> bool:
    """Ask the instance running on ``data_dir`` to bring its window forward; False when none
    answers (then the caller says RelayDesk is already running)."""
    sock = QLocalSocket()
    sock.connectToServer(server_name(data_dir))
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write(SHOW)
    sent = sock.waitForBytesWritten(timeout_ms)
    sock.disconnectFromServer()
    return sent
