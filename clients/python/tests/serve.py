"""A real ``orchestration serve`` for the tests: the built server on a free loopback port, with an API key
and a temporary data folder, stopped (its whole process group) at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

REPOSITORY = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DEFAULT_DLL = os.path.join(REPOSITORY, "src", "Server", "bin", "Release", "net10.0", "Orchestration.Server.dll")
KEY = "python-client-test-key-2c9e"


def server_dll() -> str:
    """The built server: env ORCHESTRATION_SERVER_DLL, else the Release build of this repository."""
    dll = os.environ.get("ORCHESTRATION_SERVER_DLL") or DEFAULT_DLL
    if not os.path.isfile(dll):
        raise RuntimeError(
            f"No built server at {dll}: run 'dotnet build src/Server/Orchestration.Server.csproj -c Release' "
            "or set ORCHESTRATION_SERVER_DLL.")
    return dll


def free_port() -> int:
    """A loopback port free at the time of the call."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One ``serve`` child process in its own process group."""

    def __init__(self) -> None:
        self.temp = tempfile.mkdtemp(prefix="python-client-tests-")
        self.data = os.path.join(self.temp, "data")
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None
        self._log_path = os.path.join(self.temp, "serve.log")

    def start(self, attempts: int = 3) -> None:
        """Starts the server and waits until it answers /api/health; a port taken in between is retried."""
        dll = server_dll()
        for _ in range(attempts):
            self.url = f"http://127.0.0.1:{free_port()}"
            environment = dict(os.environ, Orchestration__Api__Keys__0=KEY)
            environment.pop("ORCHESTRATION_KEY", None)
            with open(self._log_path, "ab") as log:
                self.process = subprocess.Popen(
                    ["dotnet", dll, "serve", "--urls", self.url, "--data", self.data],
                    cwd=REPOSITORY, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True)
            if self._wait_for_health(60.0):
                return
            self.stop()
        raise RuntimeError(f"serve did not answer /api/health: {self.log()[-4000:]}")

    def _wait_for_health(self, seconds: float) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False  # exited: a taken port, or a real failure shown by start's message
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=5) as answer:
                    if answer.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass  # not listening yet
            time.sleep(0.1)
        return False

    def log(self) -> str:
        """Everything the server printed so far (one line per request among it)."""
        with open(self._log_path, encoding="utf-8", errors="replace") as log:
            return log.read()

    def stop(self) -> None:
        """Stops the server's process group (SIGTERM, then SIGKILL after 15 s)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
            except ProcessLookupError:
                pass
        self.process = None

    def cli(self, *args: str, key: str = KEY, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Runs the .NET command line against this server (as a user would, with the key in the environment)."""
        environment = dict(os.environ, ORCHESTRATION_URL=self.url, ORCHESTRATION_KEY=key)
        return subprocess.run(["dotnet", server_dll(), *args], cwd=REPOSITORY, env=environment, capture_output=True,
                              text=True, timeout=timeout, check=False)
