"""Moved to :mod:`extractor.quality`; re-exported while the ranking's modules move to it."""

from extractor.quality import WEIGHTS, quality_components, quality_score

__all__ = ["WEIGHTS", "quality_components", "quality_score"]
