"""Names: transliteration, legal forms, normalisation and comparison keys.

The pipeline (:func:`roundabout.matching.normalize.analyze`) turns a raw name in any script into a
:class:`~roundabout.matching.normalize.NameForm`: casefolded native tokens (Kazakh, Kyrgyz,
Armenian and Georgian letters kept intact), ASCII tokens, phonetic skeleton keys that collapse
the usual romanisation variants, and the legal form, recognised and set aside.
"""

from roundabout.matching.normalize import NameForm, analyze, casefold_name

__all__ = ["NameForm", "analyze", "casefold_name"]
