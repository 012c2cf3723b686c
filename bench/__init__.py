"""What a benchmark module (bench/bench_*.py) works with: `Result` to report a figure and
`Context` to run `mutualis` in a subprocess against a scratch database. See bench/README.md."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal


class BenchError(RuntimeError):
    """A benchmark could not measure (a command failed, the data is not what was expected)."""


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    unit: str
    goal: float
    better: Literal["lower", "higher"]

    def __post_init__(self) -> None:
        if self.better not in ("lower", "higher"):
            raise ValueError(
                f"{self.name}: better must be 'lower' or 'higher', not {self.better!r}"
            )

    @property
    def met(self) -> bool:
        return self.value <= self.goal if self.better == "lower" else self.value >= self.goal

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "goal": self.goal,
            "better": self.better,
        }


@dataclass(frozen=True)
class Context:
    root: Path  # the repository
    tmp: Path  # var/bench/tmp: emptied at the start of every run of bench/run.py

    def scratch(self, name: str) -> Path:
        """A fresh folder of its own under tmp."""
        folder = self.tmp / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    @staticmethod
    def sqlite_url(path: Path) -> str:
        return f"sqlite:///{Path(path).resolve()}"  # an absolute path gives sqlite:////…

    def demo_database(self, name: str, *demo_args: str) -> tuple[Path, str]:
        """A fresh scratch folder NAME holding a migrated SQLite database filled by `mutualis
        demo DEMO_ARGS --seed 1`; its folder and URL. Prints how long the demo took."""
        folder = self.scratch(name)
        url = self.sqlite_url(folder / "demo.sqlite3")
        self.mutualis("migrate", "--noinput", "--verbosity", "0", database_url=url, var_dir=folder)
        started = time.perf_counter()
        self.mutualis(
            "demo", *demo_args, "--seed", "1", database_url=url, var_dir=folder, timeout=1800
        )
        seconds = time.perf_counter() - started
        print(f"  demo ({' '.join(demo_args)}) in {seconds:.0f} s", flush=True)
        return folder, url

    def mutualis(
        self,
        *args: str,
        database_url: str,
        var_dir: Path | None = None,
        timeout: float = 600,
    ) -> subprocess.CompletedProcess:
        """Runs `python -m mutualis ARGS` with this interpreter against `database_url`, its var
        folder (secret key, media…) in `var_dir` (default: tmp); raises BenchError when the
        command fails."""
        command = [sys.executable, "-m", "mutualis", *args]
        completed = subprocess.run(
            command,
            cwd=self.root,
            env=self.environment(database_url, var_dir),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if completed.returncode != 0:
            raise BenchError(
                f"`mutualis {' '.join(args)}` failed with exit code {completed.returncode}:\n"
                f"{completed.stderr[-4000:]}"
            )
        return completed

    def environment(self, database_url: str, var_dir: Path | None = None) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": database_url,
            "MUTUALIS_VAR_DIR": str(var_dir or self.tmp),
        }

    def probe(
        self, name: str, *, database_url: str, var_dir: Path | None = None, timeout: float = 1800
    ) -> dict:
        """Runs bench/probes/NAME.py in a process of its own against `database_url` and returns
        the JSON it prints on its last line."""
        completed = subprocess.run(
            [sys.executable, str(self.root / "bench" / "probes" / f"{name}.py")],
            cwd=self.root,
            env=self.environment(database_url, var_dir),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if completed.returncode != 0:
            raise BenchError(f"the probe {name} failed:\n{completed.stderr[-4000:]}")
        return json.loads(completed.stdout.strip().splitlines()[-1])

    @contextmanager
    def production_server(
        self,
        *,
        database_url: str,
        var_dir: Path,
        workers: int,
        threads: int = 1,
        niceness: int = 0,
    ) -> Iterator["Server"]:
        """`mutualis serve --production` (gunicorn) against `database_url` on a free port of
        this machine, at `niceness`, once it answers; stopped on leaving."""
        port = free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mutualis",
                "serve",
                "--production",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
            ],
            cwd=self.root,
            env={
                **self.environment(database_url, var_dir),
                "MUTUALIS_HTTPS": "0",
                "MUTUALIS_DEBUG": "0",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=(lambda: os.nice(niceness)) if niceness else None,
        )
        server = Server(process, port)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(server.url + "/health", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise BenchError("the production server did not start") from None
                    time.sleep(0.2)
            yield server
        finally:
            process.terminate()
            process.wait(timeout=30)


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
