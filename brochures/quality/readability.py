"""Reading scores of the body text of a leaflet in one language, sentence by sentence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from brochures.quality.findings import Finding
from brochures.quality.formulas import FORMULAS, count, total
from brochures.quality.frequency import frequency_tokens, has_frequencies, zipf
from brochures.quality.targets import INDEPENDENT, Target, Targets
from brochures.quality.text import TextUnit, is_unspaced, language, sentences, tokens

DEFAULT_LONG_SENTENCE = 25
DEFAULT_RARE_ZIPF = 3.0


@dataclass(frozen=True)
class Score:
    """One measure of the whole body text, with its target (if any) and whether it is met."""

    measure: str
    name: str
    value: float | None
    target: Target | None
    scale: str  # "grade", "ease", "words", "characters" or "percent"
    note: str = ""

    @property
    def met(self) -> bool | None:
        return self.target.met(self.value) if self.target else None


@dataclass(frozen=True)
class Sentence:
    """One sentence of the body text, where it is, and how hard it is."""

    context: str
    text: str
    span: tuple[int, int]
    length: int
    difficulty: float
    hard: bool


@dataclass(frozen=True)
class Readability:
    """The scores of one language's body text and its sentences in reading order."""

    locale: str
    scores: tuple[Score, ...]
    sentences: tuple[Sentence, ...]
    difficulty: str  # the measure each sentence is scored by
    difficulty_scale: str
    sentence_limit: float | None
    rare: tuple[str, ...]  # the rarest words, rarest first

    def score(self, measure: str) -> Score | None:
        return next((s for s in self.scores if s.measure == measure), None)

    @property
    def reading_age(self) -> float | None:
        """School grade + 5 from the first grade-scale formula of the language, if any."""
        grade = next((s for s in self.scores if s.scale == "grade" and s.value is not None),
                     None)
        return grade.value + 5 if grade else None

    def hardest(self, n: int) -> list[Sentence]:
        """The ``n`` hardest sentences, hardest first."""
        harder = -1 if self.difficulty_scale == "ease" else 1
        return sorted(self.sentences, key=lambda s: -harder * s.difficulty)[:n]

    @property
    def hard_count(self) -> int:
        return sum(s.hard for s in self.sentences)


def _formulas(locale: str, targets: dict[str, Target]) -> list[str]:
    lang = language(locale)
    return [m for m in targets if m in FORMULAS and lang in FORMULAS[m].languages]


def measure(units: Sequence[TextUnit], locale: str, targets: Targets) -> Readability:
    """Score the ``body`` units of one language by its formulas and the shared measures."""
    table = targets.for_locale(locale)
    found: list[tuple[TextUnit, tuple[int, int], str]] = [
        (unit, span, unit.text[span[0]:span[1]])
        for unit in units if unit.kind == "body" for span in sentences(unit.text)]
    counts = [count(text, locale) for _, _, text in found]
    lengths = [len(tokens(text, locale)) for _, _, text in found]
    whole = total(counts)
    scores: list[Score] = []
    formulas = _formulas(locale, table)
    for measure_id in formulas:
        formula = FORMULAS[measure_id]
        scores.append(Score(measure_id, formula.name, formula.score(whole), table[measure_id],
                            formula.scale, formula.needs(whole) if whole.words else ""))
    unit = "characters" if is_unspaced(locale) else "words"
    mean = sum(lengths) / len(lengths) if lengths else None
    scores.append(Score("sentence_length", INDEPENDENT["sentence_length"], mean,
                        table.get("sentence_length"), unit))
    long_target = table.get("long_sentences")
    over = long_target.limit if long_target and long_target.limit else DEFAULT_LONG_SENTENCE
    share = 100 * sum(n > over for n in lengths) / len(lengths) if lengths else None
    scores.append(Score("long_sentences", f"Sentences over {over:g} {unit}", share, long_target,
                        "percent"))
    rare_target = table.get("rare_words")
    below = rare_target.limit if rare_target and rare_target.limit else DEFAULT_RARE_ZIPF
    rare_share, rare = _rare(found, locale, below)
    note = "" if has_frequencies(locale) else f"wordfreq has no word list for {language(locale)}"
    scores.append(Score("rare_words", INDEPENDENT["rare_words"], rare_share, rare_target,
                        "percent", note))
    if formulas and whole.words and not FORMULAS[formulas[0]].needs(whole):
        primary = FORMULAS[formulas[0]]
        difficulty, scale = primary.id, primary.scale
        per_sentence = [primary.score(c) for c in counts]
        target = table[primary.id]
    else:
        difficulty, scale = "sentence_length", unit
        per_sentence = [float(n) for n in lengths]
        target = Target("sentence_length", limit=over)
    limit = target.limit if target.limit is not None else (
        target.max if target.max is not None else target.min)
    rows = []
    for (unit_, span, text), length, value in zip(found, lengths, per_sentence, strict=True):
        value = value if value is not None else 0.0
        hard = limit is not None and (value < limit if scale == "ease" else value >= limit)
        rows.append(Sentence(unit_.context, text, span, length, value, hard))
    return Readability(locale, tuple(scores), tuple(rows), difficulty, scale, limit, rare)


def _rare(found: list[tuple[TextUnit, tuple[int, int], str]], locale: str,
          below: float) -> tuple[float | None, tuple[str, ...]]:
    if not has_frequencies(locale):
        return None, ()
    measured = rare_count = 0
    rare: dict[str, float] = {}
    for _, _, text in found:
        for token in frequency_tokens(text, locale):
            value = zipf(token, locale)
            if value is None:
                continue
            measured += 1
            if value < below:
                rare_count += 1
                rare[token.lower()] = value
    if not measured:
        return None, ()
    return 100 * rare_count / measured, tuple(sorted(rare, key=lambda w: (rare[w], w)))


def findings(readability: Readability, brochure: str, units: Sequence[TextUnit]) -> list[Finding]:
    """A finding for each measure that misses its target; their text is the whole body text."""
    body = "\n".join(unit.text for unit in units if unit.kind == "body")
    result = []
    for score in readability.scores:
        if score.met is not False:
            continue
        assert score.target is not None and score.value is not None
        hint = ("Shorten long sentences and use everyday words, starting with the hardest "
                "sentences the report lists.")
        unit = {"percent": "%"}.get(score.scale, "")
        result.append(Finding(
            brochure, readability.locale, "readability", f"readability.{score.measure}",
            score.target.severity,
            f"{score.name} is {score.value:.1f}{unit}; the target is "
            f"{score.target.describe()}{unit}",
            excerpt=f"{score.value:.1f}", suggestion=hint, text=body))
    return result
