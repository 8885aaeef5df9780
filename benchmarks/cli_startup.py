"""CPU time of ``surveyapp`` commands that compute nothing, from start to exit.

    .venv/bin/python benchmarks/cli_startup.py [--runs 5]

Runs each command RUNS times in a new process against a SQLite database made by ``surveyapp
init`` in a temporary folder, and prints the median and largest CPU time (user + system) of the
process. The goal is at most 0.5 s for ``--help`` and for commands that do not compute.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SURVEYAPP = Path(sys.executable).with_name("surveyapp")

COMMANDS = (
    ["--help"],
    ["users", "--help"],
    ["users", "list"],
    ["organisations", "list"],
    ["questionnaires", "check"],
    ["participants", "export", "{tmp}/register.csv"],
    ["backup", "{tmp}/backup-{n}.db"],
)


def cpu_seconds(args: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([str(SURVEYAPP), *args], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("SURVEYAPP_") and key != "DATABASE_URL"}
        env |= {"DATABASE_URL": f"sqlite:///{tmp}/bench.db", "SURVEYAPP_ENV_FILE": os.devnull,
                "SECRET_KEY": "benchmark"}
        init = cpu_seconds(["init"], env)
        print(f"load average {os.getloadavg()[0]:.1f}; {runs} runs each; CPU seconds (user + system)")
        print(f"  {'init (migrations, questionnaire files)':45} once {init:5.2f}")
        for command in COMMANDS:
            times = []
            for n in range(runs):
                args = [part.format(tmp=tmp, n=n) for part in command]
                Path(tmp, "register.csv").unlink(missing_ok=True)
                times.append(cpu_seconds(args, env))
            label = " ".join(command).replace("{tmp}/", "").replace("-{n}", "")
            print(f"  {label:45} median {statistics.median(times):5.2f}  max {max(times):5.2f}")


if __name__ == "__main__":
    main()
