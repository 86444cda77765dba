"""`briefing` runs, each a process of its own forked from one that has imported the generator and
WeasyPrint already, so that a run costs its own work and not their start.

A run may carry a hook in publishing: wait at the output folder until the
test opens a gate, so that runs publish at the same moment, or kill itself
with SIGKILL at a chosen step.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RUNS = """
import json, os, signal, sys, time
from pathlib import Path

import generator.api
import generator.render.docx
import generator.render.pdf
from generator.cli import main
from generator.publish import atomic
from generator.publish.publisher import Publisher


def at_the_gate(gate):
    enter = Publisher.__enter__

    def waiting(publisher):
        (gate.parent / f"waiting-{os.getpid()}").touch()
        while not gate.exists():
            time.sleep(0.005)
        return enter(publisher)

    Publisher.__enter__ = waiting


def killed_at(out, wanted, when):
    # Count the steps of publishing from the first document written on: each document's bytes written
    # to its temporary, then each rename into the folder; SIGKILL this process before or after one.
    steps, write_all, replace = [], atomic.write_all, os.replace

    def step(action):
        steps.append(None)
        if len(steps) == wanted and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        action()
        if len(steps) == wanted and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)

    def writing(stream, content):
        if content.startswith(b"PK"):
            step(lambda: write_all(stream, content))
        else:
            write_all(stream, content)

    def renaming(source, target):
        if steps and Path(target).parent.resolve() == out:
            step(lambda: replace(source, target))
        else:
            replace(source, target)

    atomic.write_all, os.replace = writing, renaming


def run(hook, arguments, log):
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    output = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(output, 1)
    os.dup2(output, 2)
    if hook[:1] == ["gate"]:
        at_the_gate(Path(hook[1]))
    elif hook[:1] == ["kill"]:
        killed_at(Path(hook[1]).resolve(), int(hook[2]), hook[3])
    code = 0
    try:
        main(arguments, prog_name="briefing")
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


# Each line asks for runs started together; the answer is their exit statuses (negative: the signal).
for line in sys.stdin:
    children = []
    for hook, arguments, log in json.loads(line):
        child = os.fork()
        if child == 0:
            run(hook, arguments, log)
        children.append(child)
    print(json.dumps([os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) for child in children]), flush=True)
"""


class Runs:
    """`briefing` runs started from RUNS; what each prints goes to a log in `folder`."""

    def __init__(self, folder: Path, env: dict) -> None:
        self.folder = folder
        self.process = subprocess.Popen(
            [sys.executable, "-c", RUNS], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        self.count = 0

    def start(self, *runs: tuple[tuple[object, ...], list[object]]) -> list[Path]:
        """Start runs of (hook, arguments) at once; return their logs. The hook is (), ("gate", path) or
        ("kill", folder, step, "before" or "after")."""
        logs = []
        for _ in runs:
            self.count += 1
            logs.append(self.folder / f"run-{self.count}.log")
        request = [
            [list(map(str, hook)), list(map(str, arguments)), str(log)]
            for (hook, arguments), log in zip(runs, logs, strict=True)
        ]
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return logs

    def finished(self) -> list[int]:
        """The exit statuses of the runs started last, once they have all ended."""
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)
