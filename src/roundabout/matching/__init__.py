"""Name matching: normalisation, transliteration, legal forms, vocabulary, index and screener.

The pipeline (:func:`roundabout.matching.normalize.analyze`) turns a raw name in any script into
a :class:`~roundabout.matching.normalize.NameForm`: casefolded native tokens (Kazakh, Kyrgyz,
Armenian and Georgian letters kept intact), ASCII tokens, phonetic skeleton keys that collapse
the usual romanisation variants, the legal form and the organisation designations
(:mod:`~roundabout.matching.vocabulary`), recognised and set aside.
:func:`~roundabout.matching.compare.compare` scores two forms under the rules of
``data/rules.yml`` (:mod:`~roundabout.matching.rules`); :mod:`~roundabout.matching.index` finds
every list name that can reach a floor; :class:`~roundabout.matching.matcher.Screener` puts it
together for parties (:mod:`~roundabout.matching.model`) with entity-level evidence
(:mod:`~roundabout.matching.features`).
"""

from roundabout.matching.normalize import NameForm, analyze, casefold_name

__all__ = ["NameForm", "analyze", "casefold_name"]
