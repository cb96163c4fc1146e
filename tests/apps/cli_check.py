"""What the command-line tests share: each check prints one line, and the first failure exits 1 naming it."""
import subprocess
import sys


def check(name, ok, detail=""):
    if not ok:
        print(f"FAILED: {name}\n{detail}", flush=True)
        sys.exit(1)
    print(f"ok: {name}", flush=True)


def runner(binary, cwd, default_timeout=600, env=None):
    """run(*args) for `binary` in `cwd`, its output captured as text."""
    def run(*args, timeout=default_timeout, env=env):
        return subprocess.run([binary, *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    return run
