"""The completeness score of the 存在的主要问题及改进情况 section.

``normalize`` (one form for every text) → ``elements`` (rules over ``lexicons``: units, problems,
measures, pairing, specificity, follow-up, stock phrases) → ``rubric`` (the six elements people
mark, and the level they give, by rule) → ``features`` (the scaled elements) → ``train``
(calibrated classifier that places a section inside its label's band; CV; real-section figures;
the artifact) → ``artifact`` (loaded once, refused when stale) → ``completeness`` (score, label,
elements, reasons; ``score_section``, ``score_report``).  ``real_eval`` measures it on the real
sections people labelled; ``similarity`` finds near-copies among sections.  Imports
``extractor``, never ``workers``.
"""

from pathlib import Path

# Plain paths and numbers, importable without scikit-learn: ``gkaudit --help`` shows them as the defaults of
# ``train`` and ``completeness``; models.artifact and models.train take them from here.
ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts"
DEFAULT_TRAINING_DATA = Path(__file__).resolve().parents[1] / "corpus" / "problems" / "sections.jsonl"
DEFAULT_TRAINING_SEED = 20240901
