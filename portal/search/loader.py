"""Loading the engine for a long-running process (the web app). The committed index normally
matches the content: it loads in a few seconds and the first question waits for it. Only when
articles must be encoded (content changed without `python -m portal.search build`) is the index
built in a background thread while a keyword-only engine answers (索引建立中), so no page waits
minutes for a model or fails because the index is missing."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from portal.laws.library import Library
from portal.search.api import SearchResponse
from portal.search.bank import BankEntry, load_seed
from portal.search.documents import corpus_from_library
from portal.search.embedder import Embedder, make_embedder
from portal.search.engine import SearchEngine
from portal.search.manifest import pending_documents

log = logging.getLogger(__name__)
BUILDING_NOTE = "检索索引正在建立中，暂时只按关键词查找，结果可能不够全面。"
# the engine could not be loaded or built (the log says why): nothing is being built
UNAVAILABLE_NOTE = "智能检索暂时不可用，目前只按关键词查找，结果可能不够全面。"
LOAD_WAIT_SECONDS = 60.0  # longest a question waits for an index that needs no encoding
BANK_REFRESH_SECONDS = 30.0  # how stale the served question bank may get behind the database


class EngineLoader:
    """Owns the process's SearchEngine. `searcher()` is always usable: the full hybrid engine once
    ready, before that a keyword-only engine whose answers carry a note saying so."""

    def __init__(self, library: Library, *, index_dir, embedding_model: str | Embedder,
                 bank: Sequence[BankEntry] | Callable[[], Sequence[BankEntry]] | None = None,
                 bank_refresh_seconds: float = BANK_REFRESH_SECONDS) -> None:
        """`bank`: the question-bank entries, or a function reading the published ones (the web
        app passes the database's; read again at most every `bank_refresh_seconds`, so what
        staff publish or withdraw is served without a restart). None: the shipped seed."""
        self.library = library
        self.bank = bank
        self.bank_refresh_seconds = bank_refresh_seconds
        self._bank_read_at = 0.0
        self._refreshing = threading.Lock()
        self.index_dir = index_dir
        self.embedding_model = embedding_model
        self.done = 0
        self.total = 0
        self.error: str | None = None
        self.pending: int | None = None  # documents to encode (known once the model is loaded)
        self._planned = threading.Event()
        self.engine: SearchEngine | None = None
        self._fallback: SearchEngine | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> EngineLoader:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
                self._thread.start()
        return self

    def _progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def _run(self) -> None:
        try:
            embedder = self.embedding_model
            if isinstance(embedder, str):
                embedder = make_embedder(embedder)
            self.pending = pending_documents(corpus_from_library(self.library), embedder, self.index_dir)
            self._planned.set()
            if self.pending:
                log.warning("search index: %d provisions to encode; serving keyword search meanwhile "
                            "(run `python -m portal.search build` ahead of serving)", self.pending)
            bank = self._bank_entries()
            engine = SearchEngine.for_library(self.library, index_dir=self.index_dir,
                                              embedder=embedder, progress=self._progress, bank=bank)
            engine.warm()
            self.engine = engine
        except Exception as exc:  # keep serving keyword search; the page says the index is unavailable
            log.exception("search index could not be built")
            self.error = type(exc).__name__
        finally:
            self._planned.set()

    def _bank_entries(self) -> Sequence[BankEntry]:
        self._bank_read_at = time.monotonic()
        if self.bank is None:
            return load_seed()
        if not callable(self.bank):
            return self.bank
        try:
            return self.bank()
        except Exception:  # the database may be down: answer with the seed rather than no bank
            log.warning("published question bank unavailable; serving the shipped seed", exc_info=True)
            return load_seed()

    def refresh_bank(self) -> bool:
        """Serve the bank function's current entries if the last read is older than the refresh
        interval (one search at a time does it; the others keep the bank they have). Returns
        whether the served bank changed."""
        engine = self.engine
        if engine is None or not callable(self.bank) \
                or time.monotonic() - self._bank_read_at < self.bank_refresh_seconds:
            return False
        if not self._refreshing.acquire(blocking=False):
            return False
        try:
            self._bank_read_at = time.monotonic()
            try:
                entries = self.bank()
            except Exception:
                log.warning("published question bank unavailable; keeping the served one", exc_info=True)
                return False
            return engine.use_bank(entries)
        finally:
            self._refreshing.release()

    def bank_changed(self) -> None:
        """Staff changed the published bank in this process: the next search reads it again
        (other processes within the refresh interval)."""
        self._bank_read_at = float("-inf")

    def settle(self, timeout: float = LOAD_WAIT_SECONDS) -> bool:
        """Wait for an index that only needs loading (no encoding); True when the engine is ready.
        Returns at once when a build is under way or loading failed."""
        if self.engine is None and self._thread is not None and self._planned.wait(timeout) \
                and self.pending == 0 and self.error is None:
            self._thread.join(timeout)
        return self.ready

    @property
    def ready(self) -> bool:
        return self.engine is not None

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.ready

    def searcher(self):
        if self.settle():
            self.refresh_bank()
            return self.engine
        with self._lock:
            if self._fallback is None:
                self._fallback = SearchEngine.lexical_only(self.library)
        return _Noted(self._fallback, UNAVAILABLE_NOTE if self.error else BUILDING_NOTE)


class _Noted:
    """A searcher whose every answer carries a note (used while the index builds)."""

    def __init__(self, inner: SearchEngine, note: str) -> None:
        self.inner, self.note = inner, note

    def search(self, query: str, *, k: int = 10, as_typed: bool = False) -> SearchResponse:
        response = self.inner.search(query, k=k, as_typed=as_typed)
        message = f"{response.message} {self.note}".strip() if response.hits else response.message
        return replace(response, message=message)
