"""The completeness classifier of the 存在的主要问题及改进情况 section.

``normalize`` (one form for every text) → ``elements`` (rules over ``lexicons``: problems,
measures, pairing, specificity, follow-up, stock phrases) → ``features`` (TF-IDF words and
character n-grams beside the scaled elements) → ``train`` (calibrated classifier, CV, the
artifact) → ``artifact`` (loaded once, refused when stale) → ``completeness`` (score,
label, elements, reasons; ``score_section``, ``score_report``).  ``similarity`` finds
near-copies among sections.  Imports ``extractor``, never ``workers``.
"""
